import { http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zisDemo } from '../../runner/demo/integrations/zis.ts';
import type { DemoContext } from '../../runner/demo/integrations/types.ts';
import { closeTestEngines } from '../helpers/runner.ts';
import type { World } from '../helpers/world.ts';
import { createZisWorld, integrationLog } from './helpers.ts';

const BASE = 'http://demo.test';
const demo = zisDemo();
// The demo serves its sandbox on the server's own origin; here msw stands in for that server.
const server = setupServer(http.all(`${BASE}/sandbox/${demo.name}/*`, ({ request }) => {
  const url = new URL(request.url);
  url.pathname = url.pathname.slice(`/sandbox/${demo.name}`.length);
  return demo.sandbox(new Request(url, request));
}));

let w: World;
beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'error' });
  w = await createZisWorld();
});
afterAll(async () => { server.close(); await closeTestEngines(); await w.close(); });

function demoContext(random: () => number): DemoContext {
  const owner = w.acme.owner;
  return {
    baseUrl: BASE, accountId: w.acme.id, database: w.database, random,
    api: (path, init = {}) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Basic ${Buffer.from(`${owner.user.email}/token:${owner.token}`).toString('base64')}`);
      headers.set('x-deskbridge-account', w.acme.subdomain);
      if (init.body !== undefined) headers.set('content-type', 'application/json');
      return Promise.resolve(w.app.request(`${BASE}${path}`, { ...init, headers }));
    },
    install: () => { throw new Error('the ZIS demo deploys through the registry API, not installations'); },
  };
}

describe('the ZIS demo', () => {
  it('deploys through the registry API (twice, idempotently) and its flows produce info and error rows from real runs', async () => {
    const ctx = demoContext(() => 0.9);
    await demo.setup(ctx);
    await demo.setup(ctx);
    await demo.tick(ctx); // no ticket traffic yet: it makes one
    for (let i = 0; i < 4; i++) {
      await w.call('POST', '/api/v2/tickets', { body: { ticket: { subject: `More ${i}`, comment: { body: 'x' }, requester: { name: 'Rita', email: 'rita@customer.test' } } } });
    }
    await demo.tick(ctx); // others made tickets since: it makes none
    const list = await w.call('GET', '/api/v2/tickets');
    expect(list.json.tickets.map((t: { subject: string }) => t.subject)).toEqual([expect.any(String), 'More 0', 'More 1', 'More 2', 'More 3']);
    const first = list.json.tickets[0];
    await w.call('PUT', `/api/v2/tickets/${first.id}`, { body: { ticket: { status: 'solved' } } });
    await w.engine!.drain();

    const rows = (await integrationLog(w, 'webhook_relay', 'info,error')).map((r) => `${r.status}: ${r.description}`);
    expect(rows.filter((r) => /^info: Ticket #\d+ posted to #support-feed$/.test(r))).toHaveLength(4);
    expect(rows.filter((r) => /^error: The team webhook refused ticket #\d+: .* answered 503: .*overloaded/.test(r))).toHaveLength(1);
    expect(rows).toContain(`info: Ticket #${first.id} announced as solved`);
  });
});
