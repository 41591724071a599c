import { randomBytes } from 'node:crypto';
import { createSecretBox } from '../../runner/core/crypto.ts';
import { ZIS_TASK, zisTask } from '../../runner/zis/runner.ts';
import { createTestEngine } from '../helpers/runner.ts';
import { createWorld, type World } from '../helpers/world.ts';

/** A world whose engine runs private integrations' flows, the app and the engine sealing with one key. */
export function createZisWorld(): Promise<World> {
  const box = createSecretBox(randomBytes(32));
  return createWorld({
    secrets: box,
    engine: (database, clock) => createTestEngine(database, clock, { connectors: [], secrets: box, tasks: { [ZIS_TASK]: zisTask({ secrets: box }) } }).engine,
  });
}

export type ApiLogRow = { status: string; description: string; ticket_id: number | null; details: Record<string, unknown> };

/** An integration's rows as the log API answers them (newest first), over a window around now: the writer stamps real time. */
export async function integrationLog(w: World, product: string, statuses?: string): Promise<ApiLogRow[]> {
  const now = Date.now();
  const window = `start_time=${new Date(now - 86_400_000).toISOString()}&end_time=${new Date(now + 86_400_000).toISOString()}`;
  const res = await w.call('GET', `/api/v2/integrations/logs?product=${product}${statuses ? `&status=${statuses}` : ''}&${window}`);
  if (res.status !== 200) throw new Error(`log API answered ${res.status}: ${JSON.stringify(res.json)}`);
  return res.json.logs as ApiLogRow[];
}
