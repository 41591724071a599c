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
