import type { z } from 'zod';
import {
  checkout, customer, fulfillment, order,
  type ShopifyCheckout, type ShopifyCustomer, type ShopifyFulfillment, type ShopifyOrder,
} from './payloads.ts';

/** The per-store switches of the settings, one per family of topics. */
export type Toggle = 'customers' | 'orders' | 'fulfillments' | 'checkouts';

/** What one webhook becomes: a customer event on the timeline of the person it is about. */
export type Happening = {
  /** `order_created`, … (Zendesk events API `type`). */
  type: string;
  description: string;
  properties: Record<string, unknown>;
  /** When it happened in Shopify (the delivery's time when the payload does not say). */
  createdAt: string | undefined;
  /** Who it is about: the order's or checkout's email first, else its customer's. */
  email: string | undefined;
  customer: ShopifyCustomer | undefined;
  /** What the log row names ("order #1001"), with the ids for its details. */
  subject: string;
  ids: Record<string, string>;
};

type Topic = { toggle: Toggle; schema: z.ZodType; read(payload: never): Happening };
const topic = <S extends z.ZodType>(toggle: Toggle, schema: S, read: (p: z.infer<S>) => Happening): Topic => ({ toggle, schema, read: read as Topic['read'] });

export function formatMoney(amount: string, currency: string): string {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(Number(amount));
  } catch {
    return `${amount} ${currency}`;
  }
}

export const customerName = (c: Pick<ShopifyCustomer, 'first_name' | 'last_name' | 'email'> | undefined): string | undefined =>
  [c?.first_name, c?.last_name].filter(Boolean).join(' ') || undefined;

const items = (lines: { title: string; quantity: number; price?: string | undefined }[]) =>
  lines.map((l) => ({ title: l.title, quantity: l.quantity, price: l.price ?? null }));

function customerEvent(kind: 'created' | 'updated') {
  return topic('customers', customer, (c) => {
    const who = customerName(c) ?? c.email ?? `#${c.id}`;
    return {
      type: `customer_${kind}`, description: `Customer ${who} ${kind} in Shopify`,
      properties: { customer_id: c.id, state: c.state ?? null, orders_count: c.orders_count ?? null, total_spent: c.total_spent ?? null, tags: c.tags ?? '' },
      createdAt: (kind === 'created' ? c.created_at : c.updated_at) ?? c.updated_at ?? c.created_at,
      email: c.email, customer: c, subject: `customer ${c.id}`, ids: { shopify_customer_id: c.id },
    };
  });
}

function orderEvent(kind: string, describe: (o: ShopifyOrder, total: string) => string, when: (o: ShopifyOrder) => string | undefined) {
  return topic('orders', order, (o) => {
    const total = formatMoney(o.total_price, o.currency);
    return {
      type: `order_${kind}`, description: describe(o, total),
      properties: {
        order_id: o.id, order_name: o.name, order_number: o.order_number ?? null, total_price: o.total_price, currency: o.currency,
        financial_status: o.financial_status ?? null, fulfillment_status: o.fulfillment_status ?? null, line_items: items(o.line_items),
      },
      createdAt: when(o) ?? o.updated_at ?? o.created_at,
      email: o.email ?? o.customer?.email, customer: o.customer, subject: `order ${o.name}`, ids: { order_id: o.id, order_name: o.name },
    };
  });
}

function fulfillmentEvent(kind: 'created' | 'updated') {
  return topic('fulfillments', fulfillment, (f: ShopifyFulfillment) => {
    const label = f.name ? `Fulfillment ${f.name}` : `Fulfillment ${f.id} of order ${f.order_id}`;
    const tracking = [f.tracking_company, f.tracking_number].filter(Boolean).join(' ');
    const state = kind === 'created' ? `created${tracking ? `: ${tracking}` : ''}` : `updated: ${f.shipment_status ?? f.status ?? 'no status'}`;
    return {
      type: `fulfillment_${kind}`, description: `${label} ${state}`,
      properties: {
        fulfillment_id: f.id, order_id: f.order_id, name: f.name ?? null, status: f.status ?? null, shipment_status: f.shipment_status ?? null,
        tracking_company: f.tracking_company ?? null, tracking_number: f.tracking_number ?? null, tracking_url: f.tracking_url ?? null,
      },
      createdAt: (kind === 'created' ? f.created_at : f.updated_at) ?? f.created_at,
      email: f.email, customer: undefined, subject: `fulfillment ${f.name ?? f.id}`, ids: { fulfillment_id: f.id, order_id: f.order_id },
    };
  });
}

function checkoutEvent(kind: 'created' | 'updated') {
  return topic('checkouts', checkout, (c: ShopifyCheckout) => ({
    type: `checkout_${kind}`,
    description: `Checkout ${kind === 'created' ? 'started' : 'updated'} for ${formatMoney(c.total_price, c.currency)} (${c.line_items.length} item${c.line_items.length === 1 ? '' : 's'})`,
    properties: {
      checkout_id: c.id, token: c.token ?? null, total_price: c.total_price, currency: c.currency,
      abandoned_checkout_url: c.abandoned_checkout_url ?? null, line_items: items(c.line_items),
    },
    createdAt: (kind === 'created' ? c.created_at : c.updated_at) ?? c.created_at,
    email: c.email ?? c.customer?.email, customer: c.customer, subject: `checkout ${c.id}`, ids: { checkout_id: c.id },
  }));
}

/** The topics this connector subscribes to, by `X-Shopify-Topic`. */
export const TOPICS: Record<string, Topic> = {
  'customers/create': customerEvent('created'),
  'customers/update': customerEvent('updated'),
  'orders/create': orderEvent('created', (o, total) => `Order ${o.name} placed for ${total}`, (o) => o.created_at),
  'orders/updated': orderEvent('updated', (o) => `Order ${o.name} updated (${o.financial_status ?? 'unknown payment status'}, ${o.fulfillment_status ?? 'unfulfilled'})`, (o) => o.updated_at),
  'orders/paid': orderEvent('paid', (o, total) => `Order ${o.name} paid (${total})`, (o) => o.updated_at),
  'orders/fulfilled': orderEvent('fulfilled', (o) => `Order ${o.name} fulfilled`, (o) => o.updated_at),
  'orders/cancelled': orderEvent('cancelled', (o) => `Order ${o.name} cancelled${o.cancel_reason ? ` (reason: ${o.cancel_reason})` : ''}`, (o) => o.cancelled_at),
  'fulfillments/create': fulfillmentEvent('created'),
  'fulfillments/update': fulfillmentEvent('updated'),
  'checkouts/create': checkoutEvent('created'),
  'checkouts/update': checkoutEvent('updated'),
};
