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
  log('unhandled error', err);
  return c.json({ error: 'InternalError', description: 'Something went wrong on our side; it has been logged.' }, 500);
}
