import type { OrganizationChanges, OrganizationSnapshot, TicketSnapshot, UserChanges, UserSnapshot } from '../../sdk/index.ts';
import { filterFields } from './filters.ts';
import type { FilterSet, Settings } from './settings.ts';

// ---- ticket → Case ---------------------------------------------------------------------------------

/** A ticket value the admin's value map has no entry for: the Case field is left out. */
export type UnmappedValue = { caseField: string; ticketField: string; value: string; map: string };

/**
 * The Case fields of a ticket: subject, description, mapped status/priority/type and the admin's
 * fixed values. Comments and attachments are never part of it.
 */
export function caseFields(ticket: TicketSnapshot, settings: Settings): { fields: Record<string, string>; unmapped: UnmappedValue[] } {
  const fields: Record<string, string> = { ...settings.caseFieldDefaults, Subject: ticket.subject.slice(0, 255), Description: ticket.description.slice(0, 32_000) };
  const unmapped: UnmappedValue[] = [];
  const mapped: [string, 'status' | 'priority' | 'type', string | null, Record<string, string>, string][] = [
    ['Status', 'status', ticket.status, settings.statusMap, 'statusMap'],
    ['Priority', 'priority', ticket.priority, settings.priorityMap, 'priorityMap'],
    ['Type', 'type', ticket.type, settings.typeMap, 'typeMap'],
  ];
  for (const [caseField, ticketField, value, map, mapName] of mapped) {
    if (value === null) continue;
    const target = map[value];
    if (target) fields[caseField] = target;
    else unmapped.push({ caseField, ticketField, value, map: mapName });
  }
  return { fields, unmapped };
}

/** "Ada Lovelace King" → FirstName "Ada Lovelace", LastName "King" (LastName is required on Contact). */
export function splitName(name: string): { FirstName?: string; LastName: string } {
  const parts = name.trim().split(/\s+/);
  const last = parts.pop() || name;
  return parts.length ? { FirstName: parts.join(' '), LastName: last } : { LastName: last };
}

// ---- Salesforce → deskbridge ------------------------------------------------------------------------

export const INBOUND_OBJECTS = ['Account', 'Contact', 'Lead'] as const;
export type InboundObject = (typeof INBOUND_OBJECTS)[number];
export type SfRecord = Record<string, unknown> & { Id: string };

export type ObjectConfig = {
  object: InboundObject; enabled: boolean; target: 'organization' | 'user';
  matchKey: 'email' | 'name' | 'phone' | 'external_id';
  fieldMap: Record<string, string | undefined>; filters: FilterSet;
};

export function objectConfig(settings: Settings, object: InboundObject): ObjectConfig {
  switch (object) {
    case 'Account': return { object, enabled: settings.syncAccounts, target: 'organization', matchKey: settings.accountMatchKey, fieldMap: settings.accountFieldMap, filters: settings.accountFilters };
    case 'Contact': return { object, enabled: settings.syncContacts, target: 'user', matchKey: settings.contactMatchKey, fieldMap: settings.contactFieldMap, filters: settings.contactFilters };
    case 'Lead': return { object, enabled: settings.syncLeads, target: 'user', matchKey: settings.leadMatchKey, fieldMap: settings.leadFieldMap, filters: settings.leadFilters };
  }
}

/** The Salesforce field holding the match key; external_id matches the record's own id. */
const MATCH_FIELD = { email: 'Email', name: 'Name', phone: 'Phone', external_id: 'Id' } as const;
export const matchField = (c: ObjectConfig) => MATCH_FIELD[c.matchKey];

/** Every field a sync of this object reads: mapped fields, the match field, filter fields. */
export function soqlFields(c: ObjectConfig): string[] {
  return [...new Set(['Id', 'SystemModstamp', matchField(c), ...Object.values(c.fieldMap).filter((f): f is string => !!f), ...filterFields(c.filters)])];
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : null);
export const fieldValue = (record: SfRecord, field: string | undefined) => (field ? str(record[field]) : null);

/** A picklist value as a tag: "Web Referral" → "web_referral". */
export const asTag = (v: string) => v.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
/** "https://www.acme.com/en" → "acme.com". */
function asDomain(v: string): string | null {
  try {
    return new URL(/^[a-z]+:\/\//i.test(v) ? v : `https://${v}`).hostname.replace(/^www\./, '') || null;
  } catch {
    return null;
  }
}

const union = (existing: string[], extra: (string | null)[]) => {
  const out = [...existing];
  for (const v of extra) if (v && !out.includes(v)) out.push(v);
  return out;
};
const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * A user's changes from a Contact or Lead. Salesforce wins on the name; tags are appended (union);
 * email and phone are appended in the only way a single-valued field allows: filled when empty,
 * otherwise kept, the Salesforce value going to the user's Salesforce profile as an identifier
 * (`extra`). `user` null means the changes create one.
 */
export function userChanges(user: UserSnapshot | null, record: SfRecord, c: ObjectConfig, writeExternalId: boolean) {
  const changes: UserChanges = {};
  const extra: { type: 'email' | 'phone'; value: string }[] = [];
  const name = fieldValue(record, c.fieldMap.name);
  if (name && name !== user?.name) changes.name = name;
  for (const key of ['email', 'phone'] as const) {
    const value = fieldValue(record, c.fieldMap[key]);
    if (!value) continue;
    const current = user?.[key] ?? null;
    if (current === null) changes[key] = value;
    else if (current.toLowerCase() !== value.toLowerCase()) extra.push({ type: key, value });
  }
  const tag = fieldValue(record, c.fieldMap.tags);
  const tags = union(user?.tags ?? [], [tag ? asTag(tag) : null]);
  if (!sameList(tags, user?.tags ?? [])) changes.tags = tags;
  if (writeExternalId && user?.external_id !== record.Id) changes.external_id = record.Id;
  return { changes, extra };
}

/** An organization's changes from an Account: name and notes overwritten, tags and domains appended. */
export function organizationChanges(org: OrganizationSnapshot | null, record: SfRecord, c: ObjectConfig, writeExternalId: boolean, notes?: string | null) {
  const changes: OrganizationChanges = {};
  const name = fieldValue(record, c.fieldMap.name);
  if (name && name !== org?.name) changes.name = name;
  if (c.fieldMap.notes) {
    const value = fieldValue(record, c.fieldMap.notes);
    if (value !== (notes ?? null)) changes.notes = value;
  }
  const tag = fieldValue(record, c.fieldMap.tags);
  const tags = union(org?.tags ?? [], [tag ? asTag(tag) : null]);
  if (!sameList(tags, org?.tags ?? [])) changes.tags = tags;
  const site = fieldValue(record, c.fieldMap.domain_names);
  const domains = union(org?.domain_names ?? [], [site ? asDomain(site) : null]);
  if (!sameList(domains, org?.domain_names ?? [])) changes.domain_names = domains;
  if (writeExternalId && org?.external_id !== record.Id) changes.external_id = record.Id;
  return changes;
}

/** "Contact 0035g00000ABCDE (Jane Doe)" */
export const recordLabel = (object: InboundObject, record: SfRecord) => {
  const name = str(record.Name);
  return `${object} ${record.Id}${name ? ` (${name})` : ''}`;
};
