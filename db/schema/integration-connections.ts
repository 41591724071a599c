import { index, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { accountRef, id, timestamps } from './columns.ts';

export const CONNECTION_TYPES = ['api_key', 'basic_auth', 'bearer_token', 'oauth'] as const;
export type ConnectionType = (typeof CONNECTION_TYPES)[number];

/**
 * Credentials an account keeps for outbound HTTP calls: a private integration's (scope = the
 * integration's name) or the account's own for bot API calls and actions (scope '' = account-level).
 * Only `secret` is sensitive: AES-256-GCM ciphertext bound to the account, scope and name.
 */
export const integrationConnections = pgTable(
  'integration_connections',
  {
    id: id(),
    accountId: accountRef(),
    /** The integration the connection belongs to, or '' for the account's own connections. */
    scope: text('scope').notNull().default(''),
    name: text('name').notNull(),
    type: text('type').$type<ConnectionType>().notNull(),
    /** Calls may go to this host or its subdomains only. */
    allowedDomain: text('allowed_domain').notNull(),
    /** Not secret, shown back to admins: the api_key header name. */
    headerName: text('header_name'),
    /** `v1:<base64url(iv|tag|ciphertext)>` of the secret JSON. */
    secret: text('secret').notNull(),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('integration_connections_name').on(t.accountId, t.scope, t.name),
    index('integration_connections_account_idx').on(t.accountId, t.scope),
  ],
);
export type IntegrationConnectionRow = typeof integrationConnections.$inferSelect;
