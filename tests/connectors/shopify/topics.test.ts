import { describe, expect, it } from 'vitest';
import { parseJson } from '../../../runner/connectors/shopify/payloads.ts';
import { TOPICS, formatMoney } from '../../../runner/connectors/shopify/topics.ts';

const customer = { id: 7_000_000_001, email: 'sam@shopper.test', first_name: 'Sam', last_name: 'Shopper', updated_at: '2026-03-01T09:00:00-05:00', created_at: '2026-02-01T09:00:00-05:00' };
const order = {
  id: 5_765_093_687_342, name: '#1001', order_number: 1001, email: 'sam@shopper.test', total_price: '59.00', currency: 'USD',
  financial_status: 'paid', fulfillment_status: null, cancel_reason: 'customer', cancelled_at: '2026-03-02T10:00:00Z',
  created_at: '2026-03-01T10:00:00Z', updated_at: '2026-03-01T11:00:00Z', customer, line_items: [{ title: 'Mug', quantity: 2, price: '29.50' }],
};
/** As the connector reads a delivery: the raw body, then the topic's schema. */
const readRaw = (topic: string, body: string) => TOPICS[topic]!.read(TOPICS[topic]!.schema.parse(parseJson(body)) as never);
const read = (topic: string, payload: unknown) => readRaw(topic, JSON.stringify(payload));

describe('Shopify topics → customer events', () => {
  it.each([
    ['customers/create', customer, 'customer_created', 'Customer Sam Shopper created in Shopify', '2026-02-01T09:00:00-05:00'],
    ['customers/update', customer, 'customer_updated', 'Customer Sam Shopper updated in Shopify', '2026-03-01T09:00:00-05:00'],
    ['orders/create', order, 'order_created', 'Order #1001 placed for $59.00', '2026-03-01T10:00:00Z'],
    ['orders/updated', order, 'order_updated', 'Order #1001 updated (paid, unfulfilled)', '2026-03-01T11:00:00Z'],
    ['orders/paid', order, 'order_paid', 'Order #1001 paid ($59.00)', '2026-03-01T11:00:00Z'],
    ['orders/cancelled', order, 'order_cancelled', 'Order #1001 cancelled (reason: customer)', '2026-03-02T10:00:00Z'],
    ['fulfillments/update', { id: 1, order_id: order.id, name: '#1001.1', email: 'sam@shopper.test', shipment_status: 'delivered', created_at: '2026-03-03T10:00:00Z', updated_at: '2026-03-04T10:00:00Z' },
      'fulfillment_updated', 'Fulfillment #1001.1 updated: delivered', '2026-03-04T10:00:00Z'],
    ['checkouts/create', { id: 9, email: null, total_price: '12.00', currency: 'EUR', created_at: '2026-03-01T10:00:00Z', customer, line_items: [{ title: 'Mug', quantity: 1 }] },
      'checkout_created', 'Checkout started for €12.00 (1 item)', '2026-03-01T10:00:00Z'],
  ])('%s → %s', (topic, payload, type, description, createdAt) => {
    const h = read(topic, payload);
    expect(h).toMatchObject({ type, description, createdAt, email: 'sam@shopper.test' });
  });

  it('keeps 64-bit Shopify ids as strings and formats amounts in their currency', () => {
    expect(read('orders/create', order).ids).toEqual({ order_id: '5765093687342', order_name: '#1001' });
    const big = JSON.stringify({ ...order, id: 0, customer: { ...customer, id: 0 } }).replace('"id":0', '"id": 820982911946154508').replace('"id":0', '"id":115310627314723954');
    expect(readRaw('orders/create', big)).toMatchObject({ ids: { order_id: '820982911946154508' }, customer: { id: '115310627314723954' } });
    expect(formatMoney('1234.5', 'JPY')).toBe('¥1,235');
    expect(formatMoney('3', 'XYZ1')).toBe('3 XYZ1');
  });
});
