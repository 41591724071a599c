import { z } from 'zod';
import { HttpError, PermanentError, RetryableError, type HttpRequest } from '../../sdk/index.ts';
import { createTokenSource, retryAfterMs, type SalesforceContext } from './auth.ts';

export type { SalesforceContext };

/** One entry of Salesforce's error body: `[{"message":…,"errorCode":…,"fields":[…]}]`. */
export type SalesforceErrorItem = { message: string; errorCode: string; fields?: string[] };

const errorBody = z.array(z.object({ message: z.string(), errorCode: z.string(), fields: z.array(z.string()).optional() }));

/** A 4xx Salesforce gave with its error list: the caller turns it into a failed-sync row. */
export class SalesforceError extends HttpError {
  constructor(status: number, readonly errors: SalesforceErrorItem[], what: string) {
    super(status, `${what}: ${errors.map((e) => `${e.errorCode}: ${e.message}`).join('; ') || `HTTP ${status}`}`);
    this.name = 'SalesforceError';
  }
  get code(): string { return this.errors[0]?.errorCode ?? `HTTP${this.status}`; }
}

const DEFAULT_LIMIT_BACKOFF_MS = 60_000;

function parseErrors(text: string): SalesforceErrorItem[] {
  try {
    const parsed = errorBody.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

/** SOQL string literal: quotes and backslashes escaped. */
export function soqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
}

export type QueryPage<T> = { totalSize: number; done: boolean; records: T[]; nextRecordsUrl?: string };
const queryPage = z.object({ totalSize: z.number(), done: z.boolean(), records: z.array(z.record(z.string(), z.unknown())), nextRecordsUrl: z.string().optional() });

/**
 * The Salesforce REST API for one handler run: the bearer token comes from auth.ts; on a 401
 * (INVALID_SESSION_ID) it is refreshed once and the call repeated. API limits (429, 403 REQUEST_LIMIT_EXCEEDED) become a RetryableError
 * so the engine backs off; other 4xx a SalesforceError with Salesforce's error list.
 */
export function createSalesforceClient(ctx: SalesforceContext) {
  const { settings } = ctx;
  const tokens = createTokenSource(ctx);
  const instance = settings.instanceUrl.replace(/\/+$/, '');
  const dataPath = (rest: string) => `/services/data/${settings.apiVersion}${rest}`;

  type Call = { method?: HttpRequest['method']; json?: unknown; query?: HttpRequest['query']; headers?: Record<string, string>; what: string };

  async function call(path: string, opts: Call) {
    const url = path.startsWith('http') ? path : `${instance}${path.startsWith('/services/') ? path : dataPath(path)}`;
    const send = (token: string) => ctx.http.request({
      method: opts.method ?? 'GET', url, json: opts.json, query: opts.query, throwOnError: false,
      headers: { authorization: `Bearer ${token}`, ...opts.headers },
    });
    let res = await send(await tokens.current());
    if (res.status === 401) res = await send(await tokens.refresh('expired'));
    if (res.ok) return res;
    const errors = parseErrors(res.text);
    const code = errors[0]?.errorCode;
    if (res.status === 429 || code === 'REQUEST_LIMIT_EXCEEDED') {
      throw new RetryableError(`Salesforce API limit reached (${code ?? 'HTTP 429'}${errors[0] ? `: ${errors[0].message}` : ''}) while ${opts.what}`,
        retryAfterMs(res.headers) ?? DEFAULT_LIMIT_BACKOFF_MS, 'REQUEST_LIMIT_EXCEEDED');
    }
    if (res.status === 401) throw new PermanentError(`Salesforce refused a fresh access token (${code ?? 'HTTP 401'}): does the user have API access?`, 'SalesforceAuthFailed');
    if (res.status >= 500) throw new HttpError(res.status, `Salesforce answered ${res.status} while ${opts.what}`, retryAfterMs(res.headers));
    throw new SalesforceError(res.status, errors, `Salesforce refused ${opts.what}`);
  }

  return {
    dataPath,
    /** A REST call under /services/data/{version} (or an absolute /services/… path); answers JSON. */
    async json<T>(path: string, opts: Call, schema: z.ZodType<T>): Promise<T> {
      const res = await call(path, opts);
      const parsed = schema.safeParse(res.status === 204 ? {} : res.json());
      if (!parsed.success) throw new PermanentError(`Salesforce answered ${opts.what} with an unexpected shape: ${parsed.error.issues[0]?.message ?? ''}`, 'UnexpectedAnswer');
      return parsed.data;
    },
    /** Runs a SOQL query, page by page (nextRecordsUrl), handing each page to `onPage`. */
    async query(soql: string, what: string, onPage: (records: Record<string, unknown>[]) => Promise<void>, batchSize = 200): Promise<number> {
      let next: string | undefined = '/query';
      let total = 0;
      const headers = { 'sforce-query-options': `batchSize=${batchSize}` };
      while (next) {
        const page: QueryPage<Record<string, unknown>> = await this.json(next, { what, headers, ...(next === '/query' ? { query: { q: soql } } : {}) }, queryPage);
        total += page.records.length;
        await onPage(page.records);
        next = page.done ? undefined : page.nextRecordsUrl;
      }
      return total;
    },
  };
}

export type SalesforceClient = ReturnType<typeof createSalesforceClient>;
