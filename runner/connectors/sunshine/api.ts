import { HttpError, type HttpClient, type HttpResponse } from '../../sdk/index.ts';
import { parseJson, sunshineConversation, sunshineErrors, type SunshineConversation } from './payload.ts';

export type SunshineSettings = { appId: string; keyId: string; apiBaseUrl: string };
export type SunshineCredentials = { keySecret: string; webhookSecret: string };

/** Sunshine said the conversation does not exist (404 `conversation_not_found`): retrying cannot help. */
export class UnknownConversationError extends Error {
  constructor(readonly appId: string, readonly conversationId: string, readonly sunshineCode: string) {
    super(`Conversation ${conversationId} does not exist in Sunshine app ${appId} (${sunshineCode})`);
    this.name = 'UnknownConversationError';
  }
}

/** "conversation_not_found: Conversation not found", or the body's first line when it is not Sunshine's envelope. */
export function sunshineReason(res: HttpResponse): string {
  const parsed = sunshineErrors.safeParse(parseJson(res.text));
  if (parsed.success) return parsed.data.errors.map((e) => (e.title ? `${e.code}: ${e.title}` : e.code)).join('; ');
  return res.text.split('\n')[0]!.slice(0, 200) || `HTTP ${res.status}`;
}

const retryAfterMs = (res: HttpResponse): number | undefined => {
  const raw = res.headers.get('retry-after');
  return raw && /^\d+$/.test(raw.trim()) ? Number(raw) * 1000 : undefined;
};

/**
 * The Sunshine Conversations v2 calls the connector makes on the app's behalf (basic auth with the
 * app's key id and secret). A non-2xx answer becomes an HttpError carrying Sunshine's reason and
 * Retry-After, which the engine retries (429, 5xx) or gives up on (other 4xx).
 */
export function sunshineApi(http: HttpClient, settings: SunshineSettings, credentials: SunshineCredentials) {
  const base = `${settings.apiBaseUrl.replace(/\/+$/, '')}/v2/apps/${encodeURIComponent(settings.appId)}`;
  const headers = { authorization: `Basic ${Buffer.from(`${settings.keyId}:${credentials.keySecret}`).toString('base64')}` };
  const conversationUrl = (id: string) => `${base}/conversations/${encodeURIComponent(id)}`;

  async function call(method: 'GET' | 'POST', url: string, conversationId: string, json?: unknown): Promise<HttpResponse> {
    const res = await http.request({ method, url, headers, json, throwOnError: false });
    if (res.ok) return res;
    const reason = sunshineReason(res);
    if (res.status === 404 && reason.startsWith('conversation_not_found')) throw new UnknownConversationError(settings.appId, conversationId, 'conversation_not_found');
    throw new HttpError(res.status, `Sunshine ${method} ${new URL(url).pathname} answered ${res.status}: ${reason}`, retryAfterMs(res), res.text.slice(0, 500));
  }

  return {
    async getConversation(id: string): Promise<SunshineConversation> {
      const res = await call('GET', conversationUrl(id), id);
      const parsed = sunshineConversation.safeParse((parseJson(res.text) as { conversation?: unknown } | undefined)?.conversation);
      if (!parsed.success) throw new HttpError(res.status, `Sunshine answered GET conversation ${id} without a conversation object`, undefined, res.text.slice(0, 500));
      return parsed.data;
    },
    /** Posts a text message as the business; returns the new message's id. */
    async postText(conversationId: string, text: string): Promise<string | undefined> {
      const res = await call('POST', `${conversationUrl(conversationId)}/messages`, conversationId, {
        author: { type: 'business' }, content: { type: 'text', text },
      });
      const body = parseJson(res.text) as { messages?: { id?: string }[] } | undefined;
      return body?.messages?.[0]?.id;
    },
  };
}
