import { http } from 'msw';
import { createOrderApiSandbox, type OrderApiOptions } from '../../runner/sandboxes/order-api.ts';

/** The host the bot and action tests call. */
export const ORDER_API = 'https://orders.example.test';

/**
 * msw handlers sending the order-status API's host to one in-memory sandbox (runner/sandboxes/order-api.ts).
 * @example
 * const orders = orderApiMock({ slowMs: 500 });
 * const server = setupServer(...orders.handlers);
 */
export function orderApiMock(opts: OrderApiOptions = {}) {
  const sandbox = createOrderApiSandbox(opts);
  return { ...sandbox, handlers: [http.all(`${ORDER_API}/*`, ({ request }) => sandbox.handle(request))] };
}
