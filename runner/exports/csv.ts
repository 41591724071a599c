import { sql, type SQL } from 'drizzle-orm';
import { emailDomain } from '../core/format.ts';
import { inRange, type Counter, type Scope } from './ndjson.ts';
import { idArray, readAhead, type Snapshot } from './snapshot.ts';

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

const SCORES: Record<string, string> = { unoffered: 'Not Offered', offered: 'Offered', good: 'Good', bad: 'Bad' };
/** Zendesk's CSV writes the API's status, priority and type values capitalised: "Open", "Urgent". */
const capitalised = (v: unknown) => (typeof v === 'string' && v ? v[0]!.toUpperCase() + v.slice(1) : '');

/** Dates in the account's zone, formatted by the database (it knows every IANA zone and DST rule). */
const local = (column: SQL, tz: string) => sql`to_char(${column} at time zone ${tz}, 'YYYY-MM-DD HH24:MI:SS')`;

/**
 * One row per ticket, everything but the custom fields resolved by joins in the same query.
 * `weight` is the ticket's own text; its comments and field values are added per batch.
 */
function csvQuery(s: Scope, tz: string, fields: CsvField[]): SQL {
  return sql`select t.id, r.name as requester, t.requester_id::float8 as requester_id, r.external_id as requester_external_id,
    r.email as requester_email, sub.name as submitter, a.name as assignee, g.name as group_name, t.subject,
    array_to_string(t.tags, ' ') as tags, t.status::text as status, t.priority::text as priority, t.via_channel::text as via,
    t.type::text as type, ${local(sql`t.created_at`, tz)} as created_at, ${local(sql`t.updated_at`, tz)} as updated_at,
    ${local(sql`m.assigned_at`, tz)} as assigned_at, o.name as organization, ${local(sql`t.due_at`, tz)} as due_at,
    ${local(sql`m.initially_assigned_at`, tz)} as initially_assigned_at, ${local(sql`m.solved_at`, tz)} as solved_at,
    round(m.full_resolution_calendar / 60.0)::int as resolution_hours, coalesce(sr.score::text, 'unoffered') as score,
    m.group_stations, m.assignee_stations, m.reopens, m.replies,
    m.reply_time_calendar, m.reply_time_business, m.first_resolution_calendar, m.first_resolution_business,
    m.full_resolution_calendar, m.full_resolution_business, m.agent_wait_calendar, m.agent_wait_business,
    m.requester_wait_calendar, m.requester_wait_business, m.on_hold_calendar, m.on_hold_business,
    (octet_length(t.subject) + octet_length(t.description)
      + coalesce((select sum(octet_length(c.body)) from comments c where c.ticket_id = t.id and c.account_id = t.account_id), 0)
      + coalesce((select sum(octet_length(v.value::text)) from ticket_field_values v where v.ticket_id = t.id and v.account_id = t.account_id), 0)
    )::float8 as weight,
    ${fields.length ? sql`(select jsonb_object_agg(v.field_id, v.value)::text from ticket_field_values v
      where v.ticket_id = t.id and v.account_id = t.account_id and v.field_id = any(${idArray(fields.map((f) => f.id))}))` : sql`null::text`} as field_values
    from (select * from tickets where ${inRange(s)}) t
    left join users r on r.account_id = t.account_id and r.id = t.requester_id
    left join users sub on sub.account_id = t.account_id and sub.id = t.submitter_id
    left join users a on a.account_id = t.account_id and a.id = t.assignee_id
    left join groups g on g.account_id = t.account_id and g.id = t.group_id
    left join organizations o on o.account_id = t.account_id and o.id = t.organization_id
    left join ticket_metrics m on m.account_id = t.account_id and m.ticket_id = t.id
    left join satisfaction_ratings sr on sr.account_id = t.account_id and sr.ticket_id = t.id
    order by t.id`;
}

type Row = Record<string, unknown>;

/*
 * The 1 MB rule weighs a ticket's own text, its comments' bodies and its custom field values, in
 * UTF-8 bytes (`weight`). HTML bodies are left out: they render the same text again. octet_length
 * reads the stored length without decompressing large values.
 */

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, quote, CR or LF, quotes doubled.
 * CSV injection: a cell starting with = + - @ tab or CR would run as a formula in a spreadsheet,
 * so it gets a leading `'`, which spreadsheets show as text.
 */
export function cell(v: unknown): string {
  if (v == null) return '';
  let s = typeof v === 'string' ? v : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

const line = (cells: unknown[]) => `${cells.map(cell).join(',')}\r\n`;

function csvRow(r: Row, fields: CsvField[]): string {
  const values = r.field_values == null ? undefined : (JSON.parse(r.field_values as string) as Record<string, unknown>);
  const email = r.requester_email as string | null;
  return line([
    r.id, r.requester, r.requester_id, r.requester_external_id, email, email ? emailDomain(email) : null, r.submitter, r.assignee,
    r.group_name, r.subject, r.tags, capitalised(r.status), capitalised(r.priority), r.via, capitalised(r.type), r.created_at, r.updated_at,
    r.assigned_at, r.organization, r.due_at, r.initially_assigned_at, r.solved_at, r.resolution_hours, SCORES[r.score as string],
    r.group_stations, r.assignee_stations, r.reopens, r.replies, r.reply_time_calendar, r.reply_time_business,
    r.first_resolution_calendar, r.first_resolution_business, r.full_resolution_calendar, r.full_resolution_business,
    r.agent_wait_calendar, r.agent_wait_business, r.requester_wait_calendar, r.requester_wait_business, r.on_hold_calendar, r.on_hold_business,
    ...fields.map((f) => values?.[f.id]),
  ]);
}

/** The CSV file: header then one row per ticket of the scope, oversized tickets left out. */
export async function* csvLines(snap: Snapshot, scope: Scope, tz: string, fields: CsvField[], counted: Counter): AsyncIterable<string> {
  yield line([...CSV_COLUMNS, ...fields.map((f) => f.title)]);
  // The next batch is fetched while this one is formatted.
  for await (const rows of readAhead(snap.batches(csvQuery(scope, tz, fields)), async (rows) => rows)) {
    let out = '';
    for (const r of rows) {
      if ((r.weight as number) > TICKET_CSV_LIMIT) continue;
      out += csvRow(r, fields);
    }
    yield out;
    await counted(rows.length);
  }
}
