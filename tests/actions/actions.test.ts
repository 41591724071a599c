import { sql } from 'drizzle-orm';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWorld, type World } from '../helpers/world.ts';
import { ORDER_API, orderApiMock } from '../mocks/order-api.ts';
import { logsOf } from './logs.ts';

const API_KEY = 'orders-key-actions-5d41402a';
const orders = orderApiMock({ apiKey: API_KEY, slowMs: 1500 });
const server = setupServer(...orders.handlers);

let world: World;
beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'error' });
  world = await createWorld();
  const res = await world.call('POST', '/api/v2/integrations/http_connections', {
    body: { connection: { name: 'orders', type: 'api_key', header_name: 'X-Api-Key', api_key: API_KEY, allowed_domain: 'example.test' } },
  });
  expect(res.status).toBe(201);
});
afterAll(async () => { server.close(); await world.close(); });
beforeEach(async () => {
  orders.state.requests.length = 0;
  orders.state.returns.length = 0;
  await world.db.execute(sql`delete from action_flows`);
  await world.db.execute(sql`delete from custom_actions`);
  await world.db.execute(sql`delete from integration_logs`);
});

const getOrder = {
  name: 'Get order', description: 'Looks an order up by its number', method: 'GET', url: `${ORDER_API}/v1/orders/{{order_id}}`, connection: 'orders',
  inputs: [{ name: 'order_id', type: 'string', required: true, description: 'The order number' }],
  outputs: [{ name: 'order_status', path: '$.order.status' }, { name: 'customer_email', path: '$.order.email' }],
};
const openReturn = {
  name: 'Open return', method: 'POST', url: `${ORDER_API}/v1/returns`, connection: 'orders', body: { order_id: '{{order_id}}', reason: '{{reason}}' },
  inputs: [{ name: 'order_id', type: 'string', required: true }, { name: 'reason', type: 'string', required: false }],
  outputs: [{ name: 'return_id', path: '$.return.id' }, { name: 'label_url', path: '$.return.label_url' }],
};
async function create(path: string, envelope: string, body: Record<string, unknown>) {
  const res = await world.call('POST', path, { body: { [envelope]: body } });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json[envelope] as { id: number };
}
const createAction = (body: Record<string, unknown>) => create('/api/v2/actions', 'action', body);
const createFlow = (body: Record<string, unknown>) => create('/api/v2/action_flows', 'action_flow', body);

describe('custom actions', () => {
  it('stores an action with its inputs and outputs, and refuses a bad declaration naming the field', async () => {
    const action = await createAction(getOrder);
    const read = await world.call('GET', `/api/v2/actions/${action.id}`);
    expect(read.json.action).toMatchObject({ name: 'Get order', inputs: [{ name: 'order_id', type: 'string', required: true }], outputs: getOrder.outputs, timeout_ms: 10_000 });
    const bad = await world.call('POST', '/api/v2/actions', { body: { action: { ...getOrder, name: 'Other', inputs: [{ name: 'order_id', type: 'uuid' }] } } });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.json.details)).toEqual(['inputs.0.type']);
  });

  it('test run: refuses inputs that do not match the declaration, with 422 naming each input', async () => {
    const action = await createAction({ ...getOrder, inputs: [...getOrder.inputs, { name: 'channel', type: 'string', enum: ['chat', 'email'] }, { name: 'count', type: 'integer' }] });
    const missing = await world.call('POST', `/api/v2/actions/${action.id}/test`, { body: { inputs: {} } });
    expect(missing.status).toBe(422);
    expect(missing.json.details).toEqual({ 'inputs.order_id': [{ description: 'is required (The order number)' }] });
    const wrong = await world.call('POST', `/api/v2/actions/${action.id}/test`, { body: { inputs: { order_id: 1001, channel: 'fax', count: 1.5, colour: 'red' } } });
    expect(wrong.status).toBe(422);
    expect(wrong.json.details).toEqual({
      'inputs.order_id': [{ description: 'must be a string' }],
      'inputs.channel': [{ description: 'must be one of chat, email' }],
      'inputs.count': [{ description: 'must be a whole number' }],
      'inputs.colour': [{ description: 'is not an input (declared: order_id, channel, count)' }],
    });
    expect(orders.state.requests).toHaveLength(0);
  });

  it('test run: calls the API and answers the outputs; the log says it was a test run', async () => {
    const action = await createAction(getOrder);
    const res = await world.call('POST', `/api/v2/actions/${action.id}/test`, { body: { inputs: { order_id: '1001' } } });
    expect(res.status).toBe(200);
    expect(res.json.test_run).toMatchObject({ action_id: action.id, status: 'success', outputs: { order_status: 'shipped', customer_email: 'erin@customer.example' }, error: null });
    const info = (await logsOf(world, 'Actions')).find((r) => r.status === 'info')!;
    expect(info.description).toMatch(/^Test run of action "Get order": GET https:\/\/orders\.example\.test\/v1\/orders\/1001 → 200 in \d+ ms; saved order_status, customer_email$/);
  });

  it('a run on a ticket logs under that ticket; a failing run logs an error with the status', async () => {
    const ticket = await world.call('POST', '/api/v2/tickets', { body: { ticket: { subject: 'Where is my order?', comment: { body: 'Order 9999' } } } });
    const ticketId = ticket.json.ticket.id as number;
    const action = await createAction(getOrder);
    const res = await world.call('POST', `/api/v2/actions/${action.id}/run`, { body: { inputs: { order_id: '9999' }, ticket_id: ticketId } });
    expect(res.json.run).toMatchObject({ status: 'failure', ticket_id: ticketId, error: { code: 'HTTP404' } });
    const q = new URLSearchParams({ ticket_id: String(ticketId), start_time: '2000-01-01T00:00:00Z', end_time: '2100-01-01T00:00:00Z' });
    const rows = (await world.call('GET', `/api/v2/integrations/logs?${q}`)).json.logs as { status: string; description: string; product: string }[];
    expect(rows.find((r) => r.status === 'error')).toMatchObject({ product: 'Actions', description: expect.stringMatching(/^Action "Get order": GET https:\/\/orders\.example\.test\/v1\/orders\/9999 answered 404/) });
    const unknown = await world.call('POST', `/api/v2/actions/${action.id}/run`, { body: { inputs: { order_id: '1' }, ticket_id: 987654 } });
    expect(unknown.status).toBe(422);
    expect(Object.keys(unknown.json.details)).toEqual(['ticket_id']);
  });
});

describe('action flows', () => {
  it('chains actions: each step\'s outputs are variables for the next', async () => {
    const lookup = await createAction(getOrder);
    const ret = await createAction(openReturn);
    const flow = await createFlow({
      name: 'Return an order', inputs: [{ name: 'order_id', type: 'string', required: true }],
      steps: [{ action_id: lookup.id }, { action_id: ret.id, inputs: { order_id: '{{order_id}}', reason: 'Customer {{customer_email}} asked; order was {{order_status}}' } }],
    });
    const res = await world.call('POST', `/api/v2/action_flows/${flow.id}/test`, { body: { inputs: { order_id: '1002' } } });
    expect(res.status).toBe(200);
    expect(res.json.test_run).toMatchObject({
      action_flow_id: flow.id, status: 'success', error: null,
      variables: { order_id: '1002', order_status: 'delivered', customer_email: 'sam@customer.example', return_id: 'RMA-1001', label_url: `${ORDER_API}/labels/RMA-1001.pdf` },
      steps: [
        { position: 1, action_name: 'Get order', status: 'success', inputs: { order_id: '1002' } },
        { position: 2, action_name: 'Open return', status: 'success', inputs: { order_id: '1002', reason: 'Customer sam@customer.example asked; order was delivered' } },
      ],
    });
    expect(orders.state.returns).toEqual([expect.objectContaining({ order_id: '1002', reason: 'Customer sam@customer.example asked; order was delivered' })]);
    const rows = await logsOf(world, 'Actions');
    expect(rows.filter((r) => r.status === 'info').map((r) => r.description)).toEqual([
      expect.stringMatching(/^Test run of action flow "Return an order" step 1, action "Get order": GET .* → 200/),
      expect.stringMatching(/^Test run of action flow "Return an order" step 2, action "Open return": POST .* → 201/),
      'Test run of action flow "Return an order" succeeded: 2 step(s); variables order_id, order_status, customer_email, return_id, label_url',
    ]);
    expect(JSON.stringify(rows)).not.toContain(API_KEY);
  });

  it('stops at the failing step and says which', async () => {
    const lookup = await createAction(getOrder);
    const ret = await createAction(openReturn);
    const flow = await createFlow({ name: 'Return', inputs: [{ name: 'order_id', type: 'string', required: true }], steps: [{ action_id: lookup.id }, { action_id: ret.id }] });
    const res = await world.call('POST', `/api/v2/action_flows/${flow.id}/run`, { body: { inputs: { order_id: '1003' } } });
    expect(res.json.run).toMatchObject({ status: 'failure', error: { step: 2, code: 'HTTP409' }, steps: [{ status: 'success' }, { status: 'failure', response: { status: 409 } }] });
    const errors = (await logsOf(world, 'Actions')).filter((r) => r.status === 'error').map((r) => r.description);
    expect(errors).toEqual([
      expect.stringMatching(/^Action flow "Return" step 2, action "Open return": POST https:\/\/orders\.example\.test\/v1\/returns answered 409: .*cannot be returned yet/),
      'Action flow "Return" failed at step 2 (action "Open return"): POST https://orders.example.test/v1/returns answered 409',
    ]);
  });

  it('refuses steps naming unknown actions or undeclared inputs, and an action in use cannot be deleted', async () => {
    const lookup = await createAction(getOrder);
    const bad = await world.call('POST', '/api/v2/action_flows', { body: { action_flow: { name: 'Bad', steps: [{ action_id: lookup.id, inputs: { order: '1' } }, { action_id: 424242 }] } } });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.json.details)).toEqual(['steps.0.inputs.order', 'steps.1.action_id']);
    const flow = await createFlow({ name: 'Lookup', steps: [{ action_id: lookup.id, inputs: { order_id: '{{order_id}}' } }] });
    const del = await world.call('DELETE', `/api/v2/actions/${lookup.id}`);
    expect(del.status).toBe(409);
    expect(del.json.description).toContain('"Lookup"');
    expect((await world.call('DELETE', `/api/v2/action_flows/${flow.id}`)).status).toBe(204);
    expect((await world.call('DELETE', `/api/v2/actions/${lookup.id}`)).status).toBe(204);
  });

  it('a step whose templated inputs miss a required one fails the flow without calling the API', async () => {
    const lookup = await createAction(getOrder);
    const flow = await createFlow({ name: 'Lookup', steps: [{ action_id: lookup.id, inputs: { order_id: '{{order_number}}' } }] });
    const res = await world.call('POST', `/api/v2/action_flows/${flow.id}/test`, { body: { inputs: {} } });
    expect(res.json.test_run).toMatchObject({ status: 'failure', error: { step: 1, code: 'InvalidInputs', message: 'inputs.order_id is required (The order number)' } });
    expect(orders.state.requests).toHaveLength(0);
  });
});
