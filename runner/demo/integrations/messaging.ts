import { createSunshineSandbox, sendSunshineWebhook } from '../../sandboxes/sunshine.ts';
import type { DemoContext, DemoIntegration } from './types.ts';

const APP_ID = 'deskbridge-demo-app';
const KEY_ID = 'app_demo_5e554d2c';
/** Only the in-process sandbox knows them: it authenticates the connector's calls and signs the webhooks. */
const KEY_SECRET = 'sunshine-demo-key-secret-8f3a1d62c4';
const WEBHOOK_SECRET = 'sunshine-demo-webhook-secret-41b9e7';
const CONVERSATIONS = ['conv-anna-web', 'conv-bruno-whatsapp', 'conv-chloe-messenger', 'conv-dmitri-web'];
const QUESTIONS = [
  'Hi! Where is my order #1001?', 'Can I change my delivery address?', 'My discount code does not work', 'Do you ship to Norway?',
  'I would like to return the kettle I bought', 'Is the enamel mug dishwasher safe?', 'How long does a refund take?',
];

const json = (status: number, body?: unknown) =>
  new Response(body === undefined ? null : JSON.stringify(body), { status, headers: body === undefined ? {} : { 'content-type': 'application/json' } });

/**
 * The demo's Sunshine Conversations app: the Sunshine API stand-in, plus the business's two webhook
 * targets (a help-desk bot that answers each customer, an analytics collector that is down every
 * fifth call, so the log shows a retry). Each tick a customer writes in one of the conversations;
 * now and then the message is for a conversation Sunshine no longer knows (an error row) or the
 * webhook carries a wrong secret (401 and a warning row).
 */
export function messagingDemo(): DemoIntegration {
  const sunshine = createSunshineSandbox({ apps: [{ id: APP_ID, keyId: KEY_ID, keySecret: KEY_SECRET, webhookSecret: WEBHOOK_SECRET, conversations: CONVERSATIONS }] });
  let analyticsCalls = 0;

  async function target(req: Request): Promise<Response> {
    const path = new URL(req.url).pathname;
    if (path === '/targets/helpdesk-bot') {
      const body = await req.json().catch(() => ({})) as { event?: { payload?: { message?: { content?: { text?: string } } } } };
      const text = body.event?.payload?.message?.content?.text ?? '';
      return json(200, { reply: /order/i.test(text) ? 'Thanks! I am checking your order now; an agent will confirm shortly.' : 'Thanks for your message! An agent will answer in a few minutes.' });
    }
    if (path === '/targets/analytics') return (++analyticsCalls % 5 === 0) ? json(503, { error: 'collector restarting' }) : json(204);
    return json(404, { error: 'no such target' });
  }

  // Sunshine reaches the account by its host name; on loopback the demo account is named instead.
  const toDemo: typeof fetch = (url, init) => fetch(url, { ...init, headers: { ...(init?.headers as Record<string, string>), 'x-deskbridge-account': 'demo' } });

  return {
    name: 'sunshine',
    sandbox: (req) => (new URL(req.url).pathname.startsWith('/targets/') ? target(req) : sunshine.handle(req)),
    async setup(ctx) {
      const base = `${ctx.baseUrl}/sandbox/sunshine`;
      await ctx.install({
        connectorId: 'sunshine', name: 'Demo messaging app (sandbox)',
        settings: { appId: APP_ID, keyId: KEY_ID, apiBaseUrl: base, webhookTargets: [`${base}/targets/helpdesk-bot`, `${base}/targets/analytics`], targetTimeoutSeconds: 5 },
        credentials: { keySecret: KEY_SECRET, webhookSecret: WEBHOOK_SECRET },
      });
    },
    async tick(ctx: DemoContext) {
      const roll = ctx.random();
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(ctx.random() * xs.length)]!;
      const conversation = roll < 0.1 ? `conv-closed-${Math.floor(ctx.random() * 1000)}` : pick(CONVERSATIONS);
      const delivery = sunshine.userMessage(APP_ID, conversation, pick(QUESTIONS), roll > 0.95 ? { secret: 'rotated-old-secret' } : {});
      await sendSunshineWebhook(ctx.baseUrl, APP_ID, delivery, toDemo);
    },
  };
}
