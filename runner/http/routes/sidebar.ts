import type { KeyObject } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { Hono, type MiddlewareHandler } from 'hono';
import { connectorInstallations, integrationLogs, ticketMetrics, users, type Ticket } from '../../../db/schema/index.ts';
import type { Actor } from '../../core/context.ts';
import { hasRole } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import { iso } from '../../core/format.ts';
import { ticketMetricShape } from '../../core/metrics/store.ts';
import { findTicket } from '../../core/tickets.ts';
import { findUserByEmail } from '../../core/users.ts';
import { enqueue } from '../../engine/queue.ts';
import { listPage, logShape } from '../../logs/query.ts';
import type { AnyConnector } from '../../sdk/index.ts';
import { authenticate, currentActor, requireRole, tenancy, toActor } from '../auth.ts';
import type { AppEnv, Deps } from '../types.ts';
import { idParam } from '../validate.ts';
import { parsePublicKey, verifyZafJwt, zafAudience } from '../zaf-jwt.ts';

/** The job a connector declares to push one ticket to its system again (the Salesforce connector does). */
export const RESYNC_JOB = 'resync_ticket';
/** Where the Admin Center shows the integration log; its filters live in the query string. */
export const LOG_PAGE = '/admin/apps-integrations/integrations/logs';
const TIMELINE_SIZE = 25;

/** Who a valid ZAF JWT acts as when it names no user of the account: an agent that may read, not change. */
const appActor = (accountId: number): Actor => ({ id: 0, accountId, role: 'agent', isOwner: false, email: '', name: 'Zendesk app' });

/**
 * Either a ZAF JWT (`Authorization: Bearer <RS256 JWT>`, the sidebar inside Zendesk) or what the
 * rest of the API accepts (session cookie, API token: the sidebar inside deskbridge's agent view).
 * A token's `email` claim naming an active agent or admin of the account acts as that user.
 */
function zafOrSession(deps: Deps, publicKey: KeyObject | undefined): MiddlewareHandler<AppEnv> {
  const standard = authenticate(deps);
  return async function zafOrSessionMiddleware(c, next) {
    const header = c.req.header('authorization') ?? '';
    if (!/^bearer /i.test(header)) return standard(c, next);
    if (!publicKey) throw new AppError(401, 'Unauthorized', 'This server does not accept ZAF tokens: ZAF_PUBLIC_KEY is not set');
    const account = c.get('account');
    const claims = verifyZafJwt(header.slice(7).trim(), {
      publicKey, audience: zafAudience(c.get('base')), subdomain: account.subdomain, now: deps.clock.now(),
    });
    const user = claims.email ? await findUserByEmail(deps.database.db, account.id, claims.email) : undefined;
    const named = user && user.active && !user.suspended && hasRole(user, 'agent');
    c.set('actor', named ? toActor(user) : appActor(account.id));
    await next();
  };
}

const ticketSummary = (t: Ticket) => ({
  id: t.id, subject: t.subject, status: t.status, requester_id: t.requesterId, assignee_id: t.assigneeId,
  tags: t.tags, created_at: iso(t.createdAt), updated_at: iso(t.updatedAt),
});

/** The log page filtered to one ticket since it was created, optionally with one row's details open. */
function logLink(base: string, t: Ticket, logId?: number): string {
  const q = new URLSearchParams({ ticket_id: String(t.id), start_time: t.createdAt.toISOString().replace('.000Z', 'Z') });
  if (logId !== undefined) q.set('log', String(logId));
  return `${base}${LOG_PAGE}?${q}`;
}

/**
 * What the ticket sidebar app reads and does (SPEC A1, B5): one call for the ticket's metrics, its
 * integration timeline and its requester; the admins' re-sync. Mounted in app.ts ahead of the
 * `/api/*` middleware, because that one refuses the Bearer tokens this group accepts.
 */
export function sidebarRoutes(deps: Deps & { connectors: readonly AnyConnector[] }) {
  const app = new Hono<AppEnv>();
  const db = deps.database.db;
  const publicKey = deps.config.ZAF_PUBLIC_KEY ? parsePublicKey(deps.config.ZAF_PUBLIC_KEY) : undefined;
  const resyncers = new Map(deps.connectors.filter((c) => c.jobs?.[RESYNC_JOB]).map((c) => [c.id, c]));

  app.use('*', tenancy(deps), zafOrSession(deps, publicKey), requireRole('agent'));

  app.get('/tickets/:id', async (c) => {
    const accountId = c.get('account').id;
    const base = c.get('base');
    const actor = currentActor(c);
    const t = await findTicket(db, accountId, idParam(c));
    const [[metric], [requester], page, installs] = await Promise.all([
      db.select().from(ticketMetrics).where(and(eq(ticketMetrics.accountId, accountId), eq(ticketMetrics.ticketId, t.id))),
      db.select({ id: users.id, name: users.name, email: users.email }).from(users).where(and(eq(users.accountId, accountId), eq(users.id, t.requesterId))),
      listPage(db, { accountId, ticketId: t.id }, TIMELINE_SIZE),
      db.select().from(connectorInstallations).where(and(eq(connectorInstallations.accountId, accountId), eq(connectorInstallations.enabled, true))),
    ]);
    const canResync = hasRole(actor, 'admin') && installs.some((i) => resyncers.has(i.connectorId));
    return c.json({
      ticket: ticketSummary(t),
      metrics: metric ? ticketMetricShape(metric, base) : null,
      requester: requester ?? null,
      timeline: {
        logs: page.rows.map((r) => ({ ...logShape(r, base), log_url: logLink(base, t, r.id) })),
        has_more: page.hasMore,
        log_url: logLink(base, t),
      },
      viewer: { id: actor.id, name: actor.name, role: actor.role, can_resync: canResync },
    });
  });

  // Queues the connectors' `resync_ticket` job for the ticket, one per enabled installation that has it.
  app.post('/tickets/:id/resync', requireRole('admin'), async (c) => {
    const accountId = c.get('account').id;
    const actor = currentActor(c);
    const t = await findTicket(db, accountId, idParam(c));
    const installs = (await db.select().from(connectorInstallations)
      .where(and(eq(connectorInstallations.accountId, accountId), eq(connectorInstallations.enabled, true))))
      .filter((i) => resyncers.has(i.connectorId));
    if (installs.length === 0) {
      throw new AppError(422, 'NothingToResync', `No enabled integration of this account can re-sync a ticket (none declares the ${RESYNC_JOB} job)`);
    }
    const queued = [];
    for (const install of installs) {
      const connector = resyncers.get(install.connectorId)!;
      const input = {
        accountId, kind: 'job', name: RESYNC_JOB, payload: { ticket_id: t.id }, connectorId: connector.id,
        installationId: install.id, ticketId: t.id, maxAttempts: connector.maxAttempts,
      };
      const job = deps.engine ? await deps.engine.enqueue(input) : await enqueue(db, input, deps.clock);
      const [log] = await db.insert(integrationLogs).values({
        ts: deps.clock.now(), accountId, product: connector.product, status: 'info', ticketId: t.id, jobId: job.id,
        description: `Re-sync of ticket #${t.id} to ${install.name} requested by ${actor.name}`,
        details: { job_id: job.id, installation_id: install.id, requested_by: { id: actor.id, name: actor.name } },
      }).returning();
      queued.push({ job_id: job.id, connector_id: connector.id, installation_id: install.id, installation_name: install.name, log_id: log!.id });
    }
    return c.json({ resync: queued }, 202);
  });

  return app;
}
