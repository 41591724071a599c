import { z } from 'zod';
import type { LogDetails, TicketSnapshot } from '../../sdk/index.ts';
import type { SalesforceContext } from './auth.ts';
import { createSalesforceClient, SalesforceError, soqlString, type SalesforceClient } from './client.ts';
import { contactOfUserKey } from './inbound.ts';
import { caseFields, splitName, type UnmappedValue } from './mapping.ts';

/**
 * deskbridge ticket → Salesforce Case. The Case is upserted on an External ID field holding the
 * ticket id (PATCH /sobjects/Case/{field}/{ticket id}), so a retried job updates the Case it created
 * instead of making a second one. Required Case fields come from the Case describe (cached an hour
 * in the installation's store); one left without a value fails the sync before anything is sent.
 */

/** A sync that cannot succeed as configured: one error row, and the job ends (retrying would not help). */
class SyncFailure extends Error {
  constructor(message: string, readonly details: LogDetails = {}) { super(message); }
}

const DESCRIBE_TTL_MS = 3600_000;
const describeAnswer = z.object({
  fields: z.array(z.object({
    name: z.string(), label: z.string(), nillable: z.boolean(), createable: z.boolean(), defaultedOnCreate: z.boolean(), externalId: z.boolean().optional(),
  })),
});
type CaseSchema = { at: number; required: { name: string; label: string }[]; externalIds: string[] };
const upsertAnswer = z.object({ id: z.string().optional(), created: z.boolean().optional() });
const created = z.object({ id: z.string() });
const idRecords = z.object({ records: z.array(z.object({ Id: z.string() })) });

async function caseSchema(ctx: SalesforceContext, sf: SalesforceClient): Promise<CaseSchema> {
  const cached = await ctx.store.get<CaseSchema>('describe:Case');
  if (cached && ctx.now().getTime() - cached.at < DESCRIBE_TTL_MS) return cached;
  const d = await sf.json('/sobjects/Case/describe', { what: 'describing the Case object' }, describeAnswer);
  const schema: CaseSchema = {
    at: ctx.now().getTime(),
    required: d.fields.filter((f) => f.createable && !f.nillable && !f.defaultedOnCreate).map((f) => ({ name: f.name, label: f.label })),
    externalIds: d.fields.filter((f) => f.externalId).map((f) => f.name),
  };
  await ctx.store.set('describe:Case', schema);
  return schema;
}

function checkRequired(schema: CaseSchema, fields: Record<string, string>, unmapped: UnmappedValue[], extField: string, later: string[] = []) {
  if (!schema.externalIds.includes(extField)) {
    throw new SyncFailure(`the Case object has no External ID field ${extField}: create it in Salesforce (Text, External ID, Unique) or change the connection's Case external id field`, { external_id_field: extField });
  }
  const missing = schema.required.filter((f) => f.name !== extField && !later.includes(f.name) && !fields[f.name]);
  if (missing.length === 0) return;
  const why = missing.map((f) => {
    const u = unmapped.find((x) => x.caseField === f.name);
    return u ? `${f.label} (${f.name}: ticket ${u.ticketField} "${u.value}" has no entry in ${u.map})` : `${f.label} (${f.name})`;
  });
  throw new SyncFailure(`required Case field${missing.length > 1 ? 's' : ''} ${why.join(', ')} ${missing.length > 1 ? 'have' : 'has'} no value: map ${missing.length > 1 ? 'them' : 'it'} in the connection's settings (caseFieldDefaults)`, {
    missing_fields: missing.map((f) => f.name),
  });
}

async function firstId(sf: SalesforceClient, soql: string, what: string): Promise<string | undefined> {
  return (await sf.json('/query', { query: { q: soql }, what }, idRecords)).records[0]?.Id;
}

/** The Account of the ticket's organization, by name; created or defaulted when there is none. */
async function accountFor(ctx: SalesforceContext, sf: SalesforceClient, ticket: TicketSnapshot) {
  const org = ticket.organization_id ? await ctx.data.organizations.get(ticket.organization_id) : null;
  if (!org) return { id: ctx.settings.defaultAccountId, created: false };
  const found = await firstId(sf, `SELECT Id FROM Account WHERE Name = ${soqlString(org.name)} ORDER BY CreatedDate ASC LIMIT 1`, `finding the Account "${org.name}"`);
  if (found) return { id: found, created: false };
  if (!ctx.settings.createMissingAccounts) return { id: ctx.settings.defaultAccountId, created: false };
  const res = await sf.json('/sobjects/Account', { method: 'POST', json: { Name: org.name }, what: `creating the Account "${org.name}"` }, created);
  return { id: res.id, created: true };
}

/** The requester's Contact: the linked one, else by email; created or defaulted when there is none. */
async function contactFor(ctx: SalesforceContext, sf: SalesforceClient, ticket: TicketSnapshot, accountId: string | undefined) {
  const linked = await ctx.store.get<string>(contactOfUserKey(ticket.requester_id));
  if (linked) return { id: linked, created: false };
  const user = await ctx.data.users.get(ticket.requester_id);
  if (!user?.email) return { id: ctx.settings.defaultContactId, created: false };
  const found = await firstId(sf, `SELECT Id FROM Contact WHERE Email = ${soqlString(user.email)} ORDER BY CreatedDate ASC LIMIT 1`, `finding the Contact ${user.email}`);
  if (found) return { id: found, created: false };
  if (!ctx.settings.createMissingContacts) return { id: ctx.settings.defaultContactId, created: false };
  const body = { ...splitName(user.name), Email: user.email, ...(user.phone ? { Phone: user.phone } : {}), ...(accountId ? { AccountId: accountId } : {}) };
  const res = await sf.json('/sobjects/Contact', { method: 'POST', json: body, what: `creating the Contact ${user.email}` }, created);
  return { id: res.id, created: true };
}

/** Syncs one ticket; writes exactly one outcome row (synced, skipped or failed). */
export async function syncTicket(ctx: SalesforceContext, ticket: TicketSnapshot): Promise<void> {
  const base = { ticket_id: ticket.id };
  if (!ctx.settings.syncTickets) {
    ctx.log.debug(`Ticket #${ticket.id} not sent to Salesforce: ticket sync is turned off for "${ctx.installation.name}"`, base);
    return;
  }
  if (ticket.status === 'closed') {
    ctx.log.info(`Ticket #${ticket.id} is closed: not synced to Salesforce`, { ...base, status: ticket.status });
    return;
  }
  const sf = createSalesforceClient(ctx);
  const extField = ctx.settings.caseExternalIdField;
  try {
    const { fields, unmapped } = caseFields(ticket, ctx.settings);
    const schema = await caseSchema(ctx, sf);
    // Checked before anything is written; the Account and Contact once they are resolved.
    checkRequired(schema, fields, unmapped, extField, ['AccountId', 'ContactId']);
    const account = await accountFor(ctx, sf, ticket);
    const contact = await contactFor(ctx, sf, ticket, account.id);
    const body = { ...fields, ...(account.id ? { AccountId: account.id } : {}), ...(contact.id ? { ContactId: contact.id } : {}) };
    checkRequired(schema, body, unmapped, extField);
    const path = `/sobjects/Case/${extField}/${ticket.id}`;
    const res = await sf.json(path, { method: 'PATCH', json: body, what: `upserting the Case of ticket #${ticket.id}` }, upsertAnswer);
    // API versions before 46.0 answer an update with 204 and no body: read the id back.
    const caseId = res.id ?? (await sf.json(path, { query: { fields: 'Id' }, what: `reading the Case of ticket #${ticket.id}` }, z.object({ Id: z.string() }))).Id;
    await ctx.store.set(`case-of-ticket:${ticket.id}`, caseId);
    ctx.log.info(`Ticket #${ticket.id} synced to Salesforce case ${caseId}`, {
      ...base, case_id: caseId, created: res.created ?? false, external_id_field: extField,
      contact_id: contact.id ?? null, contact_created: contact.created, account_id: account.id ?? null, account_created: account.created,
      fields: Object.keys(body), unmapped_values: unmapped,
    });
  } catch (err) {
    if (err instanceof SyncFailure) {
      ctx.log.error(`Ticket #${ticket.id} not synced to Salesforce: ${err.message}`, { ...base, ...err.details });
      return;
    }
    if (err instanceof SalesforceError) {
      ctx.log.error(`Ticket #${ticket.id} not synced to Salesforce: ${err.message}`, { ...base, error: { status: err.status, code: err.code, errors: err.errors } });
      return;
    }
    throw err;
  }
}
