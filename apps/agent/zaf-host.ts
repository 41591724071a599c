/**
 * The host side of the ZAF postMessage protocol, as zendesk_app_framework_sdk (lib/client.js)
 * speaks it, for the calls the sidebar app makes — so the bundle Zendesk runs also runs here:
 *
 *   app → host  {key:'iframe.handshake'}            host → app {key:'zaf.app.registered', message:{context, metadata}}
 *   app → host  {key:'iframe.on:<event>'}           host → app {key:'zaf.<event>', message} when it happens
 *   app → host  {id, request:'get', params:[paths]} host → app {id, result:{<path>: value, errors:{<path>: error}}}
 *   app → host  {id, request:'invoke', params:{resize:[{height}]}}   host → app {id, result:{}}
 *   app → host  {key:'request:<n>', message: options}  host → app {key:'zaf.request:<n>.done' | '.fail', message:{responseArgs}}
 *
 * Messages are JSON strings, accepted only from the frame's window and our own origin. Requests
 * go to this origin only, with the agent's session cookie; `{{setting.…}}` placeholders (secure
 * settings Zendesk's proxy would fill) are dropped, since here the session is the credential.
 */

export type HostValues = Record<string, unknown>;
export type HostOptions = {
  frame: HTMLIFrameElement;
  appGuid: string;
  context: Record<string, unknown>;
  metadata: Record<string, unknown>;
  /** What `client.get(path)` answers: `ticket.id`, `ticket.requester`, `currentUser`, … */
  values: () => HostValues;
  onResize: (size: { width?: string; height?: string }) => void;
};

type Incoming = { key?: string; message?: unknown; id?: number; request?: string; params?: unknown };

const SECURE_PLACEHOLDER = /\{\{\s*setting\./;

/** A `jqXHR`-like object, which is what ZAF hands a failing request's handler. */
const xhrLike = (status: number, text: string, json: unknown) => ({ status, statusText: String(status), responseText: text, responseJSON: json });

export function frameSource(appGuid: string, path = '/zaf/assets/iframe.html'): string {
  return `${path}?origin=${encodeURIComponent(window.location.origin)}&app_guid=${encodeURIComponent(appGuid)}`;
}

export function createZafHost(opts: HostOptions) {
  const subscribed = new Set<string>();
  const post = (msg: Record<string, unknown>) => opts.frame.contentWindow?.postMessage(JSON.stringify(msg), window.location.origin);
  const emit = (event: string, message?: unknown) => post({ key: `zaf.${event}`, message });

  function get(id: number, paths: unknown) {
    const values = opts.values();
    const result: Record<string, unknown> = {};
    const errors: Record<string, unknown> = {};
    for (const p of Array.isArray(paths) ? paths : []) {
      if (typeof p !== 'string') continue;
      if (p in values) result[p] = values[p];
      else errors[p] = { name: 'APIUnavailable', message: 'is not available in the deskbridge agent view', path: p };
    }
    post({ id, result: { ...result, errors } });
  }

  function invoke(id: number, params: unknown) {
    const calls = (params ?? {}) as Record<string, unknown[]>;
    const size = calls.resize?.[0] as { width?: string; height?: string } | undefined;
    if (size) opts.onResize(size);
    const unknown = Object.keys(calls).filter((k) => k !== 'resize');
    if (unknown.length > 0) post({ id, error: { name: 'APIUnavailable', message: `${unknown.join(', ')} is not available in the deskbridge agent view` } });
    else post({ id, result: {} });
  }

  async function request(key: string, options: unknown) {
    const o = (typeof options === 'string' ? { url: options } : options ?? {}) as {
      url?: string; type?: string; data?: unknown; contentType?: string; headers?: Record<string, string>;
    };
    const reply = (outcome: 'done' | 'fail', args: unknown[]) => emit(`${key}.${outcome}`, { responseArgs: args });
    let url: URL;
    try {
      url = new URL(o.url ?? '', window.location.origin);
    } catch {
      return reply('fail', [xhrLike(400, 'Bad URL', null), 'error', 'Bad URL']);
    }
    if (url.origin !== window.location.origin) return reply('fail', [xhrLike(403, 'The agent view only sends requests to deskbridge', null), 'error', 'Forbidden']);
    const headers: Record<string, string> = { Accept: 'application/json' };
    for (const [name, value] of Object.entries(o.headers ?? {})) if (!SECURE_PLACEHOLDER.test(value)) headers[name] = value;
    if (o.data !== undefined) headers['Content-Type'] = o.contentType ?? 'application/x-www-form-urlencoded';
    try {
      const res = await fetch(url, {
        method: (o.type ?? 'GET').toUpperCase(), headers, credentials: 'same-origin',
        body: o.data === undefined ? undefined : typeof o.data === 'string' ? o.data : JSON.stringify(o.data),
      });
      const text = await res.text();
      let json: unknown = null;
      try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
      if (res.ok) reply('done', [json ?? text, 'success', xhrLike(res.status, text, json)]);
      else reply('fail', [xhrLike(res.status, text, json), 'error', res.statusText]);
    } catch {
      reply('fail', [xhrLike(0, '', null), 'error', 'Network error']);
    }
  }

  function onMessage(event: MessageEvent) {
    if (event.source !== opts.frame.contentWindow || event.origin !== window.location.origin) return;
    let msg: Incoming;
    try {
      msg = (typeof event.data === 'string' ? JSON.parse(event.data) : event.data) as Incoming;
    } catch {
      return;
    }
    if (!msg || typeof msg !== 'object') return;
    if (typeof msg.id === 'number' && msg.request === 'get') return get(msg.id, msg.params);
    if (typeof msg.id === 'number' && msg.request === 'invoke') return invoke(msg.id, msg.params);
    if (typeof msg.id === 'number') return post({ id: msg.id, error: { name: 'APIUnavailable', message: `${msg.request} is not available in the deskbridge agent view` } });
    const key = msg.key ?? '';
    if (key === 'iframe.handshake') emit('app.registered', { context: opts.context, metadata: opts.metadata });
    else if (key.startsWith('iframe.on:')) subscribed.add(key.slice('iframe.on:'.length));
    else if (key.startsWith('request:')) void request(key, msg.message);
  }

  window.addEventListener('message', onMessage);
  return {
    /** Sends a framework event (`ticket.updated`, …) to the app when it listens for it. */
    trigger(event: string, data?: unknown) {
      if (subscribed.has(event)) emit(event, data);
    },
    dispose: () => window.removeEventListener('message', onMessage),
  };
}
