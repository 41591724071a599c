import type { OrganizationSnapshot, UserSnapshot } from '../../sdk/index.ts';
import type { SalesforceContext } from './auth.ts';
import { filterOut } from './filters.ts';
import {
  fieldValue, matchField, objectConfig, organizationChanges, recordLabel, userChanges,
  type InboundObject, type ObjectConfig, type SfRecord,
} from './mapping.ts';

/**
 * Salesforce → deskbridge for one Account, Contact or Lead (from a poll or the inbound webhook):
 * filters, then the stored link or — the first time — one match on the configured key, then the
 * changes. Every outcome writes a row; nothing here throws for a record-level refusal, so one bad
 * record never holds back the others.
 */

/** The link kept after the first match: later updates go to the same record without matching again. */
type Link = { id: number; notes?: string | null };
export const linkKey = (object: InboundObject, sfId: string) => `link:${object}:${sfId}`;
/** The reverse link of a user to a Contact, used by the ticket sync before searching by email. */
export const contactOfUserKey = (userId: number) => `contact-of-user:${userId}`;

type Outcome = 'created' | 'updated' | 'unchanged' | 'skipped' | 'failed';

export async function syncRecord(ctx: SalesforceContext, object: InboundObject, record: SfRecord): Promise<Outcome> {
  const c = objectConfig(ctx.settings, object);
  const label = recordLabel(object, record);
  const details = { salesforce_id: record.Id, object };
  if (!c.enabled) return 'skipped';
  const filtered = filterOut(record, c.filters);
  if (filtered) {
    ctx.log.debug(`${label} skipped: filter condition ${filtered}`, { ...details, reason: 'filtered' });
    return 'skipped';
  }
  return c.target === 'user' ? syncUser(ctx, c, record, label, details) : syncOrganization(ctx, c, record, label, details);
}

/** The linked record, or the one match on the key; null with a row written when there is none to use. */
async function resolve<T extends { id: number }>(
  ctx: SalesforceContext, c: ObjectConfig, record: SfRecord, label: string, details: Record<string, unknown>,
  get: (id: number) => Promise<T | null>, find: (value: string) => Promise<T[]>, noun: string,
): Promise<{ found: T | null; link: Link | undefined; matchedBy: string } | null> {
  const key = linkKey(c.object, record.Id);
  const link = await ctx.store.get<Link>(key);
  if (link) {
    const linked = await get(link.id);
    if (linked) return { found: linked, link, matchedBy: 'link' };
    await ctx.store.delete(key); // the deskbridge record is gone: match afresh
  }
  const value = fieldValue(record, matchField(c));
  if (!value) {
    ctx.log.warn(`${label} has no ${matchField(c)} to match ${noun}s on: skipped`, { ...details, match_key: c.matchKey });
    return null;
  }
  const hits = await find(value);
  if (hits.length > 1) {
    ctx.log.error(`${label} matched ${hits.length} ${noun}s by ${c.matchKey}: sync failed`, {
      ...details, match_key: c.matchKey, match_value: value, count: hits.length, [`${noun}_ids`]: hits.map((h) => h.id),
    });
    return null;
  }
  return { found: hits[0] ?? null, link: undefined, matchedBy: c.matchKey };
}

const findUsers = (ctx: SalesforceContext, c: ObjectConfig) => (value: string) =>
  ctx.data.users.find(c.matchKey === 'external_id' ? { external_id: value } : { [c.matchKey]: value });

async function syncUser(ctx: SalesforceContext, c: ObjectConfig, record: SfRecord, label: string, details: Record<string, unknown>): Promise<Outcome> {
  const r = await resolve<UserSnapshot>(ctx, c, record, label, details, (id) => ctx.data.users.get(id), findUsers(ctx, c), 'user');
  if (!r) return 'failed';
  const { found, matchedBy } = r;
  if (found && found.role !== 'end-user') {
    ctx.log.warn(`${label} matches ${found.role} ${found.name} (user #${found.id}): agents and admins are never changed by Salesforce`, { ...details, user_id: found.id, role: found.role });
    return 'skipped';
  }
  const { changes, extra } = userChanges(found, record, c, ctx.settings.writeExternalId);
  let user: UserSnapshot;
  let outcome: Outcome;
  if (!found) {
    if (!changes.email) {
      ctx.log.warn(`${label} has no email address: no deskbridge user created`, details);
      return 'skipped';
    }
    user = await ctx.data.users.create({ ...changes, name: changes.name ?? changes.email });
    outcome = 'created';
  } else if (Object.keys(changes).length > 0) {
    user = await ctx.data.users.update(found.id, changes);
    outcome = 'updated';
  } else {
    user = found;
    outcome = 'unchanged';
  }
  if (!r.link) await ctx.store.set(linkKey(c.object, record.Id), { id: user.id } satisfies Link);
  if (c.object === 'Contact') await ctx.store.set(contactOfUserKey(user.id), record.Id);
  // The profile holds the Salesforce identity, and any email or phone the user's single fields had no room for.
  await ctx.data.profiles.upsert({
    user_id: user.id, source: 'salesforce', type: c.object.toLowerCase(), name: fieldValue(record, 'Name'),
    identifiers: [{ type: 'salesforce_id', value: record.Id }, ...extra], attributes: { salesforce_id: record.Id, object: c.object },
  });
  report(ctx, outcome, label, `user #${user.id} (${user.email ?? user.name})`, {
    ...details, user_id: user.id, matched_by: matchedBy, fields: Object.keys(changes), appended_to_profile: extra,
  });
  return outcome;
}

async function syncOrganization(ctx: SalesforceContext, c: ObjectConfig, record: SfRecord, label: string, details: Record<string, unknown>): Promise<Outcome> {
  const find = (value: string) => ctx.data.organizations.find(c.matchKey === 'external_id' ? { external_id: value } : { name: value });
  const r = await resolve<OrganizationSnapshot>(ctx, c, record, label, details, (id) => ctx.data.organizations.get(id), find, 'organization');
  if (!r) return 'failed';
  const changes = organizationChanges(r.found, record, c, ctx.settings.writeExternalId, r.link?.notes);
  let org: OrganizationSnapshot;
  let outcome: Outcome;
  if (!r.found) {
    if (!changes.name) {
      ctx.log.warn(`${label} has no name: no deskbridge organization created`, details);
      return 'skipped';
    }
    org = await ctx.data.organizations.create({ ...changes, name: changes.name });
    outcome = 'created';
  } else if (Object.keys(changes).length > 0) {
    org = await ctx.data.organizations.update(r.found.id, changes);
    outcome = 'updated';
  } else {
    org = r.found;
    outcome = 'unchanged';
  }
  // Organizations' notes are not in their snapshot: the link remembers what was written last.
  const notes = 'notes' in changes ? changes.notes : r.link?.notes;
  await ctx.store.set(linkKey(c.object, record.Id), { id: org.id, ...(notes !== undefined ? { notes } : {}) } satisfies Link);
  report(ctx, outcome, label, `organization #${org.id} (${org.name})`, {
    ...details, organization_id: org.id, matched_by: r.matchedBy, fields: Object.keys(changes),
  });
  return outcome;
}

function report(ctx: SalesforceContext, outcome: Outcome, label: string, target: string, details: Record<string, unknown> & { fields: string[] }) {
  if (outcome === 'created') ctx.log.info(`Salesforce ${label} created ${target}`, details);
  else if (outcome === 'updated') ctx.log.info(`Salesforce ${label} updated ${target}: ${details.fields.join(', ')}`, details);
  else ctx.log.debug(`Salesforce ${label} already in sync with ${target}`, details);
}
