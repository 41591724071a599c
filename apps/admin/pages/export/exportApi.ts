import { z } from 'zod/mini';
import type { ExportDataType, ExportState, ExportType } from '../../../../db/schema/exports.ts';
import { getJson, postJson, putJson } from '../../../shared/api.ts';

/*
 * The data export API as this page uses it (runner/http/routes/exports.ts). The allowed values come
 * from the schema's lists by type only, so the page does not bundle drizzle; a Record over each
 * type (options.ts) makes the compiler point at the page when the schema grows a value.
 */

export const EXPORT_TYPE_LIST = ['json', 'csv', 'xml', 'user_xml'] as const satisfies readonly ExportType[];
export const DATA_TYPE_LIST = ['tickets', 'users', 'organizations'] as const satisfies readonly ExportDataType[];
const STATE_LIST = ['queued', 'running', 'done', 'failed', 'expired'] as const satisfies readonly ExportState[];

const time = z.nullable(z.string());

const settingsSchema = z.object({
  enabled: z.boolean(),
  approved_domain: z.string(),
  owner_domain: z.nullable(z.string()),
  can_export: z.boolean(),
  reason_if_not: z.nullable(z.string()),
  can_edit: z.boolean(),
  can_disable: z.boolean(),
  json_recommended: z.boolean(),
  json_only: z.boolean(),
  json_hint_tickets: z.number(),
  ticket_threshold: z.number(),
});

const exportSchema = z.object({
  id: z.number(),
  type: z.enum(EXPORT_TYPE_LIST),
  data_type: z.nullable(z.enum(DATA_TYPE_LIST)),
  start_time: time,
  end_time: time,
  state: z.enum(STATE_LIST),
  progress: z.number(),
  rows: z.number(),
  requested_by: z.nullable(z.object({ id: z.number(), name: z.string(), email: z.string() })),
  snapshot_at: time,
  created_at: time,
  finished_at: time,
  expires_at: time,
  file_name: z.nullable(z.string()),
  size: z.nullable(z.number()),
  download_url: z.nullable(z.string()),
  error: z.nullable(z.string()),
});

const emailSchema = z.object({
  id: z.number(),
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  status: z.enum(['sent', 'unsent', 'failed']),
  sent_at: time,
  error: z.nullable(z.string()),
  created_at: time,
});

export type ExportSettings = z.infer<typeof settingsSchema>;
export type DataExport = z.infer<typeof exportSchema>;
export type OutboxEmail = z.infer<typeof emailSchema>;
export type ExportKind = (typeof EXPORT_TYPE_LIST)[number];
export type DataKind = (typeof DATA_TYPE_LIST)[number];

const settingsBody = z.object({ export_settings: settingsSchema });
const exportBody = z.object({ export: exportSchema });
const exportsBody = z.object({ exports: z.array(exportSchema) });
const emailsBody = z.object({ emails: z.array(emailSchema) });

const SETTINGS = '/api/v2/account/export_settings';
const EXPORTS = '/api/v2/exports';

export const isActive = (e: Pick<DataExport, 'state'>): boolean => e.state === 'queued' || e.state === 'running';

/** Same-origin path of the ZIP (the API's `download_url` is written with the request's origin). */
export const downloadHref = (id: number): string => `${EXPORTS}/${id}/download`;

export const fetchSettings = async (signal?: AbortSignal) => (await getJson(SETTINGS, settingsBody, signal)).export_settings;

/** Owner: `{ enabled: true, approved_domain }`; any admin: `{ enabled: false }`. Answers the settings as they now are. */
export const saveSettings = async (change: { enabled?: boolean; approved_domain?: string }) =>
  (await putJson(SETTINGS, { export_settings: change }, settingsBody)).export_settings;

export const fetchExports = async (signal?: AbortSignal) => (await getJson(EXPORTS, exportsBody, signal)).exports;

export const fetchLatest = async (signal?: AbortSignal) => (await getJson(`${EXPORTS}/latest`, exportsBody, signal)).exports;

export const fetchOutbox = async (signal?: AbortSignal) => (await getJson('/api/v2/email_outbox', emailsBody, signal)).emails;

export type ExportRequest = { type: ExportKind; data_type?: DataKind; start_time?: string; end_time?: string };

/** 202 with the new export; a 409 (one running per type) or a refusal throws ApiError with the server's reason. */
export const requestExport = async (request: ExportRequest) => (await postJson(EXPORTS, { export: request }, exportBody)).export;
