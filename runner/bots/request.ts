import { z } from 'zod';
import type { Queryable } from '../../db/client.ts';
import { HTTP_METHODS } from '../../db/schema/index.ts';
import type { FieldErrors } from '../core/errors.ts';
import { findConnectionInfo, zConnectionName } from '../integrations/connections.ts';

/**
 * The request template shared by bot API call steps and custom actions: method, a URL, headers and
 * a body with `{{variable}}` placeholders, an account-level connection, a timeout, and response
 * fields read by JSON path. Checked when saved, so a run fails only for reasons of the moment.
 */

const PLACEHOLDER = /\{\{\s*[^{}]+?\s*\}\}/g;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
/** `$`, then `.name`, `..name`, `.*`, `[0]`, `[*]`, `['name']` or a `[?(…)]` filter; or a plain dotted path `order.status`. */
const JSON_PATH = /^\$(?:\.\.?[A-Za-z_$][\w$-]*|\.\*|\[\d+\]|\[\*\]|\['[^']+'\]|\[\?\(.+?\)\])*$/;
const DOTTED_PATH = /^[A-Za-z_$][\w$-]*(?:\.[\w$-]+)*$/;

export const DEFAULT_TIMEOUT_MS = 10_000;

export const zVariableName = z.string('is required').min(1, 'must not be blank').max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must start with a letter or _ and hold only letters, digits and _');

export const zJsonPath = z.string('is required').trim().min(1, 'must not be blank').max(500, 'must be at most 500 characters')
  .refine((p) => JSON_PATH.test(p) || DOTTED_PATH.test(p), 'must be a JSON path such as $.order.status or $.items[0].id');

/** The URL with each placeholder replaced by a sample value must be an absolute http(s) URL. */
export const zUrlTemplate = z.string('is required').trim().min(1, 'must not be blank').max(2000, 'must be at most 2000 characters')
  .refine((u) => {
    try {
      const url = new URL(u.replace(PLACEHOLDER, 'x'));
      return url.protocol === 'https:' || url.protocol === 'http:';
    } catch { return false; }
  }, 'must be an absolute http or https URL (placeholders such as {{order_id}} are allowed)');

export const zHeaders = z.record(
  z.string().max(128, 'must be at most 128 characters').regex(HEADER_NAME, 'must be a valid HTTP header name'),
  z.string('must be a string').max(8192, 'must be at most 8192 characters'),
  'must be an object of header names to values',
).refine((h) => Object.keys(h).length <= 50, 'may hold at most 50 headers');

export const zSavedVariables = z.array(z.object({ name: zVariableName, path: zJsonPath }), 'must be a list of {"name", "path"}')
  .max(50, 'may hold at most 50 entries')
  .refine((list) => new Set(list.map((v) => v.name)).size === list.length, 'names must be unique');

/** The request fields as the API takes them (snake_case); every one optional, so PUT can change a few. */
export const requestFields = {
  method: z.enum(HTTP_METHODS, `must be one of ${HTTP_METHODS.join(', ')}`).optional(),
  url: zUrlTemplate.optional(),
  headers: zHeaders.optional(),
  body: z.json('must be JSON').nullable().optional(),
  connection: zConnectionName.nullable().optional(),
  timeout_ms: z.number('must be a number').int('must be a whole number').min(100, 'must be at least 100').max(60_000, 'must be at most 60000 (60 s)').optional(),
};

export type RequestTemplate = {
  method: (typeof HTTP_METHODS)[number]; url: string; headers: Record<string, string>; body: unknown;
  connectionName: string | null; timeoutMs: number;
};

/** The host of a URL template, when no placeholder sits in it (a placeholder host is checked at run time). */
function literalHost(url: string): string | undefined {
  const m = /^[a-z]+:\/\/([^/?#]+)/i.exec(url);
  if (!m || m[1]!.includes('{{')) return undefined;
  try { return new URL(url.replace(PLACEHOLDER, 'x')).hostname.toLowerCase(); } catch { return undefined; }
}

/**
 * The connection must exist among the account's own (scope null), and a URL whose host is written
 * out must be within its allowed domain: the admin hears it when saving, not on the first run.
 */
export async function checkConnection(q: Queryable, accountId: number, name: string | null, url: string): Promise<FieldErrors> {
  if (!name) return {};
  const info = await findConnectionInfo(q, accountId, null, name);
  if (!info) return { connection: [{ description: `no connection is named "${name}"; create it at /api/v2/integrations/http_connections` }] };
  const host = literalHost(url);
  if (host && host !== info.allowedDomain && !host.endsWith(`.${info.allowedDomain}`)) {
    return { url: [{ description: `calls ${host}, outside ${info.allowedDomain}, the allowed domain of connection "${name}"` }] };
  }
  return {};
}

/** The request columns of a bot step or custom action, as stored. */
export type TemplateColumns = {
  method: RequestTemplate['method']; url: string; headers: Record<string, string>; body: unknown;
  connectionName: string | null; timeoutMs: number;
};
export type RequestFieldsInput = {
  method?: RequestTemplate['method'] | undefined; url?: string | undefined; headers?: Record<string, string> | undefined;
  body?: unknown; connection?: string | null | undefined; timeout_ms?: number | undefined;
};

/**
 * The stored columns after a create (no `current`) or a partial update: given fields replace,
 * missing ones keep their value. A create without method or url lists both as missing.
 */
export function mergeTemplate(input: RequestFieldsInput, current?: TemplateColumns): { columns?: TemplateColumns; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const method = input.method ?? current?.method;
  const url = input.url ?? current?.url;
  if (!method) errors.method = [{ description: 'is required' }];
  if (!url) errors.url = [{ description: 'is required' }];
  if (!method || !url) return { errors };
  return {
    errors,
    columns: {
      method, url,
      headers: input.headers ?? current?.headers ?? {},
      body: input.body !== undefined ? input.body : current?.body ?? null,
      connectionName: input.connection !== undefined ? input.connection : current?.connectionName ?? null,
      timeoutMs: input.timeout_ms ?? current?.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    },
  };
}

/** The request fields as the API shows them. */
export const templateShape = (row: TemplateColumns) => ({
  method: row.method, url: row.url, headers: row.headers, body: row.body ?? null, connection: row.connectionName, timeout_ms: row.timeoutMs,
});
