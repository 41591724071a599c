import { HttpError, RetryableError, type HttpClient, type HttpRequest, type HttpResponse, type Logger } from '../sdk/index.ts';

const PREVIEW_BYTES = 2048;

/** Retry-After is either seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function buildUrl(req: HttpRequest): URL {
  const url = new URL(req.url);
  for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  return url;
}

/**
 * The HTTP client handed to connectors: a timeout on every call (and the job's abort signal), a debug
 * log row per call (method, URL, status, duration, a preview of the answer — the logger redacts
 * secrets), non-2xx answers as HttpError carrying Retry-After, network failures as RetryableError.
 */
export function createHttpClient(opts: { log: Logger; signal: AbortSignal; timeoutMs?: number; fetch?: typeof fetch }): HttpClient {
  const doFetch = opts.fetch ?? fetch;
  return {
    async request(req: HttpRequest): Promise<HttpResponse> {
      const method = req.method ?? (req.json !== undefined || req.body !== undefined ? 'POST' : 'GET');
      const url = buildUrl(req);
      const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
      let body: string | undefined = req.body;
      if (req.json !== undefined) {
        body = JSON.stringify(req.json);
        headers['content-type'] ??= 'application/json';
      }
      const timeoutMs = req.timeoutMs ?? opts.timeoutMs ?? 30_000;
      // A timer we hold, not AbortSignal.any([…, AbortSignal.timeout()]): on Node 20 nothing keeps the
      // composed signal alive, and once collected its timeout never fires (seen: a 300 ms timeout let
      // a 1.5 s answer through when the test process was busy).
      const controller = new AbortController();
      const onAbort = () => controller.abort(opts.signal.reason);
      if (opts.signal.aborted) onAbort(); else opts.signal.addEventListener('abort', onAbort, { once: true });
      let timedOut = false;
      const timer = setTimeout(() => { timedOut = true; controller.abort(new DOMException(`timed out after ${timeoutMs} ms`, 'TimeoutError')); }, timeoutMs);
      const signal = controller.signal;
      const started = performance.now();
      let res: Response;
      let text: string;
      try {
        res = await doFetch(url, { method, headers, body: body ?? null, signal });
        text = method === 'HEAD' ? '' : await res.text();
      } catch (err) {
        const durationMs = Math.round(performance.now() - started);
        const message = timedOut ? `${method} ${url.origin}${url.pathname} timed out after ${timeoutMs} ms` : `${method} ${url.origin}${url.pathname} failed: ${(err as Error).message}`;
        opts.log.debug(message, { request: { method, url: url.toString() }, duration_ms: durationMs });
        if (opts.signal.aborted) throw err;
        throw new RetryableError(message, undefined, timedOut ? 'Timeout' : 'NetworkError');
      } finally {
        clearTimeout(timer);
        opts.signal.removeEventListener('abort', onAbort);
      }
      const durationMs = Math.round(performance.now() - started);
      opts.log.debug(`${method} ${url.origin}${url.pathname} → ${res.status} (${durationMs} ms)`, {
        request: { method, url: url.toString(), body_bytes: body ? Buffer.byteLength(body) : 0 },
        response: { status: res.status, body_preview: text.slice(0, PREVIEW_BYTES) },
        duration_ms: durationMs,
      });
      const response: HttpResponse = {
        status: res.status, ok: res.ok, headers: res.headers, text, durationMs,
        json<T>() {
          try { return JSON.parse(text) as T; } catch { throw new HttpError(res.status, `${method} ${url.pathname}: the answer is not JSON`, undefined, text.slice(0, 200)); }
        },
      };
      if (!res.ok && req.throwOnError !== false) {
        throw new HttpError(res.status, `${method} ${url.origin}${url.pathname} answered ${res.status}${summary(text)}`, parseRetryAfter(res.headers.get('retry-after')), text.slice(0, PREVIEW_BYTES));
      }
      return response;
    },
  };
}

/** A short reason from an error body (`{"message": …}`, `{"error": …}`, or the first line). */
function summary(text: string): string {
  if (!text) return '';
  try {
    const j = JSON.parse(text) as unknown;
    const first = Array.isArray(j) ? j[0] : j;
    if (first && typeof first === 'object') {
      const o = first as Record<string, unknown>;
      const m = o.message ?? o.error_description ?? o.error ?? o.errors ?? o.description;
      if (m !== undefined) return `: ${typeof m === 'string' ? m : JSON.stringify(m)}`.slice(0, 300);
    }
  } catch { /* not JSON */ }
  return `: ${text.split('\n')[0]!.slice(0, 200)}`;
}
