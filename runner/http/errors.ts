import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { AppError } from '../core/errors.ts';

/**
 * The one place errors become responses. Shape follows Zendesk's:
 * `{"error":"RecordInvalid","description":"…","details":{"field":[{"description":"…"}]}}`.
 */
export function errorResponse(err: Error, c: Context, log: (msg: string, err: unknown) => void) {
  if (err instanceof AppError) {
    return c.json({ error: err.code, description: err.message, ...(err.details ? { details: err.details } : {}) }, err.status);
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    const code = status === 413 ? 'PayloadTooLarge' : status === 401 ? 'Unauthorized' : 'BadRequest';
    return c.json({ error: code, description: err.message || 'Bad request' }, status);
  }
  const text = unstorableText(err);
  if (text) return c.json({ error: 'InvalidCharacter', description: text }, 400);
  log('unhandled error', err);
  return c.json({ error: 'InternalError', description: 'Something went wrong on our side; it has been logged.' }, 500);
}

/**
 * PostgreSQL refuses text holding NUL (in text: 22021; as a JSON \u0000 escape: 22P05). Bodies read
 * through `jsonBody` are checked before; this catches what comes another way (query strings, raw
 * bodies) so that the sender's bad character is a 400, not a 500. Drizzle wraps the driver's error in `cause`.
 */
function unstorableText(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (e.code === '22021' || e.code === '22P05') return 'The request holds a character that cannot be stored (such as NUL, \\u0000)';
  }
  return undefined;
}
