import { z } from 'zod';
import type { WebhookDefinition, WebhookRequest } from '../../sdk/index.ts';
import type { SalesforceContext } from './auth.ts';
import { INBOUND_OBJECTS, type InboundObject } from './mapping.ts';
import { syncByIds } from './poll.ts';
import type { Credentials, Settings } from './settings.ts';

/**
 * The inbound endpoint of Salesforce → deskbridge. It takes either
 * - a Salesforce **outbound message** (SOAP XML from a workflow rule or flow: `<notifications>` with
 *   `<OrganizationId>` and one `<Notification><Id/><sObject xsi:type="sf:Contact"><sf:Id/>…` each), or
 * - JSON: a Change Data Capture / platform event (`{data:{event:{replayId}, payload:{ChangeEventHeader:
 *   {entityName, recordIds}}}}`, or the same without `data`), or records in the REST shape
 *   (`{records:[{attributes:{type:"Contact"}, Id}]}` or one such record).
 * Only which records changed is taken from the body; their current fields are read back with SOQL,
 * so a message carrying a few fields (or stale ones) cannot overwrite newer data.
 *
 * Salesforce expects an outbound message to be answered with a SOAP `<Ack>true</Ack>` (else it sends
 * it again for 24 hours): an accepted outbound message gets that answer (200, text/xml) once it is
 * queued. Redeliveries are no-ops anyway: the notification ids are the dedupe key.
 */

const SOAP_ACK = '<?xml version="1.0" encoding="UTF-8"?>'
  + '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>'
  + '<notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack></notificationsResponse>'
  + '</soapenv:Body></soapenv:Envelope>';

export type Change = { object: string; ids: string[] };
type Parsed = { organizationId?: string; deliveryId?: string; changes: Change[] };

const decodeXml = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&').trim();
const tag = (xml: string, name: string) => new RegExp(`<(?:[\\w-]+:)?${name}(?:\\s[^>]*)?>([^<]*)</(?:[\\w-]+:)?${name}>`).exec(xml)?.[1];

function parseOutboundMessage(xml: string): Parsed | null {
  if (!/<(?:[\w-]+:)?notifications[\s>]/.test(xml)) return null;
  const changes = new Map<string, string[]>();
  const notificationIds: string[] = [];
  for (const [, block = ''] of xml.matchAll(/<(?:[\w-]+:)?Notification>([\s\S]*?)<\/(?:[\w-]+:)?Notification>/g)) {
    const head = block.split(/<(?:[\w-]+:)?sObject[\s>]/)[0] ?? '';
    const sobject = /<(?:[\w-]+:)?sObject\s[^>]*type="(?:[\w-]+:)?(\w+)"[^>]*>([\s\S]*?)<\/(?:[\w-]+:)?sObject>/.exec(block);
    const recordId = sobject ? tag(sobject[2]!, 'Id') : undefined;
    if (!sobject || !recordId) continue;
    const nid = tag(head, 'Id');
    if (nid) notificationIds.push(decodeXml(nid));
    changes.set(sobject[1]!, [...(changes.get(sobject[1]!) ?? []), decodeXml(recordId)]);
  }
  if (changes.size === 0) return null;
  const org = tag(xml, 'OrganizationId');
  return {
    ...(org ? { organizationId: decodeXml(org) } : {}),
    ...(notificationIds.length ? { deliveryId: notificationIds.sort().join(',') } : {}),
    changes: [...changes].map(([object, ids]) => ({ object, ids })),
  };
}

const changeEvent = z.object({
  event: z.object({ replayId: z.union([z.number(), z.string()]).optional(), EventUuid: z.string().optional() }).optional(),
  payload: z.object({ ChangeEventHeader: z.object({ entityName: z.string(), recordIds: z.array(z.string()).min(1) }) }),
});
const restRecord = z.object({ attributes: z.object({ type: z.string() }), Id: z.string() });
const jsonBody = z.union([
  z.object({ data: changeEvent }).transform((b) => b.data),
  changeEvent,
  z.object({ records: z.array(restRecord).min(1) }),
  restRecord.transform((r) => ({ records: [r] })),
]);

function parseJson(text: string): Parsed | null {
  let raw: unknown;
  try { raw = JSON.parse(text); } catch { return null; }
  const parsed = jsonBody.safeParse(raw);
  if (!parsed.success) return null;
  const b = parsed.data;
  if ('records' in b) {
    const by = new Map<string, string[]>();
    for (const r of b.records) by.set(r.attributes.type, [...(by.get(r.attributes.type) ?? []), r.Id]);
    return { changes: [...by].map(([object, ids]) => ({ object, ids })) };
  }
  const header = b.payload.ChangeEventHeader;
  // A change event's entity is "Contact" (CDC) or the object name a platform event chose to carry.
  const id = b.event?.EventUuid ?? (b.event?.replayId !== undefined ? String(b.event.replayId) : undefined);
  return { ...(id ? { deliveryId: id } : {}), changes: [{ object: header.entityName.replace(/ChangeEvent$/, ''), ids: header.recordIds }] };
}

export function parseInbound(body: string): Parsed | null {
  return body.trimStart().startsWith('<') ? parseOutboundMessage(body) : parseJson(body);
}

/** Compares without stopping at the first difference. */
function sameSecret(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0);
  return diff === 0;
}

export const inboundWebhook: WebhookDefinition<Settings, Credentials> = {
  acceptedResponse: (req) => (parseOutboundMessage(req.body) ? { status: 200, contentType: 'text/xml; charset=utf-8', body: SOAP_ACK } : undefined),
  verify(req: WebhookRequest, { settings, credentials }) {
    if (credentials?.webhookToken) {
      const given = req.query.token ?? req.headers['x-deskbridge-token'] ?? '';
      if (!sameSecret(given, credentials.webhookToken)) return false;
    }
    const org = settings.organizationId;
    const sent = parseInbound(req.body)?.organizationId;
    // Ids come as 15 or 18 characters; the first 15 are the id.
    return !(org && sent && org.slice(0, 15) !== sent.slice(0, 15));
  },
  dedupeKey: (req) => parseInbound(req.body)?.deliveryId,
  async handle(ctx: SalesforceContext, req: WebhookRequest) {
    const parsed = parseInbound(req.body);
    if (!parsed) {
      ctx.log.error('Salesforce webhook ignored: the body is neither an outbound message nor a change event with record ids', { body_preview: req.body.slice(0, 300) });
      return;
    }
    for (const change of parsed.changes) {
      if (!(INBOUND_OBJECTS as readonly string[]).includes(change.object)) {
        ctx.log.debug(`Salesforce ${change.object} change ignored: only Accounts, Contacts and Leads are synced`, { object: change.object, salesforce_ids: change.ids });
        continue;
      }
      await syncByIds(ctx, change.object as InboundObject, [...new Set(change.ids)]);
    }
  },
};
