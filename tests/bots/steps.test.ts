import { sql } from 'drizzle-orm';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { logsOf } from '../actions/logs.ts';
import { createWorld, type World } from '../helpers/world.ts';
import { ORDER_API, orderApiMock } from '../mocks/order-api.ts';

const API_KEY = 'orders-key-3f9a1c77d2';
const orders = orderApiMock({ apiKey: API_KEY, slowMs: 1500 });
const server = setupServer(...orders.handlers);

let world: World;
beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'error' });
  world = await createWorld();
  const res = await world.call('POST', '/api/v2/integrations/http_connections', {
    body: { connection: { name: 'orders', type: 'api_key', header_name: 'X-Api-Key', api_key: API_KEY, allowed_domain: 'orders.example.test' } },
  });
  expect(res.status).toBe(201);
});
afterAll(async () => { server.close(); await world.close(); });
beforeEach(async () => {
  server.resetHandlers();
  orders.state.requests.length = 0;
  await world.db.execute(sql`delete from bot_steps`);
  await world.db.execute(sql`delete from integration_logs`);
});

const orderStatus = {
  name: 'Order status', method: 'GET', url: `${ORDER_API}/v1/orders/{{order_id}}`, connection: 'orders',
  save_variables: [{ name: 'order_status', path: '$.order.status' }, { name: 'eta', path: '$.order.eta' }, { name: 'first_item', path: '$.order.items[0].name' }],
};
async function createStep(step: Record<string, unknown> = orderStatus) {
  const res = await world.call('POST', '/api/v2/bots/steps', { body: { step } });
  expect(res.status).toBe(201);
  return res.json.step as { id: number };
}
const invoke = (id: number, variables: Record<string, unknown>) => world.call('POST', `/api/v2/bots/steps/${id}/invoke`, { body: { variables } });

describe('bot API call steps — admin API', () => {
  it('creates, lists, reads, changes and deletes a step; the timeout defaults to 10 s', async () => {
    const step = await createStep();
    expect(step).toMatchObject({ name: 'Order status', method: 'GET', headers: {}, body: null, connection: 'orders', timeout_ms: 10_000 });
    expect((await world.call('GET', '/api/v2/bots/steps')).json.steps.map((s: { id: number }) => s.id)).toEqual([step.id]);
    const changed = await world.call('PUT', `/api/v2/bots/steps/${step.id}`, { body: { step: { timeout_ms: 2000 } } });
    expect(changed.json.step).toMatchObject({ name: 'Order status', timeout_ms: 2000, url: orderStatus.url });
    expect((await world.call('DELETE', `/api/v2/bots/steps/${step.id}`)).status).toBe(204);
    expect((await world.call('GET', `/api/v2/bots/steps/${step.id}`)).status).toBe(404);
  });

  it('refuses invalid steps with 422 naming the field', async () => {
    const bad = async (step: Record<string, unknown>) => {
      const res = await world.call('POST', '/api/v2/bots/steps', { body: { step } });
      expect(res.status).toBe(422);
      return Object.keys(res.json.details);
    };
    expect(await bad({ name: 'No URL', method: 'GET' })).toEqual(['url']);
    expect(await bad({ ...orderStatus, url: 'ftp://orders.example.test/x' })).toEqual(['url']);
    expect(await bad({ ...orderStatus, method: 'FETCH' })).toEqual(['method']);
    expect(await bad({ ...orderStatus, save_variables: [{ name: 'ok', path: 'not a path!' }] })).toEqual(['save_variables.0.path']);
    expect(await bad({ ...orderStatus, save_variables: [{ name: '1st', path: '$.a' }] })).toEqual(['save_variables.0.name']);
    expect(await bad({ ...orderStatus, timeout_ms: 120_000 })).toEqual(['timeout_ms']);
    expect(await bad({ ...orderStatus, connection: 'nope' })).toEqual(['connection']);
    // The connection may only call orders.example.test: a step written to call elsewhere is refused when saved.
    expect(await bad({ ...orderStatus, url: 'https://attacker.example.com/collect?o={{order_id}}' })).toEqual(['url']);
    await createStep();
    expect(await bad(orderStatus)).toEqual(['name']);
  });

  it('is for admins only', async () => {
    const res = await world.call('GET', '/api/v2/bots/steps', { as: world.acme.agent });
    expect(res.status).toBe(403);
  });
});

describe('POST /api/v2/bots/steps/{id}/invoke', () => {
  it('calls the API with the connection and the variables, returns the saved variables and logs an info row', async () => {
    const step = await createStep();
    const res = await invoke(step.id, { order_id: '1001', visitor: 'Erin' });
    expect(res.status).toBe(200);
    expect(res.json.invocation).toMatchObject({
      step_id: step.id, status: 'success', variables: { order_status: 'shipped', eta: '2026-03-05', first_item: 'Enamel mug' }, missing_variables: [],
      response: { status: 200 }, error: null,
    });
    expect(orders.state.requests).toEqual([expect.objectContaining({ method: 'GET', path: '/v1/orders/1001', apiKey: API_KEY })]);

    const rows = await logsOf(world, 'Bot builder');
    const info = rows.find((r) => r.status === 'info')!;
    expect(info.description).toMatch(/^Bot step "Order status": GET https:\/\/orders\.example\.test\/v1\/orders\/1001 → 200 in \d+ ms; saved order_status, eta, first_item$/);
    expect(rows.some((r) => r.status === 'debug' && r.description.startsWith('GET https://orders.example.test/v1/orders/1001 → 200'))).toBe(true);
    expect(JSON.stringify(rows)).not.toContain(API_KEY);
    expect(JSON.stringify(res.json)).not.toContain(API_KEY);
  });

  it('fills placeholders in headers and body, keeping a whole-placeholder value\'s type', async () => {
    const step = await createStep({
      name: 'Open return', method: 'POST', url: `${ORDER_API}/v1/returns`, connection: 'orders',
      headers: { 'X-Conversation': 'conv-{{conversation_id}}' }, body: { order_id: '{{order_id}}', reason: 'Bot: {{reason}}', quantity: '{{qty}}' },
      save_variables: [{ name: 'return_id', path: '$.return.id' }, { name: 'label', path: 'return.label_url' }],
    });
    const res = await invoke(step.id, { order_id: '1002', reason: 'too small', qty: 2, conversation_id: 'c9' });
    expect(res.json.invocation).toMatchObject({ status: 'success', variables: { return_id: 'RMA-1001', label: `${ORDER_API}/labels/RMA-1001.pdf` } });
    expect(orders.state.requests.at(-1)!.body).toEqual({ order_id: '1002', reason: 'Bot: too small', quantity: 2 });
  });

  it('answers a non-2xx as a failure and logs an error with the status and a body excerpt', async () => {
    const step = await createStep();
    const res = await invoke(step.id, { order_id: '9999' });
    expect(res.status).toBe(200);
    expect(res.json.invocation).toMatchObject({ status: 'failure', variables: {}, response: { status: 404 }, error: { code: 'HTTP404' } });
    const error = (await logsOf(world, 'Bot builder')).find((r) => r.status === 'error')!;
    expect(error.description).toBe('Bot step "Order status": GET https://orders.example.test/v1/orders/9999 answered 404: {"error":"not_found","message":"Order 9999 not found"}');
    expect(error.details).toMatchObject({ response: { status: 404, body_excerpt: '{"error":"not_found","message":"Order 9999 not found"}' } });
  });

  it('logs a warning when the API does not answer within the step\'s timeout', async () => {
    const step = await createStep({ ...orderStatus, timeout_ms: 300 });
    const res = await invoke(step.id, { order_id: 'slow-1004' });
    expect(res.json.invocation).toMatchObject({ status: 'failure', error: { code: 'Timeout' } });
    const rows = await logsOf(world, 'Bot builder');
    expect(rows.filter((r) => r.status === 'warning').map((r) => r.description)).toEqual([
      'Bot step "Order status": GET https://orders.example.test/v1/orders/slow-1004 timed out after 300 ms',
    ]);
    expect(rows.some((r) => r.status === 'error')).toBe(false);
  });

  it('refuses to call a URL outside the connection\'s allowed domain, sending nothing', async () => {
    const step = await createStep({ ...orderStatus, url: 'https://{{host}}/v1/orders/{{order_id}}' });
    const res = await invoke(step.id, { host: 'attacker.example.com', order_id: '1001' });
    expect(res.json.invocation).toMatchObject({ status: 'failure', error: { code: 'DomainNotAllowed' } });
    expect(orders.state.requests).toHaveLength(0);
    const error = (await logsOf(world, 'Bot builder')).find((r) => r.status === 'error')!;
    expect(error.description).toMatch(/^Bot step "Order status" refused: Refused to call https:\/\/attacker\.example\.com\/v1\/orders\/1001: the connection "orders" may only call orders\.example\.test/);
  });

  it('never returns nor logs the connection\'s secret, even when the API echoes it', async () => {
    server.use(http.get(`${ORDER_API}/v1/echo`, ({ request }) => HttpResponse.json({ seen: { key: request.headers.get('x-api-key') } })));
    const step = await createStep({ ...orderStatus, name: 'Echo', url: `${ORDER_API}/v1/echo`, save_variables: [{ name: 'key', path: '$.seen.key' }] });
    const res = await invoke(step.id, {});
    expect(res.json.invocation.status).toBe('success');
    expect(res.json.invocation.variables.key).toBe('[REDACTED]');
    expect(JSON.stringify(res.json)).not.toContain(API_KEY);
    expect(JSON.stringify(await logsOf(world, 'Bot builder'))).not.toContain(API_KEY);
  });

  it('validates the variables: an object is required', async () => {
    const step = await createStep();
    const res = await world.call('POST', `/api/v2/bots/steps/${step.id}/invoke`, { body: { variables: ['1001'] } });
    expect(res.status).toBe(422);
    expect(Object.keys(res.json.details)).toEqual(['variables']);
  });
});
