import type { Database } from '../../../db/client.ts';

/**
 * One connector's demo (SPEC: "the demo account has this issue's connectors configured against local
 * sandboxes … and a demo traffic generator produces realistic activity"). runner/demo/integrations/index.ts
 * lists them; runner/main.ts mounts each sandbox at `/sandbox/{name}/*` on the same server, runs `setup`
 * once the demo account exists, then `tick` every few seconds.
 */
export type DemoIntegration = {
  /** Lower-case; the sandbox answers at `${ctx.baseUrl}/sandbox/${name}/…`. */
  name: string;
  /**
   * The third-party API's stand-in, the same behaviour as the msw handlers of the tests. Receives the
   * request with the `/sandbox/{name}` prefix already removed from the URL's path.
   */
  sandbox: (req: Request) => Promise<Response>;
  /** Creates the demo account's installation(s) pointing at the sandbox. Must be idempotent (runs on every start). */
  setup(ctx: DemoContext): Promise<void>;
  /**
   * Produces a little realistic activity through public paths only (the HTTP API with the demo token, the
   * webhook endpoints, the sandbox's own "remote change" hooks), including an occasional failure. Never
   * inserts log rows directly: rows come from real connector runs.
   */
  tick(ctx: DemoContext): Promise<void>;
};

export type DemoContext = {
  /** The running server's origin, e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
  accountId: number;
  database: Database;
  /** fetch against the running server as the demo owner (API token auth, account header set). */
  api(path: string, init?: RequestInit): Promise<Response>;
  /** Creates or replaces (by name) an installation of a connector, credentials sealed with the engine's key. */
  install(input: { connectorId: string; name: string; settings: Record<string, unknown>; credentials?: unknown }): Promise<{ id: number }>;
  /** A deterministic PRNG in [0, 1) so a demo run is repeatable. */
  random(): number;
};
