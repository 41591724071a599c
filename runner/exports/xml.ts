import { sql, type SQL } from 'drizzle-orm';
import { readAhead } from './snapshot.ts';

/**
 * Zendesk's "Full XML" and "User XML" exports (SPEC E4), streamed (E12).
 *
 * Classic Zendesk wrote one file per entity (accounts.xml, groups.xml, …), each the Rails
 * `to_xml` of an array. deskbridge writes ONE document holding those arrays side by side under a
 * root `<export kind="xml|user_xml">`, in the order of the help article:
 *
 *   <export kind="xml">
 *     <account>…<settings>…</settings><schedules type="array">…</schedules><ticket-fields type="array">…</ticket-fields></account>
 *     <groups type="array"><group>…</group></groups>
 *     <organizations type="array"><organization>…<deleted-at type="datetime">…</deleted-at></organization></organizations>
 *     <tickets type="array"><ticket>…<comments type="array"><comment>…</comment></comments></ticket></tickets>
 *     <users type="array"><user>…</user></users>
 *   </export>
 *
 * Each record carries the fields of our Zendesk JSON shapes (runner/core/*-shape), dasherized, with
 * Rails' attributes: `type="integer|boolean|datetime|float|array"` and `nil="true"`. Datetimes are
 * xmlschema in the account's time zone (Rails rendered TimeWithZone that way). `url` is left out:
 * it depends on the host the file is opened from, not on the data.
 */

/** Rows of a query in batches; provided by the export builder (inside a repeatable-read snapshot on PostgreSQL). */
export type Batches = <T extends Record<string, unknown>>(query: SQL, batchSize?: number) => AsyncIterable<T[]>;
export type XmlExportContext = { accountId: number; kind: 'xml' | 'user_xml'; timeZone: string };

type Row = Record<string, unknown>;
type Scalar = 'integer' | 'boolean' | 'datetime' | 'float';
/** A value with its Rails type attribute; `value` null renders `nil="true"`. */
class Typed {
  constructor(readonly type: Scalar, readonly value: string | null) {}
}
/** An element already rendered, with its padding and line break (records written straight to text). */
class Raw {
  constructor(readonly xml: string) {}
}
type XmlValue = string | null | Typed | Raw | XmlValue[] | XmlObject;
interface XmlObject { [key: string]: XmlValue }
type Render = (name: string, value: XmlValue, pad: string) => string;

// Batch sizes: tickets carry their comments, so they come in smaller batches.
const TICKET_BATCH = 200;
const ROW_BATCH = 1000;

// ---------------------------------------------------------------------------------------------
// Text

// XML 1.0 `Char`: anything else (C0 controls, lone surrogates, U+FFFE/FFFF) makes the file unreadable.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
// CR is written as a reference: parsers turn a literal CR (or CRLF) into LF, which would alter text.
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#13;' };

/** Text safe in XML 1.0 content and attributes: characters XML cannot hold are dropped. */
export function escapeXml(s: string): string {
  // Most text needs nothing: one scan to find out, instead of two replacing passes.
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(NOT_XML_CHAR, '').replace(/[&<>"'\r]/g, (c) => ENTITIES[c]!);
}
const NEEDS_ESCAPE = /[&<>"'\r]|[^\t\n\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** Element name for a JSON key (`requester_id` → `requester-id`); free-form keys (metadata) made valid. */
function tagName(key: string): string {
  let name = TAG_NAMES.get(key);
  if (name === undefined) {
    name = toTagName(key);
    if (TAG_NAMES.size < 10_000) TAG_NAMES.set(key, name); // keys repeat record after record (metadata keys are free-form: bounded)
  }
  return name;
}
const TAG_NAMES = new Map<string, string>();

function toTagName(key: string): string {
  const name = key.replace(/_/g, '-').replace(/[^A-Za-z0-9.-]/g, '-');
  return /^[A-Za-z]/.test(name) ? name : `_${name}`;
}

/** Rails names array items by singularizing: tags → tag, collaborator-ids → collaborator-id. */
function singular(name: string): string {
  if (name.endsWith('ies')) return `${name.slice(0, -3)}y`;
  if (name.endsWith('s') && !name.endsWith('ss')) return name.slice(0, -1);
  return name;
}

// ---------------------------------------------------------------------------------------------
// Datetimes in the account's zone

/** Renders instants as xmlschema in `timeZone` (2026-03-02T10:00:00+01:00); throws on an unknown zone. */
function zonedXmlSchema(timeZone: string): (d: Date) => string {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  });
  const isUtc = /^(Etc\/)?(UTC|UCT|Universal|Zulu)$/.test(timeZone);
  // Offsets only change on quarter hours, and at most once a day: a UTC day whose first and last
  // quarter hours have the same offset has it throughout (two Intl calls per day of data, not per
  // date); a day with a change is looked up per 15 minutes.
  const days = new Map<number, number | null>();
  const quarters = new Map<number, number>();
  const quarter = (bucket: number) => {
    let offset = quarters.get(bucket);
    if (offset === undefined) {
      offset = offsetSeconds(fmt, bucket * 900_000);
      if (quarters.size > 10_000) quarters.clear();
      quarters.set(bucket, offset);
    }
    return offset;
  };
  return (d) => {
    const secs = Math.floor(d.getTime() / 1000);
    const day = Math.floor(secs / 86_400);
    let whole = days.get(day);
    if (whole === undefined) {
      const first = offsetSeconds(fmt, day * 86_400_000);
      whole = first === offsetSeconds(fmt, day * 86_400_000 + 86_400_000 - 900_000) ? first : null;
      if (days.size > 10_000) days.clear();
      days.set(day, whole);
    }
    let offset = whole ?? quarter(Math.floor(secs / 900));
    // Pre-1900 local mean times have odd seconds in their offset: UTC is exact where that can't be.
    if (offset % 60 !== 0) offset = 0;
    const local = new Date((secs + offset) * 1000).toISOString().slice(0, 19);
    return local + (offset === 0 && isUtc ? 'Z' : formatOffset(offset));
  };
}

function offsetSeconds(fmt: Intl.DateTimeFormat, ms: number): number {
  const p: Record<string, number> = {};
  for (const part of fmt.formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return Math.round((asUtc - ms) / 1000);
}

function formatOffset(seconds: number): string {
  const m = Math.abs(seconds) / 60;
  const hh = String(Math.floor(m / 60)).padStart(2, '0');
  const mm = String(m % 60).padStart(2, '0');
  return `${seconds < 0 ? '-' : '+'}${hh}:${mm}`;
}

// ---------------------------------------------------------------------------------------------
// Rails-style elements

function renderer(datetime: (d: Date) => string): Render {
  const render: Render = (key, value, pad) => {
    const name = tagName(key);
    if (value === null) return `${pad}<${name} nil="true"/>\n`;
    if (typeof value === 'string') return `${pad}<${name}>${escapeXml(value)}</${name}>\n`;
    if (value instanceof Typed) {
      if (value.value === null) return `${pad}<${name} type="${value.type}" nil="true"/>\n`;
      const text = value.type === 'datetime' ? datetime(new Date(Number(value.value))) : value.value;
      return `${pad}<${name} type="${value.type}">${text}</${name}>\n`;
    }
    if (value instanceof Raw) return value.xml;
    if (Array.isArray(value)) {
      if (!value.length) return `${pad}<${name} type="array"/>\n`;
      const item = singular(name);
      const inner = `${pad}  `;
      return `${pad}<${name} type="array">\n${value.map((v) => render(item, v, inner)).join('')}${pad}</${name}>\n`;
    }
    const inner = `${pad}  `;
    const parts: string[] = [];
    for (const k in value) parts.push(render(k, value[k]!, inner));
    return parts.length ? `${pad}<${name}>\n${parts.join('')}${pad}</${name}>\n` : `${pad}<${name}/>\n`;
  };
  return render;
}

// Row readers: both drivers hand back bigint as string or number, so values are normalized here.
const int = (v: unknown) => new Typed('integer', v == null ? null : String(v));
const bool = (v: unknown) => new Typed('boolean', v == null ? null : String(v === true || v === 't' || v === 'true'));
/** Queries select instants as epoch milliseconds (see `epoch`): no driver-specific date parsing. */
const time = (v: unknown) => new Typed('datetime', v == null ? null : String(Number(v)));
const text = (v: unknown) => (v == null ? null : String(v));
const jsonText = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : (v ?? null));

/** A JSON value (custom field values, via source, metadata) with Rails' types. */
function fromJson(v: unknown): XmlValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return bool(v);
  if (typeof v === 'number') return new Typed(Number.isInteger(v) ? 'integer' : 'float', String(v));
  if (Array.isArray(v)) return v.map(fromJson);
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fromJson(x)]));
  return String(v);
}

const jsonArray = (v: unknown): unknown[] => {
  const parsed = jsonText(v);
  return Array.isArray(parsed) ? parsed : [];
};
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// ---------------------------------------------------------------------------------------------
// Queries: each selects `id`, is ordered by id, filters on the account (Batches contract, SPEC C1).

/** `col` as epoch milliseconds under the name `as`. Constant column names only. */
const epoch = (col: string, as: string) => sql.raw(`(extract(epoch from ${col}) * 1000)::float8 as ${as}`);
const stamps = (t: string) => sql.join([epoch(`${t}.created_at`, 'created_at'), epoch(`${t}.updated_at`, 'updated_at')], sql`, `);

const accountQuery = (accountId: number) => sql`
  select a.id, a.subdomain, a.name, a.time_zone, a.settings::text as settings, ${stamps('a')}
  from accounts a where a.id = ${accountId} order by id`;

const schedulesQuery = (accountId: number) => sql`
  select s.id, s.name, s.time_zone, s.is_default, s.intervals::text as intervals, ${stamps('s')},
    (select coalesce(jsonb_agg(jsonb_build_object('id', h.id, 'name', h.name, 'start_date', h.start_date, 'end_date', h.end_date) order by h.id), '[]'::jsonb)
       from schedule_holidays h where h.account_id = s.account_id and h.schedule_id = s.id)::text as holidays
  from schedules s where s.account_id = ${accountId} order by id`;

const ticketFieldsQuery = (accountId: number) => sql`
  select f.id, f.type::text as type, f.title, f.description, f.active, f.required, f.position,
    f.custom_field_options::text as custom_field_options, f.regexp_for_validation, ${stamps('f')}
  from ticket_fields f where f.account_id = ${accountId} order by id`;

const groupsQuery = (accountId: number) => sql`
  select g.id, g.name, g.description, g.is_default, g.deleted, ${stamps('g')}
  from groups g where g.account_id = ${accountId} order by id`;

const organizationsQuery = (accountId: number) => sql`
  select o.id, o.name, o.external_id, to_jsonb(o.domain_names)::text as domain_names, o.details, o.notes, o.group_id,
    o.shared_tickets, o.shared_comments, to_jsonb(o.tags)::text as tags, ${stamps('o')}, ${epoch('o.deleted_at', 'deleted_at')}
  from organizations o where o.account_id = ${accountId} order by id`;

// Columns are listed one by one: password_hash (and the api_tokens table) can never leak by a `select *`.
const usersQuery = (accountId: number) => sql`
  select u.id, u.name, u.email, ${stamps('u')}, u.time_zone, u.phone, u.locale, u.organization_id, u.role::text as role,
    u.verified, u.external_id, to_jsonb(u.tags)::text as tags, u.details, u.notes, u.active, u.suspended, u.default_group_id,
    ${epoch('u.last_login_at', 'last_login_at')}, u.is_owner,
    (select coalesce(jsonb_agg(m.group_id order by m.group_id), '[]'::jsonb)
       from group_memberships m where m.account_id = u.account_id and m.user_id = u.id)::text as group_ids
  from users u where u.account_id = ${accountId} order by id`;

// The rating is a lateral "latest one" so a ticket is never repeated (paging by id needs unique ids).
const ticketsQuery = (accountId: number) => sql`
  select t.id, t.external_id, t.via_channel::text as via_channel, t.via_source::text as via_source, ${stamps('t')},
    t.type::text as type, t.subject, t.description, t.priority::text as priority, t.status::text as status,
    t.requester_id, t.submitter_id, t.assignee_id, t.organization_id, t.group_id, t.is_public, ${epoch('t.due_at', 'due_at')},
    to_jsonb(t.tags)::text as tags, t.followup_source_id,
    (select coalesce(jsonb_agg(jsonb_build_object('id', v.field_id, 'value', v.value)), '[]'::jsonb)
       from ticket_field_values v where v.account_id = t.account_id and v.ticket_id = t.id)::text as field_values,
    (select coalesce(jsonb_agg(f.id order by f.id), '[]'::jsonb)
       from tickets f where f.account_id = t.account_id and f.followup_source_id = t.id)::text as followup_ids,
    r.id as rating_id, r.score::text as rating_score, r.comment as rating_comment, r.reason as rating_reason
  from tickets t
  left join lateral (select * from satisfaction_ratings sr where sr.account_id = t.account_id and sr.ticket_id = t.id order by sr.id desc limit 1) r on true
  where t.account_id = ${accountId} order by id`;

const commentsQuery = (accountId: number, ticketIds: unknown[]) => sql`
  select c.id, c.ticket_id, c.audit_id, c.author_id, c.body, c.html_body, c.public, c.via_channel::text as via_channel,
    c.metadata::text as metadata, ${epoch('c.created_at', 'created_at')}
  from comments c where c.account_id = ${accountId} and c.ticket_id in (${sql.join(ticketIds.map((id) => sql`${id}`), sql`, `)}) order by id`;

// ---------------------------------------------------------------------------------------------
// Records: the JSON shapes' fields (runner/core), Rails-typed

/** Only settings known to be harmless are exported: settings may hold other keys, secrets among them. */
function safeSettings(raw: unknown): XmlObject {
  const settings = jsonText(raw);
  const exp = isObject(settings) && isObject(settings.export) ? settings.export : {};
  return { export: { enabled: bool(exp.enabled === true), approved_domain: text(exp.approvedDomain) } };
}

const accountXml = (r: Row): XmlObject => ({
  id: int(r.id), subdomain: text(r.subdomain), name: text(r.name), time_zone: text(r.time_zone),
  created_at: time(r.created_at), updated_at: time(r.updated_at), settings: safeSettings(r.settings),
});

const scheduleXml = (r: Row): XmlObject => ({
  id: int(r.id), name: text(r.name), time_zone: text(r.time_zone), default: bool(r.is_default),
  intervals: fromJson(jsonArray(r.intervals)), holidays: fromJson(jsonArray(r.holidays)),
  created_at: time(r.created_at), updated_at: time(r.updated_at),
});

const ticketFieldXml = (r: Row): XmlObject => ({
  id: int(r.id), type: text(r.type), title: text(r.title), description: text(r.description), active: bool(r.active),
  required: bool(r.required), position: int(r.position), custom_field_options: fromJson(jsonArray(r.custom_field_options)),
  regexp_for_validation: text(r.regexp_for_validation), created_at: time(r.created_at), updated_at: time(r.updated_at),
});

const groupXml = (r: Row): XmlObject => ({
  id: int(r.id), name: text(r.name), description: text(r.description), default: bool(r.is_default), deleted: bool(r.deleted),
  created_at: time(r.created_at), updated_at: time(r.updated_at),
});

const organizationXml = (r: Row): XmlObject => ({
  id: int(r.id), name: text(r.name), external_id: text(r.external_id), domain_names: jsonArray(r.domain_names).map(String),
  details: text(r.details) ?? '', notes: text(r.notes) ?? '', group_id: int(r.group_id), shared_tickets: bool(r.shared_tickets),
  shared_comments: bool(r.shared_comments), tags: jsonArray(r.tags).map(String),
  created_at: time(r.created_at), updated_at: time(r.updated_at), deleted_at: time(r.deleted_at),
});

const userXml = (r: Row): XmlObject => ({
  id: int(r.id), name: text(r.name), email: text(r.email), created_at: time(r.created_at), updated_at: time(r.updated_at),
  time_zone: text(r.time_zone), iana_time_zone: text(r.time_zone), phone: text(r.phone), locale: text(r.locale),
  organization_id: int(r.organization_id), role: text(r.role), verified: bool(r.verified), external_id: text(r.external_id),
  tags: jsonArray(r.tags).map(String), details: text(r.details) ?? '', notes: text(r.notes) ?? '', active: bool(r.active),
  suspended: bool(r.suspended), default_group_id: int(r.default_group_id), last_login_at: time(r.last_login_at),
  account_owner: bool(r.is_owner), group_ids: jsonArray(r.group_ids).map(int),
});

// Scalar elements written straight to text, as `render` writes their Typed values.
const intEl = (p: string, name: string, v: unknown) =>
  (v == null ? `${p}<${name} type="integer" nil="true"/>\n` : `${p}<${name} type="integer">${String(v)}</${name}>\n`);
const boolEl = (p: string, name: string, v: unknown) =>
  (v == null ? `${p}<${name} type="boolean" nil="true"/>\n` : `${p}<${name} type="boolean">${v === true || v === 't' || v === 'true'}</${name}>\n`);
const textEl = (p: string, name: string, v: unknown) =>
  (v == null ? `${p}<${name} nil="true"/>\n` : `${p}<${name}>${escapeXml(String(v))}</${name}>\n`);
const timeEl = (p: string, name: string, v: unknown, datetime: (d: Date) => string) =>
  (v == null ? `${p}<${name} type="datetime" nil="true"/>\n` : `${p}<${name} type="datetime">${datetime(new Date(Number(v)))}</${name}>\n`);

/**
 * A comment as `<comment>` text at `pad`, written straight out rather than built as a record and
 * rendered (comments are most of the rows): the same fields, attributes and padding as `render`.
 */
function commentText(r: Row, render: Render, datetime: (d: Date) => string, pad: string): Raw {
  const p = `${pad}  `;
  const metadata = jsonText(r.metadata);
  return new Raw(`${pad}<comment>\n${intEl(p, 'id', r.id)}${p}<type>Comment</type>\n${intEl(p, 'author-id', r.author_id)}`
    + `${textEl(p, 'body', r.body)}${textEl(p, 'html-body', r.html_body)}${textEl(p, 'plain-body', r.body)}${boolEl(p, 'public', r.public)}`
    + `${p}<attachments type="array"/>\n${intEl(p, 'audit-id', r.audit_id)}`
    + render('via', { channel: text(r.via_channel), source: { from: {}, to: {}, rel: null } }, p)
    + timeEl(p, 'created-at', r.created_at, datetime)
    + render('metadata', fromJson({ system: {}, custom: {}, ...(isObject(metadata) ? metadata : {}) }), p)
    + `${pad}</comment>\n`);
}

function ticketXml(r: Row, comments: XmlValue[], activeFieldIds: string[]): XmlObject {
  const values = new Map(jsonArray(r.field_values).filter(isObject).map((v) => [String(v.id), v.value]));
  const via = jsonText(r.via_source);
  const rating: XmlObject = r.rating_id == null ? { score: 'unoffered' }
    : { id: int(r.rating_id), score: text(r.rating_score), comment: text(r.rating_comment), reason: text(r.rating_reason) };
  return {
    id: int(r.id), external_id: text(r.external_id),
    // jsonb reorders keys: from/to/rel are put back in the API's order.
    via: { channel: text(r.via_channel), source: fromJson({ from: {}, to: {}, rel: null, ...(isObject(via) ? via : {}) }) },
    created_at: time(r.created_at), updated_at: time(r.updated_at), type: text(r.type), subject: text(r.subject),
    raw_subject: text(r.subject), description: text(r.description), priority: text(r.priority), status: text(r.status),
    recipient: null, requester_id: int(r.requester_id), submitter_id: int(r.submitter_id), assignee_id: int(r.assignee_id),
    organization_id: int(r.organization_id), group_id: int(r.group_id), is_public: bool(r.is_public), due_at: time(r.due_at),
    tags: jsonArray(r.tags).map(String),
    custom_fields: activeFieldIds.map((id) => ({ id: new Typed('integer', id), value: fromJson(values.get(id) ?? null) })),
    satisfaction_rating: rating, followup_ids: jsonArray(r.followup_ids).map(int), via_followup_source_id: int(r.followup_source_id),
    comments,
  };
}

// ---------------------------------------------------------------------------------------------
// Streaming

/**
 * `<name type="array">` over a query's batches, one yielded string per batch. The opening tag waits
 * for the first row so an empty array comes out as Rails wrote it: `<name type="array"/>`.
 */
async function* arrayOf<B>(name: string, pad: string, parts: AsyncIterable<B>, partXml: (part: B) => string) {
  let open = false;
  for await (const part of parts) {
    const body = partXml(part);
    if (!body) continue;
    yield open ? body : `${pad}<${name} type="array">\n${body}`;
    open = true;
  }
  yield open ? `${pad}</${name}>\n` : `${pad}<${name} type="array"/>\n`;
}

/** Per-record rendering for a batch: `item` elements at `pad`. */
const each = (render: Render, item: string, pad: string, shape: (r: Row) => XmlObject) =>
  (batch: Row[]) => {
    let out = '';
    for (const r of batch) out += render(item, shape(r), pad);
    return out;
  };

/** Ids of the active ticket fields in their display order: every ticket lists them, as the JSON does. */
async function activeFieldIds(batches: Batches, accountId: number): Promise<string[]> {
  const fields: { id: string; position: number }[] = [];
  for await (const batch of batches<Row>(ticketFieldsQuery(accountId), ROW_BATCH)) {
    for (const f of batch) if (f.active === true || f.active === 't') fields.push({ id: String(f.id), position: Number(f.position) });
  }
  return fields.sort((a, b) => a.position - b.position || Number(a.id) - Number(b.id)).map((f) => f.id);
}

async function* accountSection(batches: Batches, render: Render, accountId: number) {
  for await (const batch of batches<Row>(accountQuery(accountId), 1)) {
    for (const row of batch) {
      yield `  <account>\n${Object.entries(accountXml(row)).map(([k, v]) => render(k, v, '    ')).join('')}`;
      yield* arrayOf('schedules', '    ', batches<Row>(schedulesQuery(accountId), ROW_BATCH), each(render, 'schedule', '      ', scheduleXml));
      yield* arrayOf('ticket-fields', '    ', batches<Row>(ticketFieldsQuery(accountId), ROW_BATCH), each(render, 'ticket-field', '      ', ticketFieldXml));
      yield '  </account>\n';
    }
  }
}

/**
 * Tickets batch by batch; each batch's comments are read (all of them) before its tickets are
 * written, and the next batch with its comments is read while this one is written (readAhead).
 */
async function* ticketsSection(batches: Batches, render: Render, datetime: (d: Date) => string, accountId: number) {
  const fieldIds = await activeFieldIds(batches, accountId);
  const withComments = readAhead(batches<Row>(ticketsQuery(accountId), TICKET_BATCH), async (batch) => {
    const comments: Row[] = [];
    if (batch.length) for await (const rows of batches<Row>(commentsQuery(accountId, batch.map((t) => t.id)), ROW_BATCH)) comments.push(...rows);
    return { batch, comments };
  });
  yield* arrayOf('tickets', '  ', withComments, ({ batch, comments }) => {
    const byTicket = new Map<string, Raw[]>();
    for (const c of comments) {
      const key = String(c.ticket_id);
      // <tickets> at 2 spaces, <ticket> 4, its fields and <comments> 6, <comment> 8.
      const xml = commentText(c, render, datetime, '        ');
      const list = byTicket.get(key);
      if (list) list.push(xml);
      else byTicket.set(key, [xml]);
    }
    let out = '';
    for (const t of batch) out += render('ticket', ticketXml(t, byTicket.get(String(t.id)) ?? [], fieldIds), '    ');
    return out;
  });
}

/**
 * The export as XML text, in chunks of about one batch each (never the whole document).
 * @example for await (const chunk of xmlChunks(batches, { accountId, kind: 'user_xml', timeZone: 'Europe/Paris' })) zip.write(chunk);
 */
export async function* xmlChunks(batches: Batches, ctx: XmlExportContext): AsyncIterable<string> {
  const datetime = zonedXmlSchema(ctx.timeZone);
  const render = renderer(datetime);
  const { accountId } = ctx;
  const full = ctx.kind === 'xml';
  yield `<?xml version="1.0" encoding="UTF-8"?>\n<export kind="${escapeXml(ctx.kind)}">\n`;
  if (full) yield* accountSection(batches, render, accountId);
  yield* arrayOf('groups', '  ', batches<Row>(groupsQuery(accountId), ROW_BATCH), each(render, 'group', '    ', groupXml));
  yield* arrayOf('organizations', '  ', batches<Row>(organizationsQuery(accountId), ROW_BATCH), each(render, 'organization', '    ', organizationXml));
  if (full) yield* ticketsSection(batches, render, datetime, accountId);
  yield* arrayOf('users', '  ', batches<Row>(usersQuery(accountId), ROW_BATCH), each(render, 'user', '    ', userXml));
  yield '</export>\n';
}
