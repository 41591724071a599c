import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { defineConnector, type WebhookRequest } from '../../sdk/index.ts';
import { deliver, receiveWebhook, reply } from './handlers.ts';
import { parseJson } from './payload.ts';

const settings = z.object({
  appId: z.string().trim().min(1).max(100).meta({ title: 'App ID' }).describe('Sunshine Conversations › Settings › App ID'),
  keyId: z.string().trim().min(1).max(100).meta({ title: 'Key ID' }).describe('The id of an app-scoped API key (app_…)'),
  apiBaseUrl: z.string().url().default('https://api.smooch.io').meta({ title: 'API base URL' }).describe('https://api.smooch.io, or https://api.eu-1.smooch.io for EU apps'),
  webhookTargets: z.array(z.string().url().regex(/^https?:\/\//i, 'must be an http or https URL').max(2000)).max(10).default([]).meta({ title: 'Webhook targets' })
    .describe('Each conversation event is POSTed to every URL here; a JSON answer {"reply": "…"} is posted back to the customer'),
  targetTimeoutSeconds: z.number().int().min(1).max(60).default(10).meta({ title: 'Target timeout (seconds)' }),
  replyFromTargets: z.boolean().default(true).meta({ title: 'Post replies from targets' }).describe('Post a target\'s {"reply": …} in the conversation as the business'),
});

const credentials = z.object({
  keySecret: z.string().min(1).meta({ title: 'Key secret' }).describe('The secret of the API key above'),
  webhookSecret: z.string().min(1).meta({ title: 'Webhook secret' }).describe('Sunshine sends it in the X-API-Key header of every webhook'),
});

const sameSecret = (given: string | undefined, expected: string) => {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/** A redelivery carries the same event ids, so they make the delivery's key. */
function eventIds(req: WebhookRequest): string | undefined {
  const events = (parseJson(req.body) as { events?: { id?: unknown }[] } | undefined)?.events;
  const ids = Array.isArray(events) ? events.map((e) => e?.id).filter((id): id is string => typeof id === 'string') : [];
  return ids.length ? ids.join(',').slice(0, 500) : undefined;
}

export default defineConnector({
  id: 'sunshine',
  product: 'Messaging',
  displayName: 'Sunshine Conversations',
  description: 'Receives Sunshine Conversations events at /webhooks/sunshine/{app id}, forwards them to your webhook targets and posts their replies in the conversation.',
  settings,
  credentials,
  concurrency: 4,
  webhookKey: (s) => s.appId,
  webhooks: {
    inbound: {
      // Sunshine v2 authenticates its webhooks with the integration's shared secret in X-API-Key.
      verify: (req, { credentials: c }) => sameSecret(req.headers['x-api-key'], c.webhookSecret),
      // SPEC R8 / issue #7: a bad signature is a messaging failure, logged as an error.
      refusedStatus: 'error',
      dedupeKey: eventIds,
      handle: receiveWebhook,
    },
  },
  jobs: { deliver, reply },
});
