import { randomBytes } from 'node:crypto';
import { parseSoql, runSoql, SoqlError } from './salesforce-soql.ts';

/**
 * A fake Salesforce org (contract 3): the OAuth token endpoint (refresh-token, client-credentials and
 * authorization-code grants), sObject describe / create / read / update / upsert by external id, and
 * SOQL queries paged with nextRecordsUrl — answering with Salesforce's status codes and error bodies
 * (`[{"message","errorCode","fields"}]`). Tests route `https://*.my.salesforce.com` to `handle` with
 * msw; the demo serves it on loopback. `state` holds the records and the switches tests and the demo
 * flip: expired tokens, API limits, an extra required Case field.
 */

type FieldDef = { name: string; label: string; type: string; nillable: boolean; createable: boolean; updateable: boolean; defaultedOnCreate: boolean; externalId: boolean; custom: boolean };
export type SfRecord = Record<string, unknown> & { Id: string };
export type SObjectType = 'Account' | 'Contact' | 'Lead' | 'Case';

const field = (name: string, type = 'string', o: Partial<FieldDef> = {}): FieldDef => ({
  name, label: name.replace(/__c$/, '').replace(/_/g, ' ').replace(/Id$/, ' ID'), type, nillable: true, createable: true, updateable: true,
  defaultedOnCreate: false, externalId: false, custom: name.endsWith('__c'), ...o,
});
const system = (name: string, type = 'datetime') => field(name, type, { nillable: false, createable: false, updateable: false, defaultedOnCreate: true });
const required = (name: string, type = 'string') => field(name, type, { nillable: false });

function baseSchema(): Record<SObjectType, FieldDef[]> {
  const common = [system('Id', 'id'), system('CreatedDate'), system('SystemModstamp'), system('LastModifiedDate')];
  return {
    Account: [...common, required('Name'), field('Industry', 'picklist'), field('Type', 'picklist'), field('Website', 'url'), field('Phone', 'phone'), field('Description', 'textarea')],
    Contact: [...common, field('FirstName'), required('LastName'), system('Name'), field('Email', 'email'), field('Phone', 'phone'), field('Title'),
      field('LeadSource', 'picklist'), field('AccountId', 'reference'), field('Description', 'textarea')],
    Lead: [...common, field('FirstName'), required('LastName'), system('Name'), required('Company'), field('Email', 'email'), field('Phone', 'phone'),
      field('LeadSource', 'picklist'), field('Status', 'picklist', { nillable: false, defaultedOnCreate: true }), system('IsConverted', 'boolean')],
    Case: [...common, system('CaseNumber', 'string'), field('Subject'), field('Description', 'textarea'),
      field('Status', 'picklist', { nillable: false, defaultedOnCreate: true }), field('Priority', 'picklist', { defaultedOnCreate: true }),
      field('Type', 'picklist'), field('Origin', 'picklist'), field('ContactId', 'reference'), field('AccountId', 'reference'),
      field('Zendesk_Ticket_Id__c', 'string', { externalId: true })],
  };
}

const PREFIX: Record<SObjectType, string> = { Account: '001', Contact: '003', Lead: '00Q', Case: '500' };
const DEFAULTS: Partial<Record<SObjectType, Record<string, unknown>>> = { Case: { Status: 'New', Priority: 'Medium' }, Lead: { Status: 'Open - Not Contacted', IsConverted: false } };
const REFERENCES: Record<string, SObjectType> = { AccountId: 'Account', ContactId: 'Contact' };

/** Salesforce writes datetimes as `2026-03-02T09:00:00.000+0000`. */
const sfTime = (d: Date) => d.toISOString().replace('Z', '+0000');

export type SalesforceSandboxOptions = {
  clientId?: string; clientSecret?: string;
  /** Refresh tokens and one-time authorization codes the org accepts. */
  refreshTokens?: string[]; authorizationCodes?: string[];
  orgId?: string;
  /** The instance URL written into token answers. */
  instanceUrl?: string;
  /** The most records a query page holds, whatever the client asks (Salesforce: 2,000). */
  maxPageSize?: number;
  now?: () => Date;
};

export type RateLimitMode = { status: 403 | 429; /** requests refused before the mode ends by itself */ count: number; retryAfterSeconds?: number };

export function createSalesforceSandbox(opts: SalesforceSandboxOptions = {}) {
  const now = opts.now ?? (() => new Date());
  const client = { id: opts.clientId ?? 'sandbox-client-id', secret: opts.clientSecret ?? 'sandbox-client-secret' };
  const schema = baseSchema();
  const records = new Map<SObjectType, Map<string, SfRecord>>((Object.keys(PREFIX) as SObjectType[]).map((t) => [t, new Map()]));
  const cursors = new Map<string, { type: SObjectType; fields: string[]; rows: SfRecord[]; offset: number; size: number }>();
  let counter = 0;
  let lastStamp = 0;

  const state = {
    orgId: opts.orgId ?? '00D5g000004SANDBOX',
    accessTokens: new Set<string>(),
    refreshTokens: new Set(opts.refreshTokens ?? ['sandbox-refresh-token']),
    authorizationCodes: new Set(opts.authorizationCodes ?? []),
    /** Every request received, oldest first (method, path with query, parsed JSON or form body). */
    requests: [] as { method: string; path: string; body: unknown }[],
    rateLimit: null as RateLimitMode | null,
    records,

    /** Creates a record as someone editing in Salesforce would; SystemModstamp moves forward. */
    create(type: SObjectType, fields: Record<string, unknown>): SfRecord {
      const id = `${PREFIX[type]}5g00000${(++counter).toString(36).toUpperCase().padStart(5, '0')}AAS`;
      const at = stamp();
      const rec: SfRecord = { ...DEFAULTS[type], ...fields, Id: id, CreatedDate: at, SystemModstamp: at, LastModifiedDate: at };
      if (type === 'Case') rec.CaseNumber = String(1000 + counter).padStart(8, '0');
      records.get(type)!.set(id, withName(type, rec));
      return rec;
    },
    update(type: SObjectType, id: string, changes: Record<string, unknown>): SfRecord {
      const rec = records.get(type)!.get(id);
      if (!rec) throw new Error(`sandbox: no ${type} ${id}`);
      const at = stamp();
      Object.assign(rec, changes, { SystemModstamp: at, LastModifiedDate: at });
      return withName(type, rec);
    },
    find(type: SObjectType, where: (r: SfRecord) => boolean = () => true): SfRecord[] {
      return [...records.get(type)!.values()].filter(where);
    },
    /** Adds a required custom field to Case (describe says so, creates without it fail). */
    requireCaseField(name: string) {
      schema.Case = [...schema.Case.filter((f) => f.name !== name), field(name, 'string', { nillable: false })];
    },
    dropCaseField(name: string) {
      schema.Case = schema.Case.filter((f) => f.name !== name);
    },
    /** Every access token issued so far stops working (401 INVALID_SESSION_ID), as after a session timeout. */
    expireTokens() { state.accessTokens.clear(); },
    limitRequests(mode: RateLimitMode | null) { state.rateLimit = mode; },
    handle,
  };

  function stamp(): string {
    // Strictly increasing, so tests can tell edits apart even under a frozen clock.
    lastStamp = Math.max(now().getTime(), lastStamp + 1);
    return sfTime(new Date(lastStamp));
  }
  function withName(type: SObjectType, rec: SfRecord): SfRecord {
    if (type === 'Contact' || type === 'Lead') rec.Name = [rec.FirstName, rec.LastName].filter(Boolean).join(' ');
    return rec;
  }

  const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(body === null ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json;charset=UTF-8', ...headers } });
  const sfError = (status: number, errorCode: string, message: string, fields?: string[]) =>
    json(status, [{ message, errorCode, ...(fields ? { fields } : {}) }]);
  const notFound = () => sfError(404, 'NOT_FOUND', 'The requested resource does not exist');

  // ---- OAuth -----------------------------------------------------------------------------------
  function token(form: URLSearchParams, base: string): Response {
    const oauthError = (error: string, description: string, status = 400) => json(status, { error, error_description: description });
    const grant = form.get('grant_type');
    if (form.get('client_id') !== client.id) return oauthError('invalid_client_id', 'client identifier invalid');
    if (form.get('client_secret') !== client.secret) return oauthError('invalid_client', 'invalid client credentials');
    let refresh: string | undefined;
    if (grant === 'refresh_token') {
      if (!state.refreshTokens.has(form.get('refresh_token') ?? '')) return oauthError('invalid_grant', 'expired access/refresh token');
    } else if (grant === 'authorization_code') {
      const code = form.get('code') ?? '';
      if (!state.authorizationCodes.delete(code)) return oauthError('invalid_grant', 'invalid authorization code');
      refresh = `5Aep861${randomBytes(12).toString('hex')}`;
      state.refreshTokens.add(refresh);
    } else if (grant !== 'client_credentials') {
      return oauthError('unsupported_grant_type', 'grant type not supported');
    }
    const access = `${state.orgId}!AQ${randomBytes(16).toString('hex')}`;
    state.accessTokens.add(access);
    const instance = opts.instanceUrl ?? base;
    return json(200, {
      access_token: access, ...(refresh ? { refresh_token: refresh } : {}), signature: randomBytes(8).toString('base64'), scope: 'api refresh_token',
      instance_url: instance, id: `${instance}/id/${state.orgId}/0055g00000SANDBOX`, token_type: 'Bearer', issued_at: String(now().getTime()),
    });
  }

  // ---- sObjects ----------------------------------------------------------------------------------
  function shape(type: SObjectType, rec: SfRecord, version: string, fields?: string[]) {
    const names = fields ?? schema[type].map((f) => f.name);
    return { attributes: { type, url: `/services/data/${version}/sobjects/${type}/${rec.Id}` }, ...Object.fromEntries(names.map((n) => [n, rec[n] ?? null])) };
  }

  /** Salesforce's checks on a write: known, writable fields; references that exist; required fields on create. */
  function validate(type: SObjectType, body: Record<string, unknown>, creating: boolean): Response | null {
    const defs = new Map(schema[type].map((f) => [f.name, f]));
    const unknown = Object.keys(body).filter((k) => !defs.has(k));
    if (unknown.length) return sfError(400, 'INVALID_FIELD', `No such column '${unknown[0]}' on sobject of type ${type}`);
    const readOnly = Object.keys(body).filter((k) => !defs.get(k)!.createable);
    if (readOnly.length) return sfError(400, 'INVALID_FIELD_FOR_INSERT_UPDATE', `Unable to create/update fields: ${readOnly.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`, readOnly);
    for (const [k, target] of Object.entries(REFERENCES)) {
      const v = body[k];
      if (defs.has(k) && typeof v === 'string' && v && !records.get(target)!.has(v)) {
        return sfError(400, 'FIELD_INTEGRITY_EXCEPTION', `${defs.get(k)!.label}: id value of incorrect type: ${v}`, [k]);
      }
    }
    const missing = schema[type].filter((f) => f.createable && !f.nillable && !f.defaultedOnCreate && (creating ? body[f.name] == null || body[f.name] === '' : f.name in body && (body[f.name] == null || body[f.name] === '')))
      .map((f) => f.name);
    if (missing.length) return sfError(400, 'REQUIRED_FIELD_MISSING', `Required fields are missing: [${missing.join(', ')}]`, missing);
    return null;
  }

  function sobjects(method: string, version: string, type: SObjectType, rest: string[], body: Record<string, unknown>): Response {
    const table = records.get(type)!;
    if (rest[0] === 'describe' && method === 'GET') return json(200, { name: type, label: type, createable: true, updateable: true, fields: schema[type] });
    if (rest.length === 0 && method === 'POST') {
      const invalid = validate(type, body, true);
      if (invalid) return invalid;
      return json(201, { id: state.create(type, body).Id, success: true, errors: [] });
    }
    if (rest.length === 1) {
      const rec = table.get(rest[0]!);
      if (!rec) return notFound();
      if (method === 'GET') return json(200, shape(type, rec, version));
      if (method === 'PATCH') {
        const invalid = validate(type, body, false);
        if (invalid) return invalid;
        state.update(type, rec.Id, body);
        return new Response(null, { status: 204 });
      }
    }
    if (rest.length === 2) {
      const [extField, value] = [rest[0]!, decodeURIComponent(rest[1]!)];
      const def = schema[type].find((f) => f.name === extField);
      if (!def || (!def.externalId && extField !== 'Id')) return sfError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${extField}`);
      const hits = [...table.values()].filter((r) => String(r[extField] ?? '') === value);
      if (method === 'GET') return hits[0] ? json(200, shape(type, hits[0], version)) : notFound();
      if (method === 'PATCH') {
        if (hits.length > 1) return json(300, hits.map((h) => `/services/data/${version}/sobjects/${type}/${h.Id}`));
        const invalid = validate(type, body, hits.length === 0);
        if (invalid) return invalid;
        if (hits[0]) {
          state.update(type, hits[0].Id, body);
          return json(200, { id: hits[0].Id, success: true, errors: [], created: false });
        }
        return json(201, { id: state.create(type, { ...body, [extField]: value }).Id, success: true, errors: [], created: true });
      }
    }
    return sfError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are GET,PATCH,HEAD`);
  }

  // ---- SOQL --------------------------------------------------------------------------------------
  function page(locator: string, version: string): Response {
    const c = cursors.get(locator);
    if (!c) return sfError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    const slice = c.rows.slice(c.offset, c.offset + c.size);
    const nextOffset = c.offset + slice.length;
    const done = nextOffset >= c.rows.length;
    const nextLocator = `${locator.split('-')[0]}-${nextOffset}`;
    if (!done) cursors.set(nextLocator, { ...c, offset: nextOffset });
    return json(200, {
      totalSize: c.rows.length, done, records: slice.map((r) => shape(c.type, r, version, c.fields)),
      ...(done ? {} : { nextRecordsUrl: `/services/data/${version}/query/${nextLocator}` }),
    });
  }

  function query(q: string, version: string, options: string | null): Response {
    let parsed;
    try { parsed = parseSoql(q); } catch (err) {
      if (err instanceof SoqlError) return sfError(400, 'MALFORMED_QUERY', err.message);
      throw err;
    }
    const type = parsed.from as SObjectType;
    if (!records.has(type)) return sfError(400, 'INVALID_TYPE', `sObject type '${parsed.from}' is not supported.`);
    const known = new Set(schema[type].map((f) => f.name));
    const bad = [...parsed.fields, ...parsed.where.map((w) => w.field), ...parsed.orderBy.map((o) => o.field)].find((f) => !known.has(f));
    if (bad) return sfError(400, 'INVALID_FIELD', `No such column '${bad}' on entity '${type}'.`);
    const asked = Number(/batchSize=(\d+)/.exec(options ?? '')?.[1] ?? 2000);
    const size = Math.max(1, Math.min(asked, opts.maxPageSize ?? 2000));
    // The result is fixed when the query runs, as Salesforce's query locators are.
    const rows = runSoql(parsed, [...records.get(type)!.values()]).map((r) => ({ ...r }) as SfRecord);
    const locator = `01g5g0000${randomBytes(5).toString('hex').toUpperCase()}`;
    cursors.set(`${locator}-0`, { type, fields: parsed.fields, rows, offset: 0, size });
    return page(`${locator}-0`, version);
  }

  // ---- routing -----------------------------------------------------------------------------------
  async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    const method = req.method.toUpperCase();
    const text = method === 'GET' || method === 'HEAD' ? '' : await req.text();
    const isForm = (req.headers.get('content-type') ?? '').includes('x-www-form-urlencoded');
    let body: Record<string, unknown> = {};
    if (text && !isForm) {
      try { body = JSON.parse(text) as Record<string, unknown>; } catch {
        return sfError(400, 'JSON_PARSER_ERROR', 'The request body is not valid JSON');
      }
    }
    state.requests.push({ method, path: url.pathname + url.search, body: isForm ? Object.fromEntries(new URLSearchParams(text)) : text ? body : null });
    const path = url.pathname.replace(/^.*?(\/services\/)/, '$1');
    if (path === '/services/oauth2/token' && method === 'POST') return token(new URLSearchParams(text), `${url.origin}${url.pathname.slice(0, url.pathname.indexOf('/services/'))}`);

    const m = /^\/services\/data\/(v\d+\.\d)\/(.*)$/.exec(path);
    if (!m) return notFound();
    const [, version, rest] = m as unknown as [string, string, string];
    if (state.rateLimit && state.rateLimit.count > 0) {
      const mode = state.rateLimit;
      if (--mode.count <= 0) state.rateLimit = null;
      const headers = mode.retryAfterSeconds ? { 'retry-after': String(mode.retryAfterSeconds) } : undefined;
      return mode.status === 429
        ? json(429, [{ message: 'Too many requests', errorCode: 'REQUEST_LIMIT_EXCEEDED' }], headers)
        : json(403, [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }], headers);
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.get('authorization') ?? '')?.[1];
    if (!bearer || !state.accessTokens.has(bearer)) return sfError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');

    const parts = rest.split('/').filter(Boolean);
    if (parts[0] === 'query' && method === 'GET') {
      return parts[1] ? page(parts[1], version) : query(url.searchParams.get('q') ?? '', version, req.headers.get('sforce-query-options'));
    }
    if (parts[0] === 'sobjects' && parts[1]) {
      if (!records.has(parts[1] as SObjectType)) return sfError(404, 'NOT_FOUND', `The requested resource does not exist`);
      return sobjects(method, version, parts[1] as SObjectType, parts.slice(2), body);
    }
    return notFound();
  }

  return { handle, state };
}

export type SalesforceSandbox = ReturnType<typeof createSalesforceSandbox>;
