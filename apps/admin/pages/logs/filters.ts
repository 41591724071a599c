import { LOG_STATUSES, type LogStatus } from '../../../../db/schema/runner.ts';
import { isTimeZone } from '../../../shared/time.ts';

/**
 * What the Logs page shows lives in its address (a link shows the same rows to whoever opens it),
 * under the API's own parameter names: `start_time`, `end_time` (UTC instants), `status` and
 * `product` (comma lists), `q`, `ticket_id`; plus `tz` (a time zone other than the viewer's
 * default) and `log` (the row whose details are open). A value the page cannot use is left out,
 * never guessed at, and never an error: a hand-edited link still opens the page.
 */
export type LogFilters = {
  /** ISO 8601 UTC instants; the window is [start, end). */
  start?: string | undefined;
  end?: string | undefined;
  statuses: LogStatus[];
  products: string[];
  q: string;
  ticketId?: number | undefined;
};

export type LogView = LogFilters & {
  tz?: string | undefined;
  /** Id of the row whose details pane is open. */
  log?: number | undefined;
};

export { LOG_STATUSES, type LogStatus };

/** The API's limits: longer lists or texts would answer 400, so the page never sends them. */
export const MAX_PRODUCTS = 50;
export const MAX_PRODUCT_LENGTH = 200;
export const MAX_QUERY_LENGTH = 200;

export const emptyFilters = (): LogFilters => ({ statuses: [], products: [], q: '' });

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/i;
const POSITIVE_ID = /^[1-9]\d{0,14}$/;

/** `2026-03-08T07:30:00Z`: milliseconds only when there are some. */
export function canonicalInstant(at: Date): string {
  return at.toISOString().replace('.000Z', 'Z');
}

/** An instant with an explicit zone (Z or an offset), as canonicalInstant writes it; undefined otherwise. */
export function parseInstant(raw: string | null): string | undefined {
  // A '+' typed in an address, not percent-encoded, arrives as a space.
  const text = raw?.trim().replace(/ (\d{2}:\d{2})$/, '+$1');
  if (!text || !ISO_INSTANT.test(text)) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return undefined;
  // Date.parse rolls 02-30 over to March: the day must survive the trip.
  const day = text.slice(0, 10);
  const offset = /(?:Z|([+-])(\d{2}):(\d{2}))$/i.exec(text);
  const shift = offset?.[1] ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) * 60_000 : 0;
  if (new Date(ms + shift).toISOString().slice(0, 10) !== day) return undefined;
  return canonicalInstant(new Date(ms));
}

/** Every value of a list parameter, whether sent as `a,b` or repeated. */
const listValues = (params: URLSearchParams, name: string) =>
  params.getAll(name).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);

const unique = <T>(list: T[]) => [...new Set(list)];

function positiveId(raw: string | null): number | undefined {
  const value = raw?.trim();
  return value && POSITIVE_ID.test(value) ? Number(value) : undefined;
}

/** The page state a query string describes; whatever is malformed is dropped. */
export function parseLogQuery(params: URLSearchParams): LogView {
  let start = parseInstant(params.get('start_time'));
  let end = parseInstant(params.get('end_time'));
  // A window that ends before it starts holds nothing: neither bound can be trusted.
  if (start && end && Date.parse(start) >= Date.parse(end)) start = end = undefined;
  const statusSet = new Set(listValues(params, 'status').map((s) => s.toLowerCase()));
  const statuses = LOG_STATUSES.filter((s) => statusSet.has(s));
  const products = unique(listValues(params, 'product').filter((p) => p.length <= MAX_PRODUCT_LENGTH)).slice(0, MAX_PRODUCTS);
  const rawQ = (params.get('q') ?? '').trim();
  const tz = params.get('tz')?.trim();
  return {
    start, end, statuses, products,
    q: rawQ.length <= MAX_QUERY_LENGTH ? rawQ : '',
    ticketId: positiveId(params.get('ticket_id')),
    tz: tz && isTimeZone(tz) ? tz : undefined,
    log: positiveId(params.get('log')),
  };
}

/** The filters as API parameters (also the address's, which uses the same names). */
export function filterParams(f: LogFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (f.start) params.set('start_time', f.start);
  if (f.end) params.set('end_time', f.end);
  if (f.statuses.length) params.set('status', LOG_STATUSES.filter((s) => f.statuses.includes(s)).join(','));
  if (f.products.length) params.set('product', f.products.join(','));
  if (f.q.trim()) params.set('q', f.q.trim());
  if (f.ticketId !== undefined) params.set('ticket_id', String(f.ticketId));
  return params;
}

/** The query string of a page state, always in the same order, empty values left out. */
export function toLogQuery(view: LogView): URLSearchParams {
  const params = filterParams(view);
  if (view.tz) params.set('tz', view.tz);
  if (view.log !== undefined) params.set('log', String(view.log));
  return params;
}

/** `?a=b` or '' — for appending to a path. */
export const searchOf = (params: URLSearchParams): string => {
  const s = params.toString();
  return s ? `?${s}` : '';
};

/** Only the filters, for deciding when the rows must be read again. */
export const filterKey = (f: LogFilters): string => filterParams(f).toString();

/** How many filters narrow the rows (the window counts once), for the Filter button. */
export function activeFilterCount(f: LogFilters): number {
  return (f.start || f.end ? 1 : 0) + (f.statuses.length ? 1 : 0) + (f.products.length ? 1 : 0) + (f.ticketId !== undefined ? 1 : 0);
}

export const hasFilters = (f: LogFilters): boolean => activeFilterCount(f) > 0 || f.q.trim() !== '';

/** Rows arriving live can only appear while the window stays open-ended. */
export const canTail = (f: LogFilters): boolean => f.end === undefined;
