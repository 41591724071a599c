import { z } from 'zod';
import { HttpError, PermanentError, type HandlerContext } from '../../sdk/index.ts';
import type { Credentials, Settings } from './settings.ts';

export type SalesforceContext = HandlerContext<Settings, Credentials>;

const oauthError = z.object({ error: z.string(), error_description: z.string().optional() });
const tokenAnswer = z.object({ access_token: z.string(), refresh_token: z.string().optional(), instance_url: z.string().optional() });

/** Retry-After in seconds or as an HTTP date. */
export function retryAfterMs(headers: Headers): number | undefined {
  const raw = headers.get('retry-after');
  if (!raw) return undefined;
  if (/^\d+$/.test(raw.trim())) return Number(raw) * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/**
 * OAuth 2.0 for one handler run: the stored access token, else one obtained with the connection's
 * grant — client credentials, a refresh token, or a one-time authorization code (exchanged once, the
 * refresh token it yields kept instead). Every new token is saved with `ctx.saveCredentials`, which
 * the engine stores encrypted, so later jobs start from it.
 */
export function createTokenSource(ctx: SalesforceContext) {
  const { settings } = ctx;
  let credentials: Credentials = { ...ctx.credentials };
  const tokenUrl = `${(settings.loginUrl ?? settings.instanceUrl).replace(/\/+$/, '')}/services/oauth2/token`;

  function grant(): { name: string; form: Record<string, string> } {
    const client = { client_id: credentials.clientId, client_secret: credentials.clientSecret };
    if (settings.authFlow === 'client_credentials') return { name: 'client_credentials', form: { grant_type: 'client_credentials', ...client } };
    if (credentials.refreshToken) return { name: 'refresh_token', form: { grant_type: 'refresh_token', refresh_token: credentials.refreshToken, ...client } };
    if (credentials.authorizationCode) {
      if (!settings.redirectUri) throw new PermanentError('Salesforce: an authorization code needs the connected app\'s callback URL in the connection settings', 'SalesforceNotConnected');
      return { name: 'authorization_code', form: { grant_type: 'authorization_code', code: credentials.authorizationCode, redirect_uri: settings.redirectUri, ...client } };
    }
    throw new PermanentError('Salesforce is not connected: give a refresh token or an authorization code in the connection\'s credentials', 'SalesforceNotConnected');
  }

  async function obtain(reason: string): Promise<string> {
    const { name, form } = grant();
    const res = await ctx.http.request({
      method: 'POST', url: tokenUrl, body: new URLSearchParams(form).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, throwOnError: false,
    });
    if (res.status >= 500 || res.status === 429) throw new HttpError(res.status, `Salesforce token endpoint answered ${res.status}`, retryAfterMs(res.headers));
    let body: unknown;
    try { body = JSON.parse(res.text); } catch { body = null; }
    const ok = tokenAnswer.safeParse(body);
    if (!res.ok || !ok.success) {
      const err = oauthError.safeParse(body);
      const why = err.success ? `${err.data.error}${err.data.error_description ? `: ${err.data.error_description}` : ''}` : `HTTP ${res.status}`;
      // invalid_grant / invalid_client will not heal by retrying: an admin must reconnect.
      throw new PermanentError(`Salesforce refused the ${name} grant (${why}): check the connection's credentials`, 'SalesforceAuthFailed');
    }
    const { authorizationCode: _used, ...rest } = credentials;
    credentials = { ...rest, accessToken: ok.data.access_token, ...(ok.data.refresh_token ? { refreshToken: ok.data.refresh_token } : {}) };
    await ctx.saveCredentials(credentials);
    ctx.log.info(`Salesforce access token ${reason === 'expired' ? 'refreshed (the previous one had expired)' : 'obtained'}`, { grant_type: name });
    return ok.data.access_token;
  }

  return {
    current: async () => credentials.accessToken ?? obtain('missing'),
    refresh: (reason: 'expired') => obtain(reason),
  };
}
