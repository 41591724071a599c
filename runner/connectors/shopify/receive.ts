import { PermanentError, type HandlerContext, type UserSnapshot, type WebhookRequest } from '../../sdk/index.ts';
import { describeIssues, parseJson } from './payloads.ts';
import { customerName, TOPICS, type Happening, type Toggle } from './topics.ts';

export type ShopifySettings = { shopDomain: string } & Record<Toggle, boolean>;
export type ShopifyCredentials = { appSecret: string };
type Ctx = HandlerContext<ShopifySettings, ShopifyCredentials>;

export const SOURCE = 'shopify';

/**
 * `POST /webhooks/shopify/{store}` once verified and queued: the topic's payload becomes a customer
 * event on the timeline of the user with the same email (created as an end-user if there is none),
 * through the customer's Shopify profile. One info row per stored event; a toggled-off or unknown
 * topic is a debug row; a malformed payload fails the job for good (PermanentError → error row).
 */
export async function receiveWebhook(ctx: Ctx, req: WebhookRequest): Promise<void> {
  const shop = ctx.settings.shopDomain;
  const topicName = req.headers['x-shopify-topic'];
  const about = { shop, topic: topicName ?? null, webhook_id: req.headers['x-shopify-webhook-id'] ?? null, installation_id: ctx.installation.id };
  if (!topicName) throw new PermanentError(`Shopify webhook for ${shop} has no X-Shopify-Topic header: cannot tell what it is`, 'InvalidPayload');
  const sender = req.headers['x-shopify-shop-domain']?.toLowerCase();
  // One app secret signs the webhooks of every store the app is installed on: the store must be this connection's.
  if (sender && sender !== shop) throw new PermanentError(`Shopify ${topicName} webhook is from ${sender}, not this connection's store ${shop}`, 'WrongShop');
  const topic = TOPICS[topicName];
  if (!topic) {
    ctx.log.debug(`Shopify ${topicName} webhook from ${shop} ignored: deskbridge does not handle this topic`, about);
    return;
  }
  if (!ctx.settings[topic.toggle]) {
    ctx.log.debug(`Shopify ${topicName} webhook from ${shop} ignored: ${topic.toggle} events are turned off for connection "${ctx.installation.name}"`, about);
    return;
  }
  const json = parseJson(req.body);
  if (json === undefined) throw new PermanentError(`Malformed Shopify ${topicName} webhook from ${shop}: the body is not JSON`, 'InvalidPayload');
  const parsed = topic.schema.safeParse(json);
  if (!parsed.success) throw new PermanentError(`Malformed Shopify ${topicName} webhook from ${shop}: ${describeIssues(parsed.error)}`, 'InvalidPayload');
  const h = topic.read(parsed.data as never);
  const details = { ...about, ...h.ids, event_type: h.type };
  if (!h.email) {
    ctx.log.info(`Shopify ${h.subject} not stored: it has no customer email to match a deskbridge user`, details);
    return;
  }
  await store(ctx, h, h.email, req.headers['x-shopify-triggered-at'] ?? req.receivedAt, details);
}

async function store(ctx: Ctx, h: Happening, email: string, fallbackTime: string, details: Record<string, unknown>) {
  const { user, created } = await findOrCreateUser(ctx, email, customerName(h.customer) ?? email.split('@')[0]!);
  const c = h.customer;
  const profile = await ctx.data.profiles.upsert({
    user_id: user.id, source: SOURCE, type: 'customer',
    ...(customerName(c) ? { name: customerName(c) } : {}),
    identifiers: [{ type: 'email', value: email }, ...(c ? [{ type: 'shopify_customer_id', value: c.id }] : [])],
    attributes: {
      shop: ctx.settings.shopDomain,
      // Only what this payload says: an order's embedded customer often lacks the totals a customers/update carried.
      ...(c ? defined({ state: c.state, orders_count: c.orders_count, total_spent: c.total_spent, currency: c.currency, tags: c.tags, phone: c.phone }) : {}),
    },
  });
  const event = await ctx.data.events.record({
    user_id: user.id, profile_id: profile.id, source: SOURCE, type: h.type, description: h.description,
    properties: { ...h.properties, shop: ctx.settings.shopDomain }, created_at: h.createdAt ?? fallbackTime,
  });
  const customerId = profile.identifiers.find((i) => i.type === 'shopify_customer_id')?.value;
  ctx.log.info(
    `${h.description}: stored for ${user.name} (user #${user.id}${created ? ', new end-user' : ''}) on Shopify profile ${profile.id}${customerId ? ` (customer ${customerId})` : ''}`,
    { ...details, user_id: user.id, user_created: created, profile_id: profile.id, shopify_customer_id: customerId ?? null, event_id: event.id },
  );
}

const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** The user with this email, else a new end-user; a concurrent job creating the same user first is not an error. */
async function findOrCreateUser(ctx: Ctx, email: string, name: string): Promise<{ user: UserSnapshot; created: boolean }> {
  const [found] = await ctx.data.users.find({ email });
  if (found) return { user: found, created: false };
  try {
    return { user: await ctx.data.users.create({ name, email }), created: true };
  } catch (err) {
    const [raced] = await ctx.data.users.find({ email });
    if (raced) return { user: raced, created: false };
    throw err;
  }
}
