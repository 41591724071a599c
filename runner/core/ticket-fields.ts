import { and, eq, inArray } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { ticketFields, type TicketFieldType } from '../../db/schema/index.ts';
import { AppError } from './errors.ts';
import { iso } from './format.ts';

export type CustomFieldValue = string | number | boolean | string[] | null;
export type CustomFieldInput = { id: number; value: CustomFieldValue };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function valueProblem(type: TicketFieldType, value: CustomFieldValue, options: string[], regexp: string | null): string | null {
  if (value === null) return null;
  switch (type) {
    case 'checkbox': return typeof value === 'boolean' ? null : 'must be true or false';
    case 'integer': return Number.isInteger(value) ? null : 'must be a whole number';
    case 'decimal': return typeof value === 'number' && Number.isFinite(value) ? null : 'must be a number';
    case 'date': return typeof value === 'string' && DATE.test(value) && !Number.isNaN(Date.parse(value)) ? null : 'must be a date as YYYY-MM-DD';
    case 'tagger': return typeof value === 'string' && options.includes(value) ? null : `must be one of: ${options.join(', ')}`;
    case 'multiselect':
      return Array.isArray(value) && value.every((v) => options.includes(v)) ? null : `must be a list of: ${options.join(', ')}`;
    case 'regexp':
      if (typeof value !== 'string') return 'must be text';
      return regexp && !new RegExp(regexp).test(value) ? `must match ${regexp}` : null;
    default: return typeof value === 'string' ? null : 'must be text';
  }
}

/** Checks custom field values against their field definitions; every problem is reported at once. */
export async function validateCustomFields(q: Queryable, accountId: number, input: CustomFieldInput[]): Promise<CustomFieldInput[]> {
  if (input.length === 0) return [];
  const ids = [...new Set(input.map((f) => f.id))];
  const defs = await q.select().from(ticketFields).where(and(eq(ticketFields.accountId, accountId), inArray(ticketFields.id, ids)));
  const byId = new Map(defs.map((d) => [d.id, d]));
  const details: Record<string, { description: string }[]> = {};
  input.forEach((f, i) => {
    const def = byId.get(f.id);
    const problem = !def || !def.active
      ? `${f.id} is not an active ticket field of this account`
      : valueProblem(def.type, f.value, def.customFieldOptions.map((o) => o.value), def.regexpForValidation);
    if (problem) details[`custom_fields[${i}]`] = [{ description: problem }];
  });
  if (Object.keys(details).length) {
    const first = Object.entries(details)[0]!;
    throw new AppError(422, 'RecordInvalid', `Record validation errors: ${first[0]} ${first[1][0]!.description}`, details);
  }
  return input;
}

export function ticketFieldShape(f: typeof ticketFields.$inferSelect, base: string) {
  return {
    id: f.id,
    url: `${base}/api/v2/ticket_fields/${f.id}.json`,
    type: f.type,
    title: f.title,
    raw_title: f.title,
    description: f.description,
    active: f.active,
    required: f.required,
    position: f.position,
    regexp_for_validation: f.regexpForValidation,
    custom_field_options: f.customFieldOptions.map((o, i) => ({ id: i + 1, name: o.name, raw_name: o.name, value: o.value })),
    removable: true,
    created_at: iso(f.createdAt),
    updated_at: iso(f.updatedAt),
  };
}
