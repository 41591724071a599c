import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { jobRow } from '../../helpers/runner.ts';
import { CLIENT, createTicketViaApi, requestsTo, useSalesforce } from './setup.ts';

/** Ticket syncs only: a scheduled poll would ask for tokens too, alongside the job under test. */
const NO_POLL = { syncAccounts: false, syncContacts: false, syncLeads: false };
const t = useSalesforce({ authorizationCodes: ['aPrx-one-time-code'] });
const tokenRequests = () => requestsTo(t.sf, 'POST', /\/services\/oauth2\/token$/).map((r) => r.body as Record<string, string>);
const storedColumn = async () => (await t.world.database.rows<{ credentials: string }>(sql`select credentials from connector_installations where id = ${t.installationId}`))[0]!.credentials;

describe('Salesforce OAuth', () => {
  it('client credentials: the token is obtained once, stored encrypted, and reused by the next job', async () => {
    await t.install(NO_POLL);
    await createTicketViaApi(t.world, {});
    await t.drain();
    expect(tokenRequests()).toEqual([expect.objectContaining({ grant_type: 'client_credentials', client_id: CLIENT.clientId })]);
    const { accessToken } = await t.credentials();
    expect(t.sf.state.accessTokens.has(accessToken as string)).toBe(true);
    const column = await storedColumn();
    expect(column).toMatch(/^v1:/);
    expect(column).not.toContain(accessToken);

    await createTicketViaApi(t.world, { subject: 'Second' });
    await t.drain();
    expect(tokenRequests()).toHaveLength(1);
    expect(t.sf.state.find('Case')).toHaveLength(2);
    // The token never reaches the log.
    const rows = await t.rows();
    expect(JSON.stringify(rows)).not.toContain(accessToken);
  });

  it('an expired token (401 INVALID_SESSION_ID) is refreshed with the refresh token, saved encrypted, and the call repeated', async () => {
    await t.install({ ...NO_POLL, authFlow: 'authorization_code' }, { ...CLIENT, refreshToken: 'sandbox-refresh-token', accessToken: 'stale-token-from-yesterday' });
    const ticket = await createTicketViaApi(t.world, {});
    await t.drain();

    expect(tokenRequests()).toEqual([expect.objectContaining({ grant_type: 'refresh_token', refresh_token: 'sandbox-refresh-token' })]);
    const saved = await t.credentials();
    expect(saved.accessToken).not.toBe('stale-token-from-yesterday');
    expect(t.sf.state.accessTokens.has(saved.accessToken as string)).toBe(true);
    expect(saved.refreshToken).toBe('sandbox-refresh-token');
    expect(await storedColumn()).not.toContain(saved.accessToken);
    const outcomes = (await t.rows(sql`status = 'info'`)).map((r) => r.description);
    expect(outcomes).toEqual(['Salesforce access token refreshed (the previous one had expired)', `Ticket #${ticket.id} synced to Salesforce case ${t.sf.state.find('Case')[0]!.Id}`]);

    // Later the org ends every session: the next job refreshes again.
    t.sf.state.expireTokens();
    await createTicketViaApi(t.world, { subject: 'After the timeout' });
    await t.drain();
    expect(tokenRequests()).toHaveLength(2);
    expect(t.sf.state.find('Case')).toHaveLength(2);
  });

  it('a revoked refresh token (invalid_grant) fails the job at once with a row saying to reconnect', async () => {
    await t.install({ ...NO_POLL, authFlow: 'authorization_code' }, { ...CLIENT, refreshToken: 'revoked-refresh-token' });
    await createTicketViaApi(t.world, {});
    await t.drain();
    const [row] = await t.rows(sql`status = 'error'`);
    expect(row!.description).toMatch(/failed \(attempt 1 of 8\): Salesforce refused the refresh_token grant \(invalid_grant: expired access\/refresh token\): check the connection's credentials$/);
    expect((await jobRow(t.world.database, row!.job_id!)).state).toBe('dead');
    expect(t.sf.state.find('Case')).toHaveLength(0);
  });

  it('a one-time authorization code is exchanged once; the refresh token it yields is kept instead', async () => {
    await t.install({ ...NO_POLL, authFlow: 'authorization_code', redirectUri: 'https://deskbridge.example/oauth/salesforce' }, { ...CLIENT, authorizationCode: 'aPrx-one-time-code' });
    await createTicketViaApi(t.world, {});
    await t.drain();
    expect(tokenRequests()).toEqual([expect.objectContaining({ grant_type: 'authorization_code', code: 'aPrx-one-time-code', redirect_uri: 'https://deskbridge.example/oauth/salesforce' })]);
    const saved = await t.credentials();
    expect(saved.authorizationCode).toBeUndefined();
    expect(t.sf.state.refreshTokens.has(saved.refreshToken as string)).toBe(true);

    t.sf.state.expireTokens();
    await createTicketViaApi(t.world, { subject: 'Later' });
    await t.drain();
    expect(tokenRequests().at(-1)).toMatchObject({ grant_type: 'refresh_token', refresh_token: saved.refreshToken });
    expect(t.sf.state.find('Case')).toHaveLength(2);
  });
});
