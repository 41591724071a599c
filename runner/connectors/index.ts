import type { AnyConnector } from '../sdk/index.ts';
import salesforce from './salesforce/index.ts';
import shopify from './shopify/index.ts';
import sunshine from './sunshine/index.ts';

/**
 * Every connector this build of deskbridge runs, listed explicitly (SPEC R1): adding one is a new
 * folder here built only on runner/sdk, plus its line below. See docs/ARCHITECTURE.md › Adding a connector.
 */
export const connectors: AnyConnector[] = [salesforce, sunshine, shopify];
