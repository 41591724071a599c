import { and, eq } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { connectorInstallations, type ConnectorInstallation } from '../../db/schema/index.ts';
import type { Clock } from '../core/clock.ts';
import type { SecretBox } from '../core/crypto.ts';
import { notFound } from '../core/errors.ts';

/** The additional data bound into each ciphertext: a value only decrypts for the row it was written for. */
const aad = (accountId: number, connectorId: string) => `deskbridge:credentials:${accountId}:${connectorId}`;

export type InstallationInput = {
  accountId: number; connectorId: string; name: string; settings?: Record<string, unknown>; credentials?: unknown; enabled?: boolean;
};

export async function createInstallation(q: Queryable, box: SecretBox, input: InstallationInput, clock: Clock): Promise<ConnectorInstallation> {
  const now = clock.now();
  const [row] = await q.insert(connectorInstallations).values({
    accountId: input.accountId, connectorId: input.connectorId, name: input.name, enabled: input.enabled ?? true,
    settings: input.settings ?? {},
    credentials: input.credentials === undefined ? null : box.seal(JSON.stringify(input.credentials), aad(input.accountId, input.connectorId)),
    createdAt: now, updatedAt: now,
  }).returning();
  return row!;
}

export async function findInstallation(q: Queryable, accountId: number, id: number): Promise<ConnectorInstallation> {
  const [row] = await q.select().from(connectorInstallations)
    .where(and(eq(connectorInstallations.accountId, accountId), eq(connectorInstallations.id, id)));
  if (!row) throw notFound('Connector installation');
  return row;
}

/** The row, locked until the transaction ends: for changes that read the stored credentials first. */
export async function lockInstallation(q: Queryable, accountId: number, id: number): Promise<ConnectorInstallation> {
  const [row] = await q.select().from(connectorInstallations)
    .where(and(eq(connectorInstallations.accountId, accountId), eq(connectorInstallations.id, id))).for('update');
  if (!row) throw notFound('Connector installation');
  return row;
}

/**
 * A change made by an admin. `credentials`: undefined keeps the stored ones, null removes them,
 * anything else replaces them (sealed here; callers merge beforehand if they want to).
 */
export type InstallationChange = { name?: string; settings?: Record<string, unknown>; enabled?: boolean; credentials?: unknown };

export async function updateInstallation(
  q: Queryable, box: SecretBox, row: Pick<ConnectorInstallation, 'id' | 'accountId' | 'connectorId'>, change: InstallationChange, clock: Clock,
): Promise<ConnectorInstallation> {
  const credentials = change.credentials === undefined ? {}
    : { credentials: change.credentials === null ? null : box.seal(JSON.stringify(change.credentials), aad(row.accountId, row.connectorId)) };
  const [updated] = await q.update(connectorInstallations)
    .set({
      ...(change.name !== undefined ? { name: change.name } : {}),
      ...(change.settings !== undefined ? { settings: change.settings } : {}),
      ...(change.enabled !== undefined ? { enabled: change.enabled } : {}),
      ...credentials,
      updatedAt: clock.now(),
    })
    .where(and(eq(connectorInstallations.accountId, row.accountId), eq(connectorInstallations.id, row.id)))
    .returning();
  if (!updated) throw notFound('Connector installation');
  return updated;
}

/**
 * Removes the connection with its settings and credentials. Jobs already queued for it end dead
 * with a log row saying the connection no longer exists (the engine's InstallationMissing).
 */
export async function deleteInstallation(q: Queryable, accountId: number, id: number): Promise<void> {
  const deleted = await q.delete(connectorInstallations)
    .where(and(eq(connectorInstallations.accountId, accountId), eq(connectorInstallations.id, id)))
    .returning({ id: connectorInstallations.id });
  if (deleted.length === 0) throw notFound('Connector installation');
}

export function openCredentials(box: SecretBox, row: ConnectorInstallation): unknown {
  return row.credentials === null ? undefined : JSON.parse(box.open(row.credentials, aad(row.accountId, row.connectorId)));
}

export async function saveCredentials(q: Queryable, box: SecretBox, row: Pick<ConnectorInstallation, 'id' | 'accountId' | 'connectorId'>, credentials: unknown, clock: Clock): Promise<void> {
  await q.update(connectorInstallations)
    .set({ credentials: box.seal(JSON.stringify(credentials), aad(row.accountId, row.connectorId)), updatedAt: clock.now() })
    .where(eq(connectorInstallations.id, row.id));
}

/** Every string inside the credentials: the logger blanks them wherever they would appear. */
export function secretValues(credentials: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(credentials);
  return out.filter((s) => s.length >= 4);
}
