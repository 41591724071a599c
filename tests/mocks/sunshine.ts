import { http } from 'msw';
import { createSunshineSandbox, type SunshineSandboxOptions } from '../../runner/sandboxes/sunshine.ts';

/** The API host tests connect to (the connector's default base URL). */
export const SUNSHINE_API = 'https://api.smooch.io';

/**
 * msw handlers sending Sunshine Conversations' API hosts (api.smooch.io and its regional
 * api.<region>.smooch.io) to one in-memory sandbox (runner/sandboxes/sunshine.ts).
 * @example
 * const sunshine = sunshineMock({ apps: [{ id: 'app1', keyId: 'app_1', keySecret: 's', webhookSecret: 'w', conversations: ['c1'] }] });
 * const server = setupServer(...sunshine.handlers);
 * const delivery = sunshine.userMessage('app1', 'c1', 'Where is my order?');
 */
export function sunshineMock(opts: SunshineSandboxOptions = {}) {
  const sandbox = createSunshineSandbox(opts);
  const forward = ({ request }: { request: Request }) => sandbox.handle(request);
  return {
    ...sandbox,
    handlers: [http.all(`${SUNSHINE_API}/*`, forward), http.all('https://api.*.smooch.io/*', forward)],
  };
}
