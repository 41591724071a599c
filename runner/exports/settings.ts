import { and, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { accounts, tickets, users, type Account } from '../../db/schema/index.ts';
import type { Config } from '../config.ts';
import type { Clock } from '../core/clock.ts';
import { hasRole, type Actor } from '../core/context.ts';
import { AppError, invalid } from '../core/errors.ts';
import { emailDomain } from '../core/format.ts';

/**
 * Who may export (SPEC E1–E3): admins only, while the owner has turned export on, and — unless the
 * approved domain is blank — only admins whose login email is in that domain.
 */

export type ExportSettings = { enabled: boolean; approvedDomain: string };

export function exportSettingsOf(account: Account): ExportSettings {
  const s = account.settings.export ?? {};
  return { enabled: s.enabled === true, approvedDomain: s.approvedDomain ?? '' };
}

const notAdmin = () => new AppError(403, 'Forbidden', 'Only admins can export data; ask an admin of this account');

export function assertAdmin(actor: Actor): void {
  if (!hasRole(actor, 'admin')) throw notAdmin();
}

/** Why this actor cannot export right now, or null when they can. */
export function exportRefusal(account: Account, actor: Actor): AppError | null {
  if (!hasRole(actor, 'admin')) return notAdmin();
  const s = exportSettingsOf(account);
  if (!s.enabled) return new AppError(403, 'ExportDisabled', 'Data export is turned off for this account; the account owner can turn it on in Admin Center');
  if (s.approvedDomain && emailDomain(actor.email) !== s.approvedDomain) {
    return new AppError(403, 'DomainNotApproved', `Data export is limited to admins who sign in with an email address at ${s.approvedDomain}; yours is at ${emailDomain(actor.email)}. The account owner can change the approved domain.`);
  }
  return null;
}

export function assertCanExport(account: Account, actor: Actor): void {
  const refusal = exportRefusal(account, actor);
  if (refusal) throw refusal;
}

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** "Example.COM" → "example.com"; "" stays "" (any admin's domain); anything else that is not a hostname is refused. */
export function normalizeDomain(raw: string): string {
  const domain = raw.trim().toLowerCase().replace(/^@/, '');
  if (domain && !HOSTNAME.test(domain)) throw invalid('approved_domain', 'must be an email domain such as example.com, or empty to allow admins of any domain');
  return domain;
}

export type SettingsChange = { enabled?: boolean | undefined; approved_domain?: string | undefined };

/**
 * Applies a change under E2/E3: only the owner turns export on or changes the domain; any admin may
 * turn it off. Re-sending an unchanged value is not a change, so a form may send the whole object.
 */
export async function updateExportSettings(q: Queryable, clock: Clock, account: Account, actor: Actor, change: SettingsChange): Promise<Account> {
  assertAdmin(actor);
  const current = exportSettingsOf(account);
  const next: ExportSettings = {
    enabled: change.enabled ?? current.enabled,
    approvedDomain: change.approved_domain === undefined ? current.approvedDomain : normalizeDomain(change.approved_domain),
  };
  if (!actor.isOwner) {
    if (next.enabled && !current.enabled) throw new AppError(403, 'OwnerOnly', 'Only the account owner can turn data export on');
    if (next.approvedDomain !== current.approvedDomain) throw new AppError(403, 'OwnerOnly', 'Only the account owner can change the approved email domain');
  }
  // jsonb_set keeps the other settings even if someone else changed them since this account was read.
  const [row] = await q.update(accounts)
    .set({
      settings: sql`jsonb_set(${accounts.settings}, '{export}', ${JSON.stringify({ enabled: next.enabled, approvedDomain: next.approvedDomain })}::jsonb)`,
      updatedAt: clock.now(),
    })
    .where(eq(accounts.id, account.id))
    .returning();
  return row!;
}

export async function ownerDomain(q: Queryable, accountId: number): Promise<string | null> {
  const [owner] = await q.select({ email: users.email }).from(users).where(and(eq(users.accountId, accountId), eq(users.isOwner, true))).limit(1);
  return owner ? emailDomain(owner.email) : null;
}

/** Tickets of the account, counted no further than `cap` (enough to compare with a threshold, cheap on big accounts). */
export async function countTicketsUpTo(q: Queryable, accountId: number, cap: number): Promise<number> {
  const inner = q.select({ one: sql`1` }).from(tickets).where(eq(tickets.accountId, accountId)).limit(cap).as('t');
  const [row] = await q.select({ n: sql<number>`count(*)::int` }).from(inner);
  return Number(row?.n ?? 0);
}

/** What the admin page needs to draw the export options, for this actor. */
export async function exportSettingsView(
  q: Queryable, config: Pick<Config, 'EXPORT_TICKET_THRESHOLD' | 'EXPORT_JSON_HINT_TICKETS'>, account: Account, actor: Actor,
) {
  assertAdmin(actor);
  const s = exportSettingsOf(account);
  const refusal = exportRefusal(account, actor);
  const limit = Math.max(config.EXPORT_TICKET_THRESHOLD, config.EXPORT_JSON_HINT_TICKETS);
  const count = await countTicketsUpTo(q, account.id, limit + 1);
  const jsonOnly = count > config.EXPORT_TICKET_THRESHOLD;
  return {
    enabled: s.enabled,
    approved_domain: s.approvedDomain,
    owner_domain: await ownerDomain(q, account.id),
    can_export: refusal === null,
    reason_if_not: refusal?.message ?? null,
    /** Only the owner turns export on and changes the domain; any admin may turn it off. */
    can_edit: actor.isOwner,
    can_disable: s.enabled,
    json_recommended: jsonOnly || count > config.EXPORT_JSON_HINT_TICKETS,
    json_only: jsonOnly,
    /** The two limits behind json_recommended and json_only, so the page can name them. */
    json_hint_tickets: config.EXPORT_JSON_HINT_TICKETS,
    ticket_threshold: config.EXPORT_TICKET_THRESHOLD,
  };
}
