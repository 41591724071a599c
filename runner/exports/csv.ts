import { sql, type SQL } from 'drizzle-orm';
import { inRange, type Counter, type Scope } from './ndjson.ts';
import { readAhead, type Snapshot } from './snapshot.ts';

/** SPEC E11, in this order; the allowed custom fields follow. */
export const CSV_COLUMNS = [
  'ID', 'Requester', 'Requester ID', 'Requester external id', 'Requester email', 'Requester domain', 'Submitter', 'Assignee', 'Group',
  'Subject', 'Tags', 'Status', 'Priority', 'Via', 'Ticket type', 'Created at', 'Updated at', 'Assigned at', 'Organization', 'Due date',
  'Initially assigned at', 'Solved at', 'Resolution time', 'Satisfaction Score', 'Group stations', 'Assignee stations', 'Reopens', 'Replies',
  'First reply time in minutes', 'First reply time in minutes within business hours',
  'First resolution time in minutes', 'First resolution time in minutes within business hours',
  'Full resolution time in minutes', 'Full resolution time in minutes within business hours',
  'Agent wait time in minutes', 'Agent wait time in minutes within business hours',
  'Requester wait time in minutes', 'Requester wait time in minutes within business hours',
  'On hold time in minutes', 'On hold time in minutes within business hours',
] as const;

/** A ticket whose data exceeds this is left out of the CSV (SPEC E10). */
export const TICKET_CSV_LIMIT = 1_048_576;

/** Multi-line text, multi-select and custom date fields are not in CSV exports (SPEC E11). */
const EXCLUDED_FIELD_TYPES = ['textarea', 'multiselect', 'date'];

export type CsvField = { id: number; title: string };

export async function csvFields(snap: Snapshot, accountId: number): Promise<CsvField[]> {
  return snap.rows<CsvField>(sql`select id::float8 as id, title from ticket_fields
    where account_id = ${accountId} and active and type::text not in (${sql.join(EXCLUDED_FIELD_TYPES.map((t) => sql`${t}`), sql`, `)})
    order by position, id`);
}

/** Dates in the account's zone, formatted by the database (it knows every IANA zone and DST rule). */
const local = (column: SQL, tz: string) => sql`to_char(${column} at time zone ${tz}, 'YYYY-MM-DD HH24:MI:SS')`;

/**
 * One CSV cell (RFC 4180) in SQL, as `cell` writes it: empty for null; a leading = + - @ tab or CR
 * gets a `'` (CSV injection); quoted, quotes doubled, when it holds a comma, quote, CR or LF.
 */
export function sqlCell(value: SQL): SQL {
  // Most cells need nothing: one regular expression tells, before the two that pick the treatment.
  return sql`(case when (${value}) is null then ''
    when (${value}) !~ E'^[=+@\\t\\r-]|[",\\r\\n]' then (${value})
    when (${value}) ~ E'^[=+@\\t\\r-]' then (case when (${value}) ~ E'[",\\r\\n]' then '"''' || replace(${value}, '"', '""') || '"' else '''' || (${value}) end)
    else '"' || replace(${value}, '"', '""') || '"' end)`;
}

/** A number or a date written by the database: never needs quoting. */
const plain = (value: SQL) => sql`coalesce((${value})::text, '')`;
/** "open" → "Open" (Zendesk's CSV capitalises status, priority and type). */
const capital = (value: SQL) => sql`coalesce(upper(left((${value})::text, 1)) || substr((${value})::text, 2), '')`;
/** A custom field's JSON value as text: strings as they are, lists joined by commas, null as nothing. */
const fieldText = (value: SQL) => sql`(case jsonb_typeof(${value}) when 'string' then (${value}) #>> '{}' when 'null' then null
  when 'array' then (select string_agg(e, ',') from jsonb_array_elements_text(${value}) e) else (${value})::text end)`;

const METRIC_COLUMNS = ['group_stations', 'assignee_stations', 'reopens', 'replies', 'reply_time_calendar', 'reply_time_business',
  'first_resolution_calendar', 'first_resolution_business', 'full_resolution_calendar', 'full_resolution_business',
  'agent_wait_calendar', 'agent_wait_business', 'requester_wait_calendar', 'requester_wait_business', 'on_hold_calendar', 'on_hold_business'];

/**
 * One CSV record per ticket (`line`, with its CRLF), built by the database: the joins, the metrics,
 * the custom fields and the quoting. Every lookup is an index probe per ticket (lateral), so a page
 * of the query costs the same wherever it starts (PGlite reads it in keyset pages; with hash and
 * merge joins each page re-read whole tables). `limit 1` keeps the planner from turning a lookup
 * back into such a join.
 * Tickets over the 1 MB rule (SPEC E10) are left out by the query: their own text, their comments'
 * bodies and their custom field values, in UTF-8 bytes; HTML bodies are not weighed (they render
 * the same text again); octet_length reads stored lengths without decompressing.
 */
function csvQuery(s: Scope, tz: string, fields: CsvField[]): SQL {
  const cells: SQL[] = [
    plain(sql`t.id`), sqlCell(sql`r.name`), plain(sql`t.requester_id`), sqlCell(sql`r.external_id`), sqlCell(sql`r.email`),
    sqlCell(sql`lower(regexp_replace(r.email, '^.*@', ''))`), sqlCell(sql`sub.name`), sqlCell(sql`a.name`), sqlCell(sql`g.name`),
    sqlCell(sql`t.subject`), sqlCell(sql`array_to_string(t.tags, ' ')`), capital(sql`t.status`), capital(sql`t.priority`),
    sqlCell(sql`t.via_channel::text`), capital(sql`t.type`), plain(local(sql`t.created_at`, tz)), plain(local(sql`t.updated_at`, tz)),
    plain(local(sql`m.assigned_at`, tz)), sqlCell(sql`o.name`), plain(local(sql`t.due_at`, tz)),
    plain(local(sql`m.initially_assigned_at`, tz)), plain(local(sql`m.solved_at`, tz)), plain(sql`round(m.full_resolution_calendar / 60.0)::int`),
    sql`(case sr.score when 'offered' then 'Offered' when 'good' then 'Good' when 'bad' then 'Bad' else 'Not Offered' end)`,
    ...METRIC_COLUMNS.map((c) => plain(sql.raw(`m.${c}`))),
    ...fields.map((f) => sqlCell(fieldText(sql`fv.m -> ${String(f.id)}::text`))),
  ];
  const lookup = (alias: string, table: string, columns: string, id: SQL) =>
    sql`left join lateral (select ${sql.raw(columns)} from ${sql.raw(table)} x where x.account_id = t.account_id and x.id = ${id} limit 1) ${sql.raw(alias)} on true`;
  return sql`select t.id, ${sql.join(cells, sql` || ',' || `)} || E'\\r\\n' as line
    from tickets t
    ${lookup('r', 'users', 'x.name, x.external_id, x.email', sql`t.requester_id`)}
    ${lookup('sub', 'users', 'x.name', sql`t.submitter_id`)}
    ${lookup('a', 'users', 'x.name', sql`t.assignee_id`)}
    ${lookup('g', 'groups', 'x.name', sql`t.group_id`)}
    ${lookup('o', 'organizations', 'x.name', sql`t.organization_id`)}
    left join lateral (select * from ticket_metrics x where x.ticket_id = t.id and x.account_id = t.account_id limit 1) m on true
    left join lateral (select x.score from satisfaction_ratings x where x.account_id = t.account_id and x.ticket_id = t.id
      order by x.id desc limit 1) sr on true
    left join lateral (select jsonb_object_agg(x.field_id, x.value) as m from ticket_field_values x
      where x.ticket_id = t.id and x.account_id = t.account_id) fv on true
    where ${inRange(s, sql`t.generated_at`, sql`t.account_id`)}
      and octet_length(t.subject) + octet_length(t.description)
        + coalesce((select sum(octet_length(c.body)) from comments c where c.ticket_id = t.id and c.account_id = t.account_id), 0)
        + coalesce((select sum(octet_length(x.value::text)) from ticket_field_values x where x.ticket_id = t.id and x.account_id = t.account_id), 0)
        <= ${TICKET_CSV_LIMIT}
    order by t.id`;
}

/**
 * One CSV cell (RFC 4180), for the header: quoted when it holds a comma, quote, CR or LF, quotes
 * doubled; a cell starting with = + - @ tab or CR gets a leading `'`, which spreadsheets show as
 * text (CSV injection). The records' cells are written by sqlCell, the same rules in SQL.
 */
export function cell(v: unknown): string {
  if (v == null) return '';
  let s = typeof v === 'string' ? v : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

const line = (cells: unknown[]) => `${cells.map(cell).join(',')}\r\n`;

/** The CSV file: header then one record per ticket of the scope, oversized tickets left out. */
export async function* csvLines(snap: Snapshot, scope: Scope, tz: string, fields: CsvField[], counted: Counter): AsyncIterable<string> {
  yield line([...CSV_COLUMNS, ...fields.map((f) => f.title)]);
  // The next batch is fetched while this one is written.
  for await (const rows of readAhead(snap.batches<{ line: string }>(csvQuery(scope, tz, fields)), async (rows) => rows)) {
    let out = '';
    for (const r of rows) out += r.line;
    yield out;
    await counted(rows.length);
  }
}
