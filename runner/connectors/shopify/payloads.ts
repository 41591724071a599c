import { z } from 'zod';

/**
 * The parts of Shopify's webhook payloads (Admin API 2024-10) this connector reads. Shopify adds
 * fields over time, so objects stay open (`looseObject`). Ids are 64-bit integers in the JSON;
 * they are kept as strings, as Shopify's own `admin_graphql_api_id` does.
 * https://shopify.dev/docs/api/webhooks?reference=toml
 */
/** Names what is wrong in the error row: a missing field, else `otherwise`. */
const says = (otherwise: string) => ({ error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is missing' : otherwise) });
const shopifyId = z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,20}$/, 'must be a numeric id')], says('must be a numeric id')).transform(String);
const email = z.email(says('must be an email address')).max(254);
const money = z.union([z.string().regex(/^-?\d+(\.\d+)?$/, 'must be an amount like "59.00"'), z.number()], says('must be an amount like "59.00"')).transform(String);
const time = z.iso.datetime({ offset: true, ...says('must be an ISO-8601 date-time') });
const currency = z.string(says('must be a 3-letter currency code')).length(3, 'must be a 3-letter currency code');
const optional = <T extends z.ZodType>(t: T) => t.nullish().transform((v) => v ?? undefined);

export const customer = z.looseObject({
  id: shopifyId,
  email: optional(email),
  first_name: optional(z.string()),
  last_name: optional(z.string()),
  phone: optional(z.string()),
  state: optional(z.string()),
  tags: optional(z.string()),
  orders_count: optional(z.number()),
  total_spent: optional(money),
  currency: optional(z.string()),
  created_at: optional(time),
  updated_at: optional(time),
});
export type ShopifyCustomer = z.infer<typeof customer>;

const lineItem = z.looseObject({ title: z.string(), quantity: z.number().int(), price: optional(money) });

export const order = z.looseObject({
  id: shopifyId,
  name: z.string(says('must be the order name, like #1001')).min(1),
  order_number: optional(z.number().int()),
  email: optional(email),
  total_price: money,
  currency,
  financial_status: optional(z.string()),
  fulfillment_status: optional(z.string()),
  cancel_reason: optional(z.string()),
  cancelled_at: optional(time),
  created_at: time,
  updated_at: optional(time),
  customer: optional(customer),
  line_items: z.array(lineItem).default([]),
});
export type ShopifyOrder = z.infer<typeof order>;

export const fulfillment = z.looseObject({
  id: shopifyId,
  order_id: shopifyId,
  name: optional(z.string()),
  email: optional(email),
  status: optional(z.string()),
  shipment_status: optional(z.string()),
  tracking_company: optional(z.string()),
  tracking_number: optional(z.string()),
  tracking_url: optional(z.string()),
  created_at: time,
  updated_at: optional(time),
});
export type ShopifyFulfillment = z.infer<typeof fulfillment>;

export const checkout = z.looseObject({
  id: shopifyId,
  token: optional(z.string()),
  email: optional(email),
  total_price: money,
  currency,
  abandoned_checkout_url: optional(z.string()),
  created_at: time,
  updated_at: optional(time),
  customer: optional(customer),
  line_items: z.array(lineItem).default([]),
});
export type ShopifyCheckout = z.infer<typeof checkout>;

/**
 * The body as JSON, or undefined when it is not JSON (reported as a malformed payload). Shopify ids
 * may exceed 2^53 (its own samples use 820982911946154508), which JSON.parse would round: `id` and
 * `…_id` fields of 16 digits or more are read as strings, so they stay exact.
 */
export function parseJson(body: string): unknown {
  try { return JSON.parse(body.replace(/("(?:id|[a-z_]+_id)"\s*:\s*)(\d{16,})(?=\s*[,}\]])/g, '$1"$2"')); } catch { return undefined; }
}

export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(body)'} ${i.message}`).join('; ');
}
