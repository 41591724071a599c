import { z } from 'zod/mini';
import { t } from './i18n/t.ts';

/** The one error shape the server sends: `{ error, description, details? }`. */
const errorBody = z.object({
  error: z.string(),
  description: z.string(),
  details: z.optional(z.record(z.string(), z.unknown())),
});

const fieldProblems = z.record(z.string(), z.array(z.object({ description: z.string() })));

/** A failed API call; `description` is the server's human message, ready to show as is. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly description: string;
  readonly details: Record<string, unknown> | undefined;

  constructor(status: number, code: string, description: string, details?: Record<string, unknown>) {
    super(description);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.description = description;
    this.details = details;
  }

  /** Problems per field from a 422, e.g. `{ email: ['must be a valid email address'] }`. */
  fieldMessages(): Record<string, string[]> {
    const parsed = fieldProblems.safeParse(this.details);
    if (!parsed.success) return {};
    return Object.fromEntries(Object.entries(parsed.data).map(([field, list]) => [field, list.map((p) => p.description)]));
  }
}

type RequestOptions = { method?: 'GET' | 'POST' | 'PUT' | 'DELETE'; body?: unknown; signal?: AbortSignal };

/** fetch with the session cookie; resolves to the parsed JSON (null for 204), throws ApiError otherwise. */
export async function apiRequest(path: string, { method = 'GET', body, signal }: RequestOptions = {}): Promise<unknown> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, credentials: 'same-origin', signal, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError(0, 'NetworkError', t('errors.network'));
  }
  if (res.status === 204) return null;
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const parsed = errorBody.safeParse(json);
    if (parsed.success) throw new ApiError(res.status, parsed.data.error, parsed.data.description, parsed.data.details);
    throw new ApiError(res.status, 'UnexpectedResponse', t('errors.status', { status: res.status }));
  }
  if (json === undefined) throw new ApiError(res.status, 'UnexpectedResponse', t('errors.shape'));
  return json;
}

function expect<T>(schema: z.ZodMiniType<T>, data: unknown): T {
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new ApiError(200, 'UnexpectedResponse', t('errors.shape'));
  return parsed.data;
}

export async function getJson<T>(path: string, schema: z.ZodMiniType<T>, signal?: AbortSignal): Promise<T> {
  return expect(schema, await apiRequest(path, { signal }));
}

export async function postJson<T>(path: string, body: unknown, schema: z.ZodMiniType<T>): Promise<T> {
  return expect(schema, await apiRequest(path, { method: 'POST', body }));
}

export async function putJson<T>(path: string, body: unknown, schema: z.ZodMiniType<T>): Promise<T> {
  return expect(schema, await apiRequest(path, { method: 'PUT', body }));
}

/** For errors that are not ApiErrors (a bug, an aborted render): still a sentence for the user. */
export const describeError = (err: unknown): string => (err instanceof ApiError ? err.description : t('errors.unexpected'));
