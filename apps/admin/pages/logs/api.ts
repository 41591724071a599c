import { z } from 'zod/mini';
import { JOB_STATES, LOG_STATUSES } from '../../../../db/schema/runner.ts';
import { getJson, postJson } from '../../../shared/api.ts';
import { filterParams, searchOf, type LogFilters } from './filters.ts';

/** The integration log API as the page uses it (runner/http/routes/logs.ts). */
export const LOGS_API = '/api/v2/integrations/logs';

const logRow = z.object({
  id: z.number(),
  timestamp: z.string(),
  product: z.string(),
  status: z.enum(LOG_STATUSES),
  description: z.string(),
  details: z.unknown(),
  ticket_id: z.nullable(z.number()),
  job_id: z.nullable(z.number()),
});

const logPage = z.object({
  logs: z.array(logRow),
  meta: z.object({ has_more: z.boolean(), after_cursor: z.nullable(z.string()) }),
  links: z.object({ next: z.nullable(z.string()) }),
});

const jobInfo = z.object({
  id: z.number(),
  state: z.enum(JOB_STATES),
  attempts: z.number(),
  max_attempts: z.number(),
  run_at: z.nullable(z.string()),
  last_error: z.unknown(),
  retryable: z.boolean(),
});

const logDetail = z.object({ log: logRow, job: z.optional(z.nullable(jobInfo)) });
const retried = z.object({ job: jobInfo, log: logRow });
const productList = z.object({
  products: z.array(z.object({ name: z.string(), error_count: z.number(), error_count_capped: z.boolean() })),
});
const me = z.object({ user: z.object({ time_zone: z.optional(z.nullable(z.string())) }) });

export type LogRow = z.infer<typeof logRow>;
export type LogPage = z.infer<typeof logPage>;
export type JobInfo = z.infer<typeof jobInfo>;
export type LogDetail = z.infer<typeof logDetail>;
export type ProductWithErrors = z.infer<typeof productList>['products'][number];

/** Where the next page is: the API's `links.next` keeps the filters and pins the window; only its query is used, on this origin. */
export type PageCursor = string;

export function fetchFirstPage(f: LogFilters, signal?: AbortSignal): Promise<LogPage> {
  return getJson(LOGS_API + searchOf(filterParams(f)), logPage, signal);
}

export function fetchNextPage(next: PageCursor, signal?: AbortSignal): Promise<LogPage> {
  return getJson(LOGS_API + new URL(next, window.location.origin).search, logPage, signal);
}

export const fetchLog = (id: number, signal?: AbortSignal): Promise<LogDetail> => getJson(`${LOGS_API}/${id}`, logDetail, signal);

export const retryLog = (id: number) => postJson(`${LOGS_API}/${id}/retry`, {}, retried);

/** Products with errors in the window (the window as typed in the filter; the API's default week otherwise). */
export async function fetchProducts(window: { start?: string | undefined; end?: string | undefined }, signal?: AbortSignal): Promise<ProductWithErrors[]> {
  const params = new URLSearchParams();
  if (window.start) params.set('start_time', window.start);
  if (window.end) params.set('end_time', window.end);
  return (await getJson(`${LOGS_API}/products${searchOf(params)}`, productList, signal)).products;
}

/** The signed-in user's profile time zone, null when the profile names none. */
export async function fetchProfileTimeZone(signal?: AbortSignal): Promise<string | null> {
  return (await getJson('/api/v2/users/me', me, signal)).user.time_zone ?? null;
}

export const exportHref = (f: LogFilters, format: 'csv' | 'ndjson'): string => {
  const params = filterParams(f);
  params.set('format', format);
  return `${LOGS_API}/export?${params.toString()}`;
};

/** The live tail: the filters, open-ended (the page only tails a window without an end). */
export const streamHref = (f: LogFilters): string => `${LOGS_API}/stream${searchOf(filterParams({ ...f, end: undefined }))}`;

export const parseStreamRow = (data: string): LogRow | undefined => {
  try {
    const parsed = logRow.safeParse(JSON.parse(data));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};
