import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import type { Database } from '../../db/client.ts';

/** The integration log: a refused webhook writes its `warning` row there, by design (the only write a refusal makes). */
const VOLATILE = /^integration_logs/;

/**
 * One md5 over every row of every other table of the public schema, in one round trip:
 * two equal fingerprints mean no row was inserted, updated or deleted in between.
 */
export async function dataFingerprint(database: Database): Promise<string> {
  const tables = await database.rows<{ name: string }>(sql`select c.relname as name from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition order by 1`);
  const parts = tables.map((t) => t.name).filter((n) => !VOLATILE.test(n))
    .map((n) => sql`select ${n} || ':' || coalesce(md5(string_agg(t::text, '|' order by t::text)), '') as h from ${sql.identifier(n)} t`);
  const [row] = await database.rows<{ h: string }>(sql`select md5(string_agg(h, ',' order by h)) as h from (${sql.join(parts, sql` union all `)}) x`);
  return row!.h;
}

export type Route = { method: string; path: string };

/** The concrete JSON endpoints of the app's route table: no middleware (`ALL`), static files or health check. */
export function jsonRoutes(routes: readonly Route[]): Route[] {
  const seen = new Set<string>();
  return routes.filter((r) => {
    const key = `${r.method} ${r.path}`;
    if (r.method === 'ALL' || r.path.includes('*') || r.path === '/healthz' || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export const hasBody = (r: Route) => ['POST', 'PUT', 'PATCH'].includes(r.method);
export const paramsOf = (path: string) => [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
export const fillParams = (path: string, value: (name: string) => string) => path.replace(/:(\w+)/g, (_m, name: string) => value(name));

/** The shapes an attacker or a broken client sends where text is expected. */
export const INJECTIONS = [
  "' or 1=1 --", "'; drop table tickets; --", '" or ""="', '1 union select password_hash from users',
  "=cmd|' /C calc'!A0", '+1+1', '-2+3', '@SUM(1+1)', '\t=1', '\r=1',
  '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
  '../../etc/passwd', '..%2F..%2Fetc%2Fpasswd', '..\\..\\windows\\win.ini', '/etc/passwd\u0000.json',
  '\u0000', '\u202e\u0007\u001b[31m', '\ud800', '{{constructor.constructor("return process")()}}', '${7*7}',
  '__proto__', 'constructor', '<script>alert(1)</script>', 'NaN', 'Infinity', '-1', '1e309', '0x7fffffff',
];

/** A scalar that is wrong, extreme or hostile for nearly any field. */
export const nastyScalar: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...INJECTIONS),
  fc.constantFrom(null, true, false, 0, -1, -(2 ** 63), 2 ** 64, Number.MAX_SAFE_INTEGER + 2, 1e308, -1e308, 0.5, '', ' '),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.constant('x'.repeat(70_000)),
);

/** Field names the routes read, so the fuzz reaches validation past the envelope check. */
const FIELDS = ['name', 'subject', 'email', 'role', 'id', 'comment', 'body', 'status', 'priority', 'type', 'tags', 'url', 'settings',
  'credentials', 'connector_id', 'enabled', 'external_id', 'organization_id', 'requester_id', 'assignee_id', 'group_id', 'custom_fields',
  'password', 'title', 'start_date', 'end_date', 'time_zone', 'intervals', 'workweek', 'format', 'type', 'method', 'headers', 'allowed_domain',
  'value', 'scope', 'config', 'integration', 'steps', 'fields', 'description', 'domain_names'];

export const nastyValue: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    nastyScalar,
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...FIELDS), tie('v'), { maxKeys: 4 })),
})).v;

/** Zendesk's envelope for a route: POST /api/v2/tickets takes {"ticket": …}. */
export function envelopeOf(path: string): string | undefined {
  const last = path.split('/').filter((s) => s && !s.startsWith(':')).at(-1);
  if (!last) return undefined;
  if (last === 'export_settings') return 'export_settings';
  return last.endsWith('ies') ? `${last.slice(0, -3)}y` : last.endsWith('s') ? last.slice(0, -1) : last;
}

/** A JSON body: garbage text, a wrong top-level type, or the route's envelope full of hostile fields. */
export function fuzzBody(path: string): fc.Arbitrary<string> {
  const envelope = envelopeOf(path);
  const malformed = fc.oneof(
    fc.constantFrom('', '{', '{"a":', '[1,2', 'null', '"just a string"', '{"a":1}}', "{'single':'quotes'}", '{"a":NaN}', '{"a":Infinity}',
      '\ufeff{}', '{"__proto__":{"admin":true}}', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'),
    fc.string({ maxLength: 30 }),
  );
  const shaped = fc.dictionary(fc.constantFrom(...FIELDS), nastyValue, { maxKeys: 5 });
  const wrapped = envelope ? shaped.map((o) => ({ [envelope]: o })) : shaped;
  return fc.oneof(malformed, fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)), wrapped.map((v) => JSON.stringify(v)));
}

/** Percent-encoding; a lone surrogate (which encodeURIComponent refuses) becomes its raw, invalid UTF-8 bytes. */
const encode = (s: string) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, '\u0001')).replaceAll('%01', '%ED%A0%80');

/** A path parameter: ids that do not exist, hostile text, traversal (raw and encoded). */
export const fuzzParam: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('0', '-1', '1.5', '1e3', 'NaN', 'Infinity', '9007199254740993', '99999999999999999999999', '0x10', ' 1', '%00', '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '..%2F..%2Fetc%2Fpasswd', '%27%20or%201%3D1%20--', '%3D1%2B1', '%ED%A0%80', '%E0%A4%A', '%', 'me', 'null', 'undefined', '__proto__', 'constructor'),
  fc.string({ maxLength: 30 }).map(encodeURIComponent),
  fc.constantFrom(...INJECTIONS).map(encode),
  fc.constant('a'.repeat(5_000)),
);

const QUERY_KEYS = ['page[size]', 'page[after]', 'page[before]', 'page', 'per_page', 'sort', 'sort_by', 'sort_order', 'start_time', 'end_time',
  'cursor', 'status', 'product', 'ticket_id', 'job_id', 'q', 'query', 'ids', 'include', 'format', 'role', 'external_id', 'email', 'limit', 'since'];

const queryValue = fc.oneof(
  fc.constantFrom('-1', '0', '1e9', '99999999999999999999', 'NaN', 'Infinity', '1.5', '', '[]', 'true', 'null', '2026-13-45', '2026-03-02T09:00:00Z',
    '-id', 'id;drop table users', 'csv', 'ndjson', 'xml', '1,2,3', '1,,x'),
  fc.constantFrom(...INJECTIONS),
  fc.string({ maxLength: 20 }),
  fc.constant('9'.repeat(3_000)),
);

/** A query string of pagination, sorting and filter parameters with hostile values (a key may repeat). */
export const fuzzQuery: fc.Arbitrary<string> = fc.array(fc.tuple(fc.constantFrom(...QUERY_KEYS), queryValue), { minLength: 1, maxLength: 4 })
  .map((pairs) => pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&'));

/** What every refusal looks like: Zendesk's JSON error, never an HTML page or a stack. */
export function isJsonError(json: unknown): boolean {
  if (typeof json !== 'object' || json === null) return false;
  const o = json as Record<string, unknown>;
  return typeof o.error === 'string' && o.error.length > 0 && typeof o.description === 'string' && o.description.length > 0;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path to a leaf of a JSON value (object keys and array indexes). */
function leafPaths(value: Json, at: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [at];
  const entries: [string | number, Json][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return entries.length ? entries.flatMap(([k, v]) => leafPaths(v, [...at, k])) : [at];
}

/**
 * A valid body with one thing wrong: a field removed, replaced by a hostile value of any type, or an
 * unknown field added next to it — the cases a generic fuzz rarely reaches behind the envelope.
 */
export function mutatedBody(template: Json): fc.Arbitrary<string> {
  const paths = leafPaths(template).filter((p) => p.length > 0);
  return fc.tuple(fc.constantFrom(...paths), fc.constantFrom('replace', 'remove', 'extra'), nastyValue).map(([path, how, value]) => {
    const copy = structuredClone(template) as Record<string | number, Json>;
    let parent: Record<string | number, Json> = copy;
    for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, Json>;
    const last = path.at(-1)!;
    if (how === 'remove') delete parent[last];
    else if (how === 'replace') parent[last] = value as Json;
    else parent[`${String(last)}_extra`] = value as Json;
    return JSON.stringify(copy);
  });
}
