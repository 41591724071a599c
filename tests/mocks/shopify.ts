import { http } from 'msw';
import { createShopifySandbox, type ShopifySandboxOptions } from '../../runner/sandboxes/shopify.ts';

/**
 * msw handlers sending Shopify's Admin API hosts (`{store}.myshopify.com`) to one in-memory sandbox
 * (runner/sandboxes/shopify.ts). The sandbox also sends the store's signed webhooks: give it the app's
 * `request` as `fetch` to deliver them through deskbridge's HTTP routes without a server.
 * @example
 * const shopify = shopifyMock({ shops: [{ domain: 'acme-store.myshopify.com', appSecret: 's' }], fetch: (u, i) => world.app.request(u, i) });
 * const server = setupServer(...shopify.handlers);
 * await shopify.createOrder('acme-store.myshopify.com', { email: 'sam@shop.test', line_items: [{ title: 'Mug', quantity: 1, price: '12.00' }] });
 */
export function shopifyMock(opts: ShopifySandboxOptions = {}) {
  const sandbox = createShopifySandbox(opts);
  return { ...sandbox, handlers: [http.all('https://*.myshopify.com/admin/*', ({ request }) => sandbox.handle(request))] };
}
