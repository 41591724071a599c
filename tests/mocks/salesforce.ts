import { http } from 'msw';
import { createSalesforceSandbox, type SalesforceSandboxOptions } from '../../runner/sandboxes/salesforce.ts';

/** The instance URL tests connect to; any `*.my.salesforce.com` host reaches the same fake org. */
export const SF_INSTANCE = 'https://acme.my.salesforce.com';

/**
 * msw handlers sending Salesforce's hosts (My Domain instances, login.salesforce.com and
 * test.salesforce.com) to one in-memory sandbox org (runner/sandboxes/salesforce.ts).
 * @example
 * const sf = salesforceMock();
 * const server = setupServer(...sf.handlers);
 * sf.state.create('Contact', { LastName: 'Doe', Email: 'jane@example.com' });
 */
export function salesforceMock(opts: SalesforceSandboxOptions = {}) {
  const sandbox = createSalesforceSandbox({ instanceUrl: SF_INSTANCE, ...opts });
  const forward = ({ request }: { request: Request }) => sandbox.handle(request);
  return {
    ...sandbox,
    handlers: [
      http.all('https://*.my.salesforce.com/*', forward),
      http.all('https://login.salesforce.com/*', forward),
      http.all('https://test.salesforce.com/*', forward),
    ],
  };
}
