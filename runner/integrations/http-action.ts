import { JSONPath } from 'jsonpath-plus';
import { createHttpClient } from '../engine/http-client.ts';
import { redactDetails, redactText } from '../logs/redact.ts';
import { PermanentError, type HttpRequest, type LogDetails, type Logger } from '../sdk/index.ts';
import type { Connection } from './connections.ts';

export type HttpMethod = NonNullable<HttpRequest['method']>;

export type HttpActionInput = {
  method: HttpMethod;
  url: string;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  connection?: Connection | null;
  timeoutMs?: number;
  log: Logger;
  signal?: AbortSignal;
  fetch?: typeof fetch;
};

export type HttpActionResult = {
  status: number; ok: boolean; headers: Record<string, string>; text: string;
  /** The parsed body when it is JSON, else undefined. */
  json: unknown;
  durationMs: number;
};

/**
 * One outbound call of an integration (a ZIS HTTP action, a bot's API call step, a custom action).
 * A URL outside the connection's allowed domain is refused before anything is sent; the
 * connection's credentials are added to the headers; the call goes through the connectors' HTTP
 * client, so it has a timeout and leaves a debug row (method, redacted URL, status, duration).
 * A non-2xx answer is returned, not thrown: the caller decides what it means. Network failures and
 * timeouts throw the client's RetryableError (code `Timeout` or `NetworkError`).
 */
export async function runHttpAction(input: HttpActionInput): Promise<HttpActionResult> {
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    throw new PermanentError(`"${input.url}" is not an absolute URL`, 'InvalidUrl');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new PermanentError(`Only http and https URLs can be called, not ${url.protocol}`, 'InvalidUrl');
  const { connection } = input;
  if (connection && !connection.allows(url)) {
    throw new PermanentError(
      `Refused to call ${url.origin}${url.pathname}: the connection "${connection.name}" may only call ${connection.allowedDomain} and its subdomains`,
      'DomainNotAllowed',
    );
  }
  const headers: Record<string, string> = { ...input.headers };
  connection?.authorize(headers);
  const client = createHttpClient({
    log: connection ? scrubbing(input.log, connection.secretValues()) : input.log, signal: input.signal ?? new AbortController().signal,
    ...(input.timeoutMs ? { timeoutMs: input.timeoutMs } : {}), ...(input.fetch ? { fetch: input.fetch } : {}),
  });
  const req: HttpRequest = { method: input.method, url: url.toString(), headers, throwOnError: false };
  if (typeof input.body === 'string') req.body = input.body;
  else if (input.body !== undefined && input.method !== 'GET' && input.method !== 'HEAD') req.json = input.body;
  const res = await client.request(req);
  let json: unknown;
  try { json = res.text ? JSON.parse(res.text) : undefined; } catch { json = undefined; }
  return { status: res.status, ok: res.ok, headers: Object.fromEntries(res.headers), text: res.text, json, durationMs: res.durationMs };
}

/**
 * A logger that blanks the connection's secrets wherever they appear (an endpoint that echoes the
 * token back in its answer): the engine only knows connector credentials, not these.
 */
function scrubbing(log: Logger, secrets: string[]): Logger {
  if (secrets.length === 0) return log;
  const wrap = (write: (d: string, x?: LogDetails) => void) => (d: string, x?: LogDetails) =>
    write(redactText(d, secrets), x === undefined ? undefined : (redactDetails(x, secrets) as LogDetails));
  return { info: wrap(log.info), warn: wrap(log.warn), error: wrap(log.error), debug: wrap(log.debug), withProduct: (p) => scrubbing(log.withProduct(p), secrets) };
}

const PLACEHOLDER = /\{\{\s*([^{}]+?)\s*\}\}/g;

/** The value a placeholder names: `$.a.b` / `$.list[0]` as JSONPath over the variables, `a.b` as a dotted path. */
export function lookup(variables: unknown, expr: string): unknown {
  if (expr.startsWith('$')) {
    const found = JSONPath({ path: expr, json: variables as object, wrap: true }) as unknown[];
    return found.length === 0 ? undefined : found.length === 1 ? found[0] : found;
  }
  let cur: unknown = variables;
  for (const part of expr.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

const asText = (v: unknown): string => (v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/**
 * Fills `{{name}}`, `{{a.b}}` and `{{$.x.y}}` placeholders, recursively through objects and arrays.
 * A string that is exactly one placeholder becomes the value itself (a number stays a number, an
 * object stays an object); inside longer text the value is written as text (objects as JSON, a
 * missing value as an empty string).
 *
 * @example renderTemplate({ subject: 'Ticket {{$.ticket.id}}', id: '{{$.ticket.id}}' }, { ticket: { id: 7 } })
 *          // → { subject: 'Ticket 7', id: 7 }
 */
export function renderTemplate<T = unknown>(value: T, variables: unknown): T {
  if (typeof value === 'string') {
    const whole = /^\{\{\s*([^{}]+?)\s*\}\}$/.exec(value);
    if (whole) return lookup(variables, whole[1]!) as T;
    return value.replace(PLACEHOLDER, (_m, expr: string) => asText(lookup(variables, expr))) as T;
  }
  if (Array.isArray(value)) return value.map((v) => renderTemplate(v, variables)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderTemplate(v, variables)])) as T;
  }
  return value;
}

/** Like renderTemplate for a text that must stay text (URLs, header values). */
export function renderText(text: string, variables: unknown): string {
  return text.replace(PLACEHOLDER, (_m, expr: string) => asText(lookup(variables, expr)));
}
