import type { SalesforceContext } from './auth.ts';
import { createSalesforceClient, soqlString, type SalesforceClient } from './client.ts';
import { syncRecord } from './inbound.ts';
import { INBOUND_OBJECTS, objectConfig, soqlFields, type InboundObject, type SfRecord } from './mapping.ts';

/**
 * The polling half of Salesforce → deskbridge. Each object has a cursor in the installation's store:
 * the highest SystemModstamp synced and the ids synced at that instant. A poll asks for
 * `SystemModstamp >= cursor` (whole seconds, as SOQL literals are) oldest first, skips what the
 * cursor already covers, and saves the cursor after every page, so a failed poll resumes where it
 * stopped and a record edited twice in one second is never lost.
 *
 * Scheduling: the engine queues `poll` once per slot of `pollIntervalSeconds` for every enabled
 * installation (`schedules` in index.ts); a poll that finds no sync turned on returns at once.
 */

type Cursor = { since: string; ids: string[] };
const cursorKey = (object: InboundObject) => `cursor:${object}`;
const stampOf = (r: SfRecord) => Date.parse(String(r.SystemModstamp).replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));

async function pollObject(ctx: SalesforceContext, sf: SalesforceClient, object: InboundObject) {
  const c = objectConfig(ctx.settings, object);
  let cursor = await ctx.store.get<Cursor>(cursorKey(object));
  const since = cursor ? `${new Date(Math.floor(Date.parse(cursor.since) / 1000) * 1000).toISOString().replace('.000Z', 'Z')}` : null;
  const soql = `SELECT ${soqlFields(c).join(', ')} FROM ${object}${since ? ` WHERE SystemModstamp >= ${since}` : ''} ORDER BY SystemModstamp ASC, Id ASC`;
  const counts: Record<string, number> = {};
  await sf.query(soql, `polling ${object}s`, async (records) => {
    for (const raw of records) {
      const record = raw as SfRecord;
      const at = stampOf(record);
      const seenAt = cursor ? Date.parse(cursor.since) : -Infinity;
      if (at < seenAt || (at === seenAt && cursor!.ids.includes(record.Id))) continue;
      const outcome = await syncRecord(ctx, object, record);
      counts[outcome] = (counts[outcome] ?? 0) + 1;
      const iso = new Date(at).toISOString();
      cursor = cursor && at === seenAt ? { since: iso, ids: [...cursor.ids, record.Id] } : { since: iso, ids: [record.Id] };
    }
    if (cursor) await ctx.store.set(cursorKey(object), cursor);
  });
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  ctx.log.debug(`Polled Salesforce ${object}s: ${total === 0 ? 'no changes' : Object.entries(counts).map(([k, n]) => `${n} ${k}`).join(', ')}${since ? ` since ${since}` : ''}`, {
    object, since, ...counts, cursor: cursor ?? null,
  });
}

export async function poll(ctx: SalesforceContext): Promise<void> {
  const sf = createSalesforceClient(ctx);
  for (const object of INBOUND_OBJECTS) {
    if (objectConfig(ctx.settings, object).enabled) await pollObject(ctx, sf, object);
  }
}

/** Fetches the current state of records a webhook named (outbound messages and events may carry only some fields). */
export async function syncByIds(ctx: SalesforceContext, object: InboundObject, ids: string[]): Promise<number> {
  const c = objectConfig(ctx.settings, object);
  if (!c.enabled) {
    ctx.log.debug(`Salesforce ${object} change ignored: the ${object} sync is turned off`, { object, salesforce_ids: ids });
    return 0;
  }
  const sf = createSalesforceClient(ctx);
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += 200) {
    const chunk = ids.slice(i, i + 200);
    await sf.query(`SELECT ${soqlFields(c).join(', ')} FROM ${object} WHERE Id IN (${chunk.map(soqlString).join(', ')})`, `reading changed ${object}s`, async (records) => {
      for (const r of records) {
        found.add(String(r.Id));
        await syncRecord(ctx, object, r as SfRecord);
      }
    });
  }
  const gone = ids.filter((id) => !found.has(id));
  if (gone.length) ctx.log.warn(`Salesforce ${object}${gone.length > 1 ? 's' : ''} ${gone.join(', ')} no longer exist${gone.length > 1 ? '' : 's'}: nothing synced`, { object, salesforce_ids: gone });
  return found.size;
}
