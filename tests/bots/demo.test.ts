import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { botsDemo } from '../../runner/demo/integrations/bots.ts';
import { logsOf } from '../actions/logs.ts';
import { startDemoHarness } from './demo-harness.ts';

const demo = botsDemo();
let h: Awaited<ReturnType<typeof startDemoHarness>>;
beforeAll(async () => { h = await startDemoHarness(demo); });
afterAll(async () => { await h.close(); });

describe('bots and actions demo', () => {
  it('creates its connection, bot step, actions and flow through the API (idempotently); ticks make real rows, failures included', async () => {
    const { ctx, rolls } = h;
    await demo.setup(ctx);
    await demo.setup(ctx); // every start runs it again: nothing is duplicated
    const steps = await (await ctx.api('/api/v2/bots/steps')).json() as { steps: unknown[] };
    const actions = await (await ctx.api('/api/v2/actions')).json() as { actions: unknown[] };
    expect([steps.steps.length, actions.actions.length]).toEqual([1, 2]);

    rolls.push(0.5, 0.0, 0.0); // the bot asks for order 1001
    await demo.tick(ctx);
    rolls.push(0.05, 0.5, 0.5); // auto assist looks up an order that does not exist
    await demo.tick(ctx);
    rolls.push(0.15, 0.0); // the bot asks for the slow order and times out
    await demo.tick(ctx);
    rolls.push(0.5, 0.4, 0.9); // the return flow for order 1002
    await demo.tick(ctx);

    const api = (path: string) => ctx.api(path);
    const bot = (await logsOf(api, 'Bot builder')).filter((r) => r.status !== 'debug').map((r) => `${r.status}: ${r.description}`);
    expect(bot).toEqual([
      expect.stringMatching(/^info: Bot step "Order status \(demo bot\)": GET http:\/\/127\.0\.0\.1:\d+\/sandbox\/orders\/v1\/orders\/1001 → 200 in \d+ ms; saved order_status, eta, carrier$/),
      expect.stringMatching(/^warning: Bot step "Order status \(demo bot\)": GET .*\/v1\/orders\/slow-1004 timed out after 1500 ms$/),
    ]);
    const actionRows = (await logsOf(api, 'Actions')).filter((r) => r.status !== 'debug').map((r) => `${r.status}: ${r.description}`);
    expect(actionRows).toEqual([
      expect.stringMatching(/^error: Action "Look up order": GET .*\/v1\/orders\/9499 answered 404: .*Order 9499 not found/),
      expect.stringMatching(/^info: Test run of action flow "Return an order" step 1, action "Look up order": GET .*\/v1\/orders\/1002 → 200/),
      expect.stringMatching(/^info: Test run of action flow "Return an order" step 2, action "Open a return": POST .*\/v1\/returns → 201/),
      expect.stringMatching(/^info: Test run of action flow "Return an order" succeeded: 2 step\(s\)/),
    ]);
  });
});
