import { sql, type SQL } from 'drizzle-orm';
import { inRange, type Counter, type Oversized, type Scope } from './ndjson.ts';
import type { Snapshot } from './snapshot.ts';

/**
 * The `{"ticket":{…}}` lines of a JSON export, built by the database (SPEC E7, E9, E12).
 *
 * Serialising a million tickets with their comments in JavaScript kept the export process busy
 * parsing rows and building objects; PostgreSQL builds the same JSON from its rows in its own
 * process, and on PostgreSQL the lines come out of a `COPY … TO STDOUT` as bytes that go to the ZIP
 * as they are. The shape is `ticketShape` + `commentShape` (runner/core/ticket-shape.ts) written in
 * SQL; tests/exports/build.test.ts compares every line with the API's ticket, so the two cannot drift
 * apart unnoticed. Differences that do not change the parsed value: whitespace inside stored JSON
 * values and the key order of a comment's `metadata`.
 */

/** Zendesk's time format, `"2026-01-05T09:00:00Z"`, as `iso()` writes it (truncated to the second); null stays null. */
const iso = (column: SQL) => sql`coalesce('"' || to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || '"', 'null')`;
/** Any value as JSON text; null as `null`. */
const json = (value: SQL) => sql`coalesce(to_json(${value})::text, 'null')`;
/** A nullable id as JSON text. */
const id = (column: SQL) => sql`coalesce(${column}::text, 'null')`;

/*
 * The JSON is concatenated text rather than row_to_json / json_build_object: building a record per
 * object and serialising it took three times as long (2.1 s against 0.65 s for 280,000 comments).
 * Strings go through to_json (JSON escaping); numbers, booleans and enum values (lower-case words)
 * are written as they are.
 */

/** A comment, as commentShape. Most comments have no metadata of their own: the merge is skipped. */
const commentJson = sql`'{"id":' || c.id || ',"type":"Comment","author_id":' || c.author_id || ',"body":' || c.body
  || ',"html_body":' || to_json(c.html_body) || ',"plain_body":' || c.body || ',"public":' || c.public
  || ',"attachments":[],"audit_id":' || c.audit_id || ',"via":{"channel":"' || c.via_channel || '","source":{"from":{},"to":{},"rel":null}}'
  || ',"created_at":' || ${iso(sql`c.created_at`)} || ',"metadata":'
  || case when c.metadata = '{}'::jsonb then '{"system":{},"custom":{}}' else (jsonb_build_object('system', '{}'::jsonb, 'custom', '{}'::jsonb) || c.metadata)::text end
  || '}'`;

/**
 * A ticket's comments, oldest first. The aggregate reads them from a subquery in index order: an
 * `order by` inside string_agg would sort every ticket's comments again. `body` is escaped once for
 * body and plain_body.
 */
const commentsJson = sql`coalesce((select '[' || string_agg(${commentJson}, ',') || ']' from (select c.id, c.author_id,
    to_json(c.body)::text as body, c.html_body, c.public, c.audit_id, c.via_channel, c.created_at, c.metadata
    from comments c where c.ticket_id = t.id and c.account_id = t.account_id order by c.ticket_id, c.id) c), '[]')`;

/** `[{"id":1,"value":…},…]` for the active fields, in their order; the values come as one small object per ticket. */
function customFields(fieldIds: number[]): SQL {
  if (!fieldIds.length) return sql`'[]'`;
  const items = fieldIds.map((f, i) => sql.raw(`'${i ? ',' : '['}{"id":${Number(f)},"value":' || coalesce((fv.m -> '${Number(f)}')::text, 'null') || '}'`));
  return sql`(${sql.join(items, sql` || `)} || ']')`;
}

/**
 * `id` and `line` per ticket of the scope, in id order (the Batches contract, snapshot.ts). The
 * comments are the ticket object's last key, so a line over the limit can be written again without
 * them. `fieldIds` are the active custom fields in API order.
 */
export function ticketLineQuery(s: Scope, fieldIds: number[]): SQL {
  return sql`select t.id, '{"ticket":{"url":' || to_json(${s.base}::text || '/api/v2/tickets/' || t.id || '.json')
      || ',"id":' || t.id || ',"external_id":' || ${json(sql`t.external_id`)}
      || ',"via":{"channel":"' || t.via_channel || '","source":' || t.via_source::text || '}'
      || ',"created_at":' || ${iso(sql`t.created_at`)} || ',"updated_at":' || ${iso(sql`t.updated_at`)}
      || ',"type":' || ${json(sql`t.type`)} || ',"subject":' || to_json(t.subject) || ',"raw_subject":' || to_json(t.subject)
      || ',"description":' || to_json(t.description) || ',"priority":' || ${json(sql`t.priority`)} || ',"status":"' || t.status || '"'
      || ',"recipient":null,"requester_id":' || t.requester_id || ',"submitter_id":' || t.submitter_id
      || ',"assignee_id":' || ${id(sql`t.assignee_id`)} || ',"organization_id":' || ${id(sql`t.organization_id`)} || ',"group_id":' || ${id(sql`t.group_id`)}
      || ',"collaborator_ids":[],"follower_ids":[],"email_cc_ids":[],"forum_topic_id":null,"problem_id":null,"has_incidents":false'
      || ',"is_public":' || t.is_public || ',"due_at":' || ${iso(sql`t.due_at`)} || ',"tags":' || to_json(t.tags)
      || ',"custom_fields":' || cf.fields
      || ',"satisfaction_rating":' || coalesce((select '{"id":' || sr.id || ',"score":"' || sr.score || '","comment":' || ${json(sql`sr.comment`)}
        || ',"reason":' || ${json(sql`sr.reason`)} || '}' from satisfaction_ratings sr
        where sr.account_id = t.account_id and sr.ticket_id = t.id order by sr.id desc limit 1), '{"score":"unoffered"}')
      || ',"sharing_agreement_ids":[],"fields":' || cf.fields
      || ',"followup_ids":' || coalesce((select '[' || string_agg(f.id::text, ',') || ']' from (select f.id from tickets f
        where f.followup_source_id = t.id and f.account_id = t.account_id order by f.id) f), '[]')
      || ',"via_followup_source_id":' || ${id(sql`t.followup_source_id`)}
      || ',"ticket_form_id":null,"brand_id":null,"allow_channelback":false,"allow_attachments":true,"from_messaging_channel":false'
      || ',"generated_timestamp":' || floor(extract(epoch from t.generated_at))::bigint
      || ',"comments":' || ${commentsJson}
      || '}}' as line
    from tickets t
    cross join lateral (select ${customFields(fieldIds)} as fields from (select jsonb_object_agg(v.field_id, v.value) as m
      from ticket_field_values v where v.ticket_id = t.id and v.account_id = t.account_id) fv) cf
    where ${inRange(s, sql`t.generated_at`, sql`t.account_id`)}
    order by t.id`;
}

const NEWLINE = 0x0a;

/**
 * A line over `limit` bytes, written again without its comments (SPEC E9); its ticket id goes to
 * `oversized`. Rare, so the simple way: parse, empty the comments, serialise.
 */
function withoutComments(line: Buffer, oversized: Oversized): Buffer {
  const parsed = JSON.parse(line.toString('utf8')) as { ticket: { id: number; comments: unknown[] } };
  parsed.ticket.comments = [];
  oversized(parsed.ticket.id);
  return Buffer.from(`${JSON.stringify(parsed)}\n`);
}

/**
 * Passes NDJSON bytes through in whole lines, rewriting the lines over `limit` bytes, and counts
 * them. Normal lines are never copied: the output is slices of the input chunks; only the tail of
 * a chunk (a line that goes on in the next one) is held back.
 */
export async function* checkedLines(source: AsyncIterable<Buffer>, limit: number, oversized: Oversized, counted: Counter): AsyncIterable<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  for await (const chunk of source) {
    const out: Buffer[] = [];
    let lines = 0;
    let segment = 0; // start of the run of normal lines not yet output
    let lineStart = 0;
    for (let nl = chunk.indexOf(NEWLINE); nl >= 0; nl = chunk.indexOf(NEWLINE, lineStart)) {
      lines++;
      const bytes = pendingBytes + nl - lineStart;
      if (bytes > limit) {
        if (lineStart > segment) out.push(chunk.subarray(segment, lineStart));
        out.push(withoutComments(Buffer.concat([...pending, chunk.subarray(lineStart, nl)]), oversized));
        segment = nl + 1;
      } else if (pending.length) {
        out.push(...pending); // the chunk's first line began in an earlier chunk
      }
      pending = [];
      pendingBytes = 0;
      lineStart = nl + 1;
    }
    if (lineStart > segment) out.push(chunk.subarray(segment, lineStart));
    if (lineStart < chunk.length) {
      pending.push(chunk.subarray(lineStart));
      pendingBytes += chunk.length - lineStart;
    }
    for (const b of out) yield b;
    if (lines) await counted(lines);
  }
  if (pendingBytes) throw new Error('The database ended the export in the middle of a line');
}

/**
 * The ticket lines of the scope. PostgreSQL: one COPY streaming the bytes; PGlite (no streaming
 * COPY: it collects the output in memory): pages of lines through `batches`.
 */
export function ticketJsonLines(snap: Snapshot, scope: Scope, fieldIds: number[], limit: number, oversized: Oversized, counted: Counter): AsyncIterable<Buffer> {
  const query = ticketLineQuery(scope, fieldIds);
  const source = snap.copyLines ? snap.copyLines(sql`select page.line from (${query}) as page order by page.id`) : pagedLines(snap, query);
  return checkedLines(source, limit, oversized, counted);
}

async function* pagedLines(snap: Snapshot, query: SQL): AsyncIterable<Buffer> {
  for await (const rows of snap.batches<{ line: string }>(query, 500)) {
    let text = '';
    for (const r of rows) text += `${r.line}\n`;
    yield Buffer.from(text);
  }
}
