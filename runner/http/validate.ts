import type { Context } from 'hono';
import { z } from 'zod';
import { AppError, type FieldErrors } from '../core/errors.ts';

/** Turns Zod issues into Zendesk's `details` map, keyed by the failing field's path. */
export function toFieldErrors(error: z.ZodError, dropPrefix = 0): FieldErrors {
  const details: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.slice(dropPrefix).map(String).join('.') || issue.path.map(String).join('.') || 'body';
    (details[key] ??= []).push({ description: issue.message, error: issue.code });
  }
  return details;
}

function invalidFrom(error: z.ZodError, dropPrefix: number): AppError {
  const details = toFieldErrors(error, dropPrefix);
  const [field, problems] = Object.entries(details)[0]!;
  return new AppError(422, 'RecordInvalid', `Record validation errors: ${field}: ${problems[0]!.description}`, details);
}

/**
 * Where a JSON value holds the NUL character, as a dotted path ('' for the value itself), or undefined.
 * PostgreSQL text cannot store it: refused here, it is a 422 naming the field instead of a failed query.
 */
function pathWithNul(value: unknown, at = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? at : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const path = at ? `${at}.${key}` : key;
    if (key.includes('\u0000')) return path;
    const found = pathWithNul(item, path);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Reads a JSON body and validates it; malformed JSON is a 400, a wrong shape a 422 naming the field. */
export async function jsonBody<S extends z.ZodType>(c: Context, schema: S, envelope?: string): Promise<z.infer<S>> {
  const type = c.req.header('content-type') ?? '';
  if (!type.includes('application/json')) throw new AppError(415, 'UnsupportedMediaType', 'Send the body as JSON with Content-Type: application/json');
  const text = await c.req.text();
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new AppError(400, 'InvalidJSON', 'The request body is not valid JSON');
  }
  const nul = pathWithNul(raw);
  if (nul !== undefined) {
    const field = nul || 'body';
    throw new AppError(422, 'RecordInvalid', `Record validation errors: ${field}: must not contain the NUL character (\\u0000)`, { [field]: [{ description: 'must not contain the NUL character (\\u0000)', error: 'invalid_string' }] });
  }
  if (envelope) {
    if (typeof raw !== 'object' || raw === null || !(envelope in raw)) {
      throw new AppError(400, 'BadRequest', `The body must be an object like {"${envelope}": {…}}`, { [envelope]: [{ description: 'is missing' }] });
    }
    raw = (raw as Record<string, unknown>)[envelope];
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw invalidFrom(parsed.error, 0);
  return parsed.data;
}

export function parseQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) {
    const details = toFieldErrors(parsed.error);
    const [field, problems] = Object.entries(details)[0]!;
    throw new AppError(400, 'InvalidParameter', `Invalid query parameter ${field}: ${problems[0]!.description}`, details);
  }
  return parsed.data;
}

export const idParam = (c: Context, name = 'id'): number => {
  const raw = c.req.param(name) ?? '';
  if (!/^\d{1,15}$/.test(raw)) throw new AppError(404, 'RecordNotFound', 'Not found');
  return Number(raw);
};

// Reusable field schemas.
export const zId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
export const zText = (max: number) => z.string().max(max, `must be at most ${max} characters`);
export const zTags = z.array(zText(255)).max(500);
