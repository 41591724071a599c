import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { defineConnector, type WebhookRequest } from '../../sdk/index.ts';
import { receiveWebhook } from './receive.ts';

const MYSHOPIFY = '.myshopify.com';

const toggle = (title: string, topics: string, on: boolean) => z.boolean().default(on).meta({ title }).describe(topics);

const settings = z.object({
  shopDomain: z.string().trim().toLowerCase().max(255)
    .regex(/^[a-zA-Z0-9][a-zA-Z0-9-]*(\.[a-zA-Z0-9-]+)+$/, 'must be a domain such as your-store.myshopify.com')
    .meta({ title: 'Shop domain' })
    .describe('your-store.myshopify.com; Shopify posts to /webhooks/shopify/your-store (the part before .myshopify.com)'),
  customers: toggle('Customer events', 'customers/create, customers/update', true),
  orders: toggle('Order events', 'orders/create, orders/updated, orders/paid, orders/fulfilled, orders/cancelled', true),
  fulfillments: toggle('Fulfillment events', 'fulfillments/create, fulfillments/update', true),
  checkouts: toggle('Checkout events', 'checkouts/create, checkouts/update (abandoned carts)', false),
});

const credentials = z.object({
  appSecret: z.string().min(1).meta({ title: 'App secret' })
    .describe('The client secret of your Shopify app (or the signing secret under Settings › Notifications › Webhooks): Shopify signs each webhook with it'),
});

/** Shopify signs the raw body: base64 HMAC-SHA256 with the app secret in X-Shopify-Hmac-Sha256. */
export function validShopifySignature(req: WebhookRequest, secret: string): boolean {
  const given = req.headers['x-shopify-hmac-sha256'];
  if (!given) return false;
  const expected = createHmac('sha256', secret).update(req.body, 'utf8').digest();
  const actual = Buffer.from(given, 'base64');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export default defineConnector({
  id: 'shopify',
  product: 'Shopify',
  displayName: 'Shopify',
  description: 'Receives your store\'s customer, order, fulfillment and checkout webhooks at /webhooks/shopify/{store} and keeps them as Shopify profiles and events on the matching users.',
  settings,
  credentials,
  concurrency: 4,
  webhookKey: (s) => (s.shopDomain.endsWith(MYSHOPIFY) ? s.shopDomain.slice(0, -MYSHOPIFY.length) : s.shopDomain),
  webhooks: {
    inbound: {
      verify: (req, { credentials: c }) => validShopifySignature(req, c.appSecret),
      // Shopify resends a failed delivery with the same webhook id.
      dedupeKey: (req) => req.headers['x-shopify-webhook-id'],
      handle: receiveWebhook,
    },
  },
});
