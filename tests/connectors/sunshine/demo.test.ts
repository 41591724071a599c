import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sunshine from '../../../runner/connectors/sunshine/index.ts';
import { messagingDemo } from '../../../runner/demo/integrations/messaging.ts';
import { logsOf } from '../../actions/logs.ts';
import { startDemoHarness } from '../../bots/demo-harness.ts';

const demo = messagingDemo();
let h: Awaited<ReturnType<typeof startDemoHarness>>;
beforeAll(async () => { h = await startDemoHarness(demo, [sunshine]); });
afterAll(async () => { await h.close(); });

describe('messaging demo', () => {
  it('installs the Sunshine app against the sandbox; its ticks make real rows: deliveries and replies, an unknown conversation, a refused secret', async () => {
    const { ctx, world, rolls } = h;
    await demo.setup(ctx);
    await demo.setup(ctx); // every start runs it again
    rolls.push(0.5, 0, 0); // a customer writes in the first conversation
    await demo.tick(ctx);
    rolls.push(0.05, 0.3, 0); // a message for a conversation Sunshine does not know
    await demo.tick(ctx);
    rolls.push(0.99, 0, 0); // a webhook with an old secret
    await demo.tick(ctx);
    for (let i = 0; i < 3; i++) {
      await world.engine!.drain();
      world.clock.advance(60 * 60_000);
    }
    const rows = await logsOf((path) => ctx.api(path), 'Messaging');
    const by = (status: string) => rows.filter((r) => r.status === status).map((r) => r.description);
    expect(by('debug').some((d) => /delivered to http:\/\/127\.0\.0\.1:\d+\/sandbox\/sunshine\/targets\/helpdesk-bot \(200/.test(d))).toBe(true);
    expect(by('debug').some((d) => /delivered to .*\/targets\/analytics \(204/.test(d))).toBe(true);
    expect(by('debug').some((d) => /^Reply from .*helpdesk-bot posted in Sunshine conversation conv-anna-web/.test(d))).toBe(true);
    expect(by('error')).toEqual(expect.arrayContaining([
      expect.stringMatching(/Conversation conv-closed-300 does not exist in Sunshine app deskbridge-demo-app \(conversation_not_found\)/),
      expect.stringMatching(/webhook refused for connection "Demo messaging app \(sandbox\)"/),
    ]));
    expect(by('error')).toHaveLength(2);
  });
});
