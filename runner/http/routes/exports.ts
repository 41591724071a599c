import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { desc, eq } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { EXPORT_DATA_TYPES, EXPORT_TYPES, emailOutbox, type EmailMessage } from '../../../db/schema/index.ts';
import { hasRole } from '../../core/context.ts';
import { AppError } from '../../core/errors.ts';
import { iso } from '../../core/format.ts';
import {
  exportFilePath, exportShape, findExport, isDownloadable, latestExports, listExports, requestExport, type ExportWithRequester,
} from '../../exports/requests.ts';
import { assertAdmin, assertCanExport, exportSettingsView, updateExportSettings } from '../../exports/settings.ts';
import { currentActor } from '../auth.ts';
import type { AppEnv, Deps } from '../types.ts';
import { idParam, jsonBody } from '../validate.ts';

/** ISO 8601 or epoch seconds (a number or a string of digits), as the incremental API takes them. */
const zTime = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const raw = typeof v === 'string' ? v.trim() : v;
  const at = typeof raw === 'number' || /^\d{1,11}$/.test(raw)
    ? new Date(Number(raw) * 1000)
    : /^\d{4}-\d{2}-\d{2}/.test(raw) ? new Date(raw) : new Date(NaN);
  if (!Number.isNaN(at.getTime())) return at;
  ctx.addIssue({ code: 'custom', message: 'must be an ISO-8601 date and time or epoch seconds' });
  return z.NEVER;
});

const RANGED = new Set(['json', 'csv']);

const exportBody = z.object({
  type: z.enum(EXPORT_TYPES, `must be one of ${EXPORT_TYPES.join(', ')}`),
  data_type: z.enum(EXPORT_DATA_TYPES, `must be one of ${EXPORT_DATA_TYPES.join(', ')}`).nullish(),
  start_time: zTime.nullish(),
  end_time: zTime.nullish(),
}).superRefine((b, ctx) => {
  if (b.type === 'json' && !b.data_type) ctx.addIssue({ code: 'custom', path: ['data_type'], message: `is required for JSON exports: one of ${EXPORT_DATA_TYPES.join(', ')}` });
  if (b.type !== 'json' && b.data_type) ctx.addIssue({ code: 'custom', path: ['data_type'], message: 'applies to JSON exports only' });
  for (const key of ['start_time', 'end_time'] as const) {
    if (b[key] && !RANGED.has(b.type)) ctx.addIssue({ code: 'custom', path: [key], message: 'applies to JSON and CSV exports only' });
  }
  if (b.start_time && b.end_time && b.start_time >= b.end_time) ctx.addIssue({ code: 'custom', path: ['start_time'], message: 'must be before end_time' });
});

const settingsBody = z.object({
  enabled: z.boolean().optional(),
  approved_domain: z.string().max(253).nullish().transform((d) => (d === null ? '' : d)),
});

const TYPE_NAMES: Record<string, string> = { json: 'JSON', csv: 'CSV', xml: 'XML', user_xml: 'user XML' };

const shape = (c: Context<AppEnv>, e: ExportWithRequester, now: Date) => exportShape(e, now, c.get('base'));

/** `GET/PUT /api/v2/account/export_settings` (SPEC E1–E3). */
export function exportSettingsRoutes({ database, clock, config }: Deps) {
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => c.json({ export_settings: await exportSettingsView(database.db, config, c.get('account'), currentActor(c)) }));
  app.put('/', async (c) => {
    const actor = currentActor(c);
    assertAdmin(actor);
    const change = await jsonBody(c, settingsBody, 'export_settings');
    const account = await updateExportSettings(database.db, clock, c.get('account'), actor, change);
    return c.json({ export_settings: await exportSettingsView(database.db, config, account, actor) });
  });
  return app;
}

/** `/api/v2/exports` (SPEC E4–E6): request, follow, and download exports. */
export function exportRoutes({ database, clock, config, engine }: Deps) {
  const app = new Hono<AppEnv>();
  const db = database.db;
  // Every route is an export option: refused with the reason to non-admins, when off, or outside the approved domain.
  app.use('*', async (c, next) => {
    assertCanExport(c.get('account'), currentActor(c));
    await next();
  });

  app.post('/', async (c) => {
    if (!engine) throw new AppError(503, 'RunnerUnavailable', 'This process does not run background jobs; send export requests to one that does');
    const body = await jsonBody(c, exportBody, 'export');
    const outcome = await requestExport(database, clock, config, c.get('account'), currentActor(c), {
      type: body.type, dataType: body.data_type ?? null, startTime: body.start_time ?? null, endTime: body.end_time ?? null,
    });
    const now = clock.now();
    if ('running' in outcome) {
      const { row, requester } = outcome.running;
      return c.json({
        error: 'ExportRunning',
        description: `A ${TYPE_NAMES[row.type]} export (#${row.id}, requested by ${requester?.name ?? 'a former user'} at ${iso(row.createdAt)}) is already ${row.state}; one export per type runs at a time. Wait for it to finish, then request again.`,
        export: shape(c, outcome.running, now),
      }, 409);
    }
    engine.poke();
    c.header('Location', `${c.get('base')}/api/v2/exports/${outcome.created.row.id}`);
    return c.json({ export: shape(c, outcome.created, now) }, 202);
  });

  app.get('/', async (c) => {
    const now = clock.now();
    return c.json({ exports: (await listExports(db, c.get('account').id)).map((e) => shape(c, e, now)) });
  });

  app.get('/latest', async (c) => {
    const now = clock.now();
    return c.json({ exports: (await latestExports(db, c.get('account').id, now)).map((e) => shape(c, e, now)) });
  });

  app.get('/:id', async (c) => c.json({ export: shape(c, await findExport(db, c.get('account').id, idParam(c)), clock.now()) }));

  app.get('/:id/download', async (c) => {
    const { row } = await findExport(db, c.get('account').id, idParam(c));
    const now = clock.now();
    if (row.state === 'expired' || (row.state === 'done' && !isDownloadable(row, now))) {
      throw new AppError(410, 'Gone', `The download link of export #${row.id} expired on ${iso(row.expiresAt)}; request a new export`);
    }
    if (row.state !== 'done') {
      const why = row.state === 'failed' ? `it failed: ${row.error ?? 'unknown error'}` : `it is ${row.state} (${row.progress}%)`;
      throw new AppError(409, 'ExportNotReady', `Export #${row.id} has no file to download: ${why}`);
    }
    const name = row.file!.name;
    // Open before answering: the purge may delete the file, and an open handle keeps reading it.
    const handle = await open(exportFilePath(config.EXPORT_DIR, row)!).catch(() => {
      throw new AppError(410, 'Gone', `The file of export #${row.id} is no longer on the server; request a new export`);
    });
    const { size } = await handle.stat();
    return new Response(Readable.toWeb(handle.createReadStream()) as ReadableStream, {
      headers: {
        'content-type': 'application/zip',
        'content-length': String(size),
        'content-disposition': `attachment; filename="${name.replace(/["\\\r\n]/g, '_')}"`,
        'cache-control': 'private, no-store',
      },
    });
  });
  return app;
}

const emailShape = (m: EmailMessage) => ({
  id: m.id, to: m.to, subject: m.subject, text: m.text,
  status: m.sentAt ? 'sent' : m.error ? 'failed' : 'unsent',
  sent_at: iso(m.sentAt), error: m.error, created_at: iso(m.createdAt),
});

/** `GET /api/v2/email_outbox`: the mail the account sent or holds (unsent without SMTP_URL), newest first. */
export function emailOutboxRoutes({ database }: Deps) {
  const app = new Hono<AppEnv>();
  app.get('/', async (c) => {
    if (!hasRole(currentActor(c), 'admin')) throw new AppError(403, 'Forbidden', 'Only admins can read the account\'s outgoing mail');
    const rows = await database.db.select().from(emailOutbox)
      .where(eq(emailOutbox.accountId, c.get('account').id)).orderBy(desc(emailOutbox.id)).limit(50);
    return c.json({ emails: rows.map(emailShape) });
  });
  return app;
}
