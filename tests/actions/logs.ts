import type { World } from '../helpers/world.ts';

export type LogEntry = { id: number; product: string; status: string; description: string; details: Record<string, any>; job_id: number | null };

/**
 * The integration log rows of one product as the logs API lists them, oldest first (a window wide
 * enough for any clock the test uses): through a test world's API as acme's owner, or any fetch of
 * the API (a demo's `ctx.api`). Shared by the bots, actions and messaging tests.
 */
export async function logsOf(source: World | ((path: string) => Promise<Response>), product: string): Promise<LogEntry[]> {
  const q = new URLSearchParams({ product, start_time: '2000-01-01T00:00:00Z', end_time: '2100-01-01T00:00:00Z', 'page[size]': '100' });
  const path = `/api/v2/integrations/logs?${q}`;
  const { status, json } = typeof source === 'function'
    ? await source(path).then(async (r) => ({ status: r.status, json: await r.json() }))
    : await source.call('GET', path);
  if (status !== 200) throw new Error(`logs API answered ${status}: ${JSON.stringify(json)}`);
  return (json.logs as LogEntry[]).slice().reverse();
}

export const describe = (rows: LogEntry[]) => rows.map((r) => `${r.status}: ${r.description}`);
