import type { Database } from '../../db/client.ts';
import type { SavedVariable } from '../../db/schema/index.ts';
import type { SecretBox } from '../core/crypto.ts';
import { getConnection, type Connection } from '../integrations/connections.ts';
import { lookup, renderTemplate, renderText, runHttpAction } from '../integrations/http-action.ts';
import { redactText } from '../logs/redact.ts';
import { PermanentError, RetryableError } from '../sdk/index.ts';
import type { RequestTemplate } from './request.ts';
import type { RunLog } from './run-log.ts';

const EXCERPT = 500;
const PLACEHOLDER = /\{\{\s*([^{}]+?)\s*\}\}/g;

export type CallEnv = { database: Database; secrets: () => SecretBox; accountId: number; run: RunLog; fetch?: typeof fetch };

export type CallResult = {
  status: 'success' | 'failure';
  /** The saved response fields, by name; a path that matched nothing leaves its name out (see `missing`). */
  variables: Record<string, unknown>;
  missing: string[];
  response: { status: number; duration_ms: number; body_excerpt: string } | null;
  error: { code: string; message: string } | null;
};

/** In a URL each value is percent-encoded, so `{{order_id}}` = "a/b?c" stays one path segment. */
const renderUrl = (url: string, variables: unknown) =>
  url.replace(PLACEHOLDER, (_m, expr: string) => {
    const v = lookup(variables, expr);
    return encodeURIComponent(v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  });

/** Known secrets blanked in whatever goes back to the caller (a remote may echo the credentials it got). */
function scrub<T>(value: T, secrets: string[]): T {
  if (secrets.length === 0) return value;
  if (typeof value === 'string') return redactText(value, secrets) as T;
  if (Array.isArray(value)) return value.map((v) => scrub(v, secrets)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, secrets)])) as T;
  return value;
}

const failure = (code: string, message: string, response: CallResult['response'] = null): CallResult =>
  ({ status: 'failure', variables: {}, missing: [], response, error: { code, message } });

/**
 * Makes one templated API call and reads the saved fields from its JSON answer, logging it as an
 * admin would want: info on 2xx, error with the status and a body excerpt otherwise, warning on a
 * timeout, error when refused (unknown connection, URL outside its allowed domain). Never throws for
 * the remote's sake: a bot takes its failure branch, an action flow stops.
 */
export async function callApi(env: CallEnv, label: string, tpl: RequestTemplate, variables: Record<string, unknown>, saved: SavedVariable[]): Promise<CallResult> {
  const { log } = env.run;
  const url = renderUrl(tpl.url, variables);
  const shown = (() => { try { const u = new URL(url); return `${tpl.method} ${u.origin}${u.pathname}`; } catch { return `${tpl.method} ${url}`; } })();
  const about = { request: { method: tpl.method, url }, connection: tpl.connectionName };

  let connection: Connection | null = null;
  if (tpl.connectionName) {
    try {
      connection = await getConnection(env.database.db, env.secrets(), env.accountId, null, tpl.connectionName);
    } catch (err) {
      log.error(`${label}: ${(err as Error).message}`, about);
      return failure('ConnectionUnreadable', (err as Error).message);
    }
    if (!connection) {
      const message = `the connection "${tpl.connectionName}" no longer exists`;
      log.error(`${label} not sent: ${message}`, about);
      return failure('ConnectionNotFound', message);
    }
    env.run.addSecrets(connection.secretValues());
  }
  const secrets = connection?.secretValues() ?? [];

  // A backstop a little after the client's own timeout: seen in tests under load, the client's
  // AbortSignal.timeout did not fire, and a bot must never wait longer than its step allows.
  const backstop = new AbortController();
  const timer = setTimeout(() => backstop.abort(), tpl.timeoutMs + 100);
  let res;
  try {
    res = await runHttpAction({
      method: tpl.method, url, connection, timeoutMs: tpl.timeoutMs, log, signal: backstop.signal,
      headers: Object.fromEntries(Object.entries(tpl.headers).map(([k, v]) => [k, renderText(v, variables)])),
      body: tpl.body === null || tpl.body === undefined ? undefined : renderTemplate(tpl.body, variables),
      ...(env.fetch ? { fetch: env.fetch } : {}),
    });
  } catch (err) {
    if (backstop.signal.aborted || (err instanceof RetryableError && err.code === 'Timeout')) {
      log.warn(`${label}: ${shown} timed out after ${tpl.timeoutMs} ms`, { ...about, timeout_ms: tpl.timeoutMs });
      return failure('Timeout', `${shown} timed out after ${tpl.timeoutMs} ms`);
    }
    const code = err instanceof PermanentError || err instanceof RetryableError ? err.code : 'NetworkError';
    const message = (err as Error).message;
    log.error(`${label} ${err instanceof PermanentError ? 'refused' : 'failed'}: ${message}`, { ...about, error: { code, message } });
    return failure(code, message);
  } finally {
    clearTimeout(timer);
  }

  const excerpt = scrub(res.text.slice(0, EXCERPT), secrets);
  const response = { status: res.status, duration_ms: res.durationMs, body_excerpt: excerpt };
  if (!res.ok) {
    log.error(`${label}: ${shown} answered ${res.status}${excerpt ? `: ${excerpt.slice(0, 200)}` : ''}`, { ...about, response: { status: res.status, body_excerpt: excerpt }, duration_ms: res.durationMs });
    return failure(`HTTP${res.status}`, `${shown} answered ${res.status}`, response);
  }

  const found: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const v of saved) {
    const value = res.json === undefined ? undefined : lookup(res.json, v.path);
    if (value === undefined) missing.push(v.name);
    else found[v.name] = scrub(value, secrets);
  }
  const savedText = Object.keys(found).length ? `; saved ${Object.keys(found).join(', ')}` : '';
  const missingText = missing.length ? `; not in the answer: ${missing.join(', ')}` : '';
  log.info(`${label}: ${shown} → ${res.status} in ${res.durationMs} ms${savedText}${missingText}`, {
    ...about, response: { status: res.status }, duration_ms: res.durationMs, saved: Object.keys(found), missing,
  });
  return { status: 'success', variables: found, missing, response, error: null };
}
