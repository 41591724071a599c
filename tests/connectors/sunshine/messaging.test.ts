import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import sunshine from '../../../runner/connectors/sunshine/index.ts';
import { createSecretBox } from '../../../runner/core/crypto.ts';
import { describe as lines, logsOf } from '../../actions/logs.ts';
import { closeTestEngines, countRows, createTestEngine } from '../../helpers/runner.ts';
import { createWorld, type World } from '../../helpers/world.ts';
import { sunshineMock } from '../../mocks/sunshine.ts';

const APP = '5698edbf2a43bd081be982f1';
const KEY_SECRET = 'sunshine-key-secret-5f1e2d3c4b5a';
const WEBHOOK_SECRET = 'sunshine-webhook-secret-9a8b7c6d';
const TARGET = 'https://bot.example.test/sunshine';

const smooch = sunshineMock({ apps: [{ id: APP, keyId: 'app_5e55', keySecret: KEY_SECRET, webhookSecret: WEBHOOK_SECRET, conversations: ['conv-1'] }] });
const received: { headers: Headers; body: any }[] = [];
let targetAnswers: (() => Response | Promise<Response>)[] = [];
const server = setupServer(
  ...smooch.handlers,
  http.post(TARGET, async ({ request }) => {
    received.push({ headers: request.headers, body: await request.json() });
    return (targetAnswers.shift() ?? (() => HttpResponse.json({ ok: true })))();
  }),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

const box = createSecretBox(randomBytes(32));
let world: World;
// One database for the file (a world takes seconds to build); each test starts from an empty queue and log.
beforeAll(async () => {
  world = await createWorld({ engine: (database, clock) => createTestEngine(database, clock, { secrets: box, connectors: [sunshine] }).engine });
  const res = await world.call('POST', '/api/v2/integrations/installations', {
    body: {
      installation: {
        connector_id: 'sunshine', name: 'Support messaging',
        settings: { appId: APP, keyId: 'app_5e55', webhookTargets: [TARGET], targetTimeoutSeconds: 1 },
        credentials: { keySecret: KEY_SECRET, webhookSecret: WEBHOOK_SECRET },
      },
    },
  });
  expect(res.status).toBe(201);
});
afterAll(async () => { await closeTestEngines(); await world.close(); });
beforeEach(async () => {
  received.length = 0;
  targetAnswers = [];
  smooch.state.requests.length = 0;
  smooch.state.apps.get(APP)!.conversations.get('conv-1')!.messages.length = 0;
  await world.db.execute(sql`delete from jobs`);
  await world.db.execute(sql`delete from integration_logs`);
});
afterEach(() => server.resetHandlers());

const send = (delivery: { body: string; headers: Record<string, string> }, app = APP) =>
  world.call('POST', `/webhooks/sunshine/${app}`, { as: null, raw: delivery.body, headers: { ...delivery.headers, 'x-deskbridge-account': 'acme' } });

/** Runs what is due, moves the clock past any backoff, and runs again. */
async function settle(rounds = 3) {
  for (let i = 0; i < rounds; i++) {
    await world.engine!.drain();
    world.clock.advance(60 * 60_000);
  }
}

describe('Sunshine Conversations webhooks', () => {
  it('delivers a customer message to the target and posts the target\'s reply in the conversation', async () => {
    targetAnswers.push(() => HttpResponse.json({ reply: { text: 'Thanks, an agent will answer shortly.' } }));
    const delivery = smooch.userMessage(APP, 'conv-1', 'Where is my order #1001?');
    const res = await send(delivery);
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ accepted: true, duplicate: false });
    await settle();

    expect(received).toHaveLength(1);
    expect(received[0]!.body).toMatchObject({
      app: { id: APP }, conversation: { id: 'conv-1', type: 'personal' },
      event: { id: delivery.eventIds[0], type: 'conversation:message', payload: { message: { content: { text: 'Where is my order #1001?' } } } },
    });
    expect(received[0]!.headers.get('x-deskbridge-event')).toBe('conversation:message');
    const messages = smooch.state.apps.get(APP)!.conversations.get('conv-1')!.messages;
    expect(messages.map((m) => `${m.author.type}: ${m.content.text}`)).toEqual(['user: Where is my order #1001?', 'business: Thanks, an agent will answer shortly.']);
    // The connector authenticated as the app's key on every Sunshine call.
    expect(smooch.state.requests.every((r) => r.authorized)).toBe(true);

    const rows = await logsOf(world, 'Messaging');
    expect(rows.filter((r) => r.status === 'error' || r.status === 'warning')).toEqual([]);
    expect(lines(rows)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^debug: Sunshine conversation:message event \S+ in conversation conv-1 queued for 1 target/),
      expect.stringMatching(/^debug: Sunshine conversation:message event \S+ \(conversation conv-1\) delivered to https:\/\/bot\.example\.test\/sunshine \(200/),
      expect.stringMatching(/^debug: Reply from https:\/\/bot\.example\.test\/sunshine posted in Sunshine conversation conv-1 \(message \w+\)/),
    ]));
    const everything = JSON.stringify(rows);
    expect(everything).not.toContain(KEY_SECRET);
    expect(everything).not.toContain(WEBHOOK_SECRET);
  });

  it('accepts a redelivery of the same events but processes it once', async () => {
    const delivery = smooch.userMessage(APP, 'conv-1', 'Hello');
    const first = await send(delivery);
    const again = await send(delivery);
    expect(again.status).toBe(202);
    expect(again.json).toMatchObject({ accepted: true, duplicate: true, job_id: first.json.job_id });
    await settle();
    expect(received).toHaveLength(1);
  });

  it('refuses a webhook whose X-API-Key is not the webhook secret: 401, an error row, nothing delivered', async () => {
    const res = await send(smooch.userMessage(APP, 'conv-1', 'Hi', { secret: 'not-the-secret' }));
    expect(res.status).toBe(401);
    await settle();
    expect(received).toHaveLength(0);
    expect(await countRows(world.database, sql`select count(*)::int as n from jobs`)).toBe(0);
    const rows = await logsOf(world, 'Messaging');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe('error');
    expect(rows[0]!.description).toContain('Support messaging');
    expect(JSON.stringify(rows)).not.toContain('not-the-secret');
  });

  it('logs an error naming an unknown conversation and delivers nothing', async () => {
    await send(smooch.userMessage(APP, 'conv-gone', 'Anyone there?'));
    await settle();
    expect(received).toHaveLength(0);
    const errors = (await logsOf(world, 'Messaging')).filter((r) => r.status === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.description).toMatch(/not delivered: Conversation conv-gone does not exist in Sunshine app 5698edbf2a43bd081be982f1 \(conversation_not_found\)/);
    expect(errors[0]!.details).toMatchObject({ conversation_id: 'conv-gone', error: { code: 'conversation_not_found', status: 404 } });
  });

  it('retries a target that fails with 503 and logs the failure with its status, then the delivery', async () => {
    targetAnswers.push(() => HttpResponse.json({ message: 'maintenance' }, { status: 503 }));
    await send(smooch.userMessage(APP, 'conv-1', 'Hello?'));
    await settle();
    expect(received).toHaveLength(2);
    const rows = await logsOf(world, 'Messaging');
    const error = rows.find((r) => r.status === 'error')!;
    expect(error.description).toMatch(/not delivered to https:\/\/bot\.example\.test\/sunshine: the target answered 503/);
    expect(error.details).toMatchObject({ response: { status: 503, body_excerpt: '{"message":"maintenance"}' }, target: TARGET });
    expect(rows.some((r) => r.status === 'warning' && /retrying at/.test(r.description))).toBe(true);
    expect(rows.at(-1)!.status).toBe('debug');
    expect(rows.some((r) => /delivered to https:\/\/bot\.example\.test\/sunshine \(200/.test(r.description))).toBe(true);
  });

  it('gives up at once on a target that answers 4xx, with an error naming the status', async () => {
    targetAnswers.push(() => HttpResponse.json({ error: 'unknown hook' }, { status: 404 }));
    await send(smooch.userMessage(APP, 'conv-1', 'Hello?'));
    await settle();
    expect(received).toHaveLength(1);
    const errors = (await logsOf(world, 'Messaging')).filter((r) => r.status === 'error');
    expect(errors.map((e) => e.description)).toEqual([
      expect.stringMatching(/not delivered to https:\/\/bot\.example\.test\/sunshine: the target answered 404/),
      expect.stringMatching(/failed \(attempt 1 of \d+\): the target answered 404/),
    ]);
  });

  it('logs a target timeout as an error and retries it', async () => {
    targetAnswers.push(async () => { await delay(2500); return HttpResponse.json({}); });
    await send(smooch.userMessage(APP, 'conv-1', 'Hello?'));
    await settle();
    const rows = await logsOf(world, 'Messaging');
    expect(rows.find((r) => r.status === 'error')!.description).toMatch(/not delivered to https:\/\/bot\.example\.test\/sunshine: POST https:\/\/bot\.example\.test\/sunshine timed out after 1000 ms/);
    expect(received).toHaveLength(2);
    expect(rows.some((r) => /delivered to https:\/\/bot\.example\.test\/sunshine \(200/.test(r.description))).toBe(true);
  });

  it('logs Sunshine refusing the app\'s API key as an error and does not retry it', async () => {
    const other = smooch.addApp({ id: 'app-two', keyId: 'app_two', keySecret: 'the-real-secret-2', webhookSecret: 'hook-two', conversations: ['conv-9'] });
    const installed = await world.call('POST', '/api/v2/integrations/installations', {
      body: { installation: { connector_id: 'sunshine', name: 'Second brand', settings: { appId: other.id, keyId: 'app_two', webhookTargets: [TARGET] }, credentials: { keySecret: 'an-old-secret-2', webhookSecret: 'hook-two' } } },
    });
    expect(installed.status).toBe(201);
    const res = await send(smooch.userMessage('app-two', 'conv-9', 'Hello'), 'app-two');
    expect(res.status).toBe(202);
    await settle();
    expect(received).toHaveLength(0);
    expect(smooch.state.requests.filter((r) => r.path.includes('app-two'))).toHaveLength(1);
    const errors = (await logsOf(world, 'Messaging')).filter((r) => r.status === 'error').map((r) => r.description);
    expect(errors[0]).toMatch(/could not read conversation conv-9: Sunshine GET \/v2\/apps\/app-two\/conversations\/conv-9 answered 401: unauthorized: Authorization is required/);
    expect(errors[1]).toMatch(/failed \(attempt 1 of \d+\)/);
    expect(JSON.stringify(errors)).not.toContain('an-old-secret-2');
  });

  it('waits out Sunshine\'s 429 before reading the conversation again', async () => {
    smooch.state.throttleNext = 1;
    await send(smooch.userMessage(APP, 'conv-1', 'Hello?'));
    await settle();
    expect(smooch.state.requests.filter((r) => r.path.endsWith('/conversations/conv-1')).length).toBe(2);
    expect(received).toHaveLength(1);
    const rows = await logsOf(world, 'Messaging');
    expect(rows.find((r) => r.status === 'error')!.description).toMatch(/could not read conversation conv-1: Sunshine GET \/v2\/apps\/\w+\/conversations\/conv-1 answered 429: too_many_requests: Rate limit exceeded/);
    expect(rows.find((r) => r.status === 'warning')!.details).toMatchObject({ retry_after_ms: 1000 });
  });
});
