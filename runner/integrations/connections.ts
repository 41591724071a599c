import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Queryable } from '../../db/client.ts';
import { integrationConnections, type ConnectionType, type IntegrationConnectionRow } from '../../db/schema/index.ts';
import type { Clock } from '../core/clock.ts';
import type { SecretBox } from '../core/crypto.ts';
import { AppError, type FieldErrors } from '../core/errors.ts';

/**
 * Connections: the credentials an account keeps for outbound HTTP calls, each limited to one
 * domain. A private integration's connections have its name as scope; bot API calls and actions
 * use the account's own (scope null). Secrets are sealed with the engine's SecretBox, bound to the
 * account, scope and name, so a ciphertext copied to another row does not open.
 */

export type ConnectionSecret =
  | { type: 'api_key'; secret: { headerName: string; value: string } }
  | { type: 'basic_auth'; secret: { username: string; password: string } }
  | { type: 'bearer_token'; secret: { token: string } }
  | { type: 'oauth'; secret: { accessToken: string; refreshToken?: string | null } };

export type ConnectionInput = { accountId: number; scope: string | null; name: string; allowedDomain: string } & ConnectionSecret;

/** What an admin may see of a connection: never a secret. */
export type ConnectionInfo = {
  id: number; scope: string | null; name: string; type: ConnectionType; allowedDomain: string;
  /** The api_key header name (not secret). */
  headerName: string | null;
  createdAt: Date; updatedAt: Date;
};

export type Connection = ConnectionInfo & {
  /** Adds the connection's credentials to outgoing request headers. */
  authorize(headers: Record<string, string>): void;
  /** True when the URL's host is the allowed domain or one of its subdomains. */
  allows(url: URL): boolean;
  /** Every secret string, for the log writer to blank wherever it might appear. */
  secretValues(): string[];
};

const aad = (accountId: number, scope: string, name: string) => `deskbridge:connection:${accountId}:${scope}:${name}`;
const toScope = (scope: string | null) => scope ?? '';

const zSecretText = (max: number) => z.string('is required').min(1, 'must not be blank').max(max, `must be at most ${max} characters`);
/** A host name (or IP address), lower-cased; a scheme, port or path is a mistake the admin should see. */
export const zAllowedDomain = z.string('is required').trim().toLowerCase()
  .regex(/^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/, 'must be a host name such as api.example.com (no scheme, port or path)')
  .max(253, 'must be at most 253 characters')
  .transform((d) => d.replace(/^\*\./, ''));
export const zConnectionName = z.string('is required').trim().min(1, 'must not be blank').max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9_.-]+$/, 'may contain letters, digits, _ . and - only');

const secretSchemas = {
  api_key: z.object({
    headerName: z.string('is required').regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'must be a valid HTTP header name').max(128),
    value: zSecretText(4096),
  }),
  basic_auth: z.object({ username: zSecretText(1024).refine((u) => !u.includes(':'), 'must not contain ":"'), password: zSecretText(1024) }),
  bearer_token: z.object({ token: zSecretText(8192) }),
  oauth: z.object({ accessToken: zSecretText(8192), refreshToken: zSecretText(8192).nullish() }),
} satisfies Record<ConnectionType, z.ZodType>;

function invalid(details: FieldErrors): AppError {
  const [field, problems] = Object.entries(details)[0]!;
  return new AppError(422, 'RecordInvalid', `Record validation errors: ${field}: ${problems[0]!.description}`, details);
}

function check<S extends z.ZodType>(schema: S, value: unknown, prefix: string, details: FieldErrors): z.infer<S> | undefined {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) (details[[prefix, ...issue.path.map(String)].join('.')] ??= []).push({ description: issue.message, error: issue.code });
  return undefined;
}

function toInfo(row: IntegrationConnectionRow): ConnectionInfo {
  return {
    id: row.id, scope: row.scope === '' ? null : row.scope, name: row.name, type: row.type, allowedDomain: row.allowedDomain,
    headerName: row.headerName, createdAt: row.createdAt, updatedAt: row.updatedAt,
  };
}

/** Creates the connection, or replaces the one of that name in that scope (type, domain and secret). */
export async function saveConnection(q: Queryable, box: SecretBox, input: ConnectionInput, clock: Clock): Promise<ConnectionInfo> {
  const details: FieldErrors = {};
  const name = check(zConnectionName, input.name, 'name', details);
  const allowedDomain = check(zAllowedDomain, input.allowedDomain, 'allowed_domain', details);
  const schema = secretSchemas[input.type] as z.ZodType | undefined;
  if (!schema) (details.type ??= []).push({ description: `must be one of ${Object.keys(secretSchemas).join(', ')}` });
  const secret = schema ? check(schema, input.secret, input.type, details) : undefined;
  if (Object.keys(details).length > 0 || name === undefined || allowedDomain === undefined || secret === undefined) throw invalid(details);
  const scope = toScope(input.scope);
  const now = clock.now();
  const values = {
    type: input.type, allowedDomain,
    headerName: input.type === 'api_key' ? input.secret.headerName : null,
    secret: box.seal(JSON.stringify(secret), aad(input.accountId, scope, name)),
    updatedAt: now,
  };
  const [row] = await q.insert(integrationConnections)
    .values({ accountId: input.accountId, scope, name, createdAt: now, ...values })
    .onConflictDoUpdate({ target: [integrationConnections.accountId, integrationConnections.scope, integrationConnections.name], set: values })
    .returning();
  return toInfo(row!);
}

const byName = (accountId: number, scope: string | null, name: string) => and(
  eq(integrationConnections.accountId, accountId), eq(integrationConnections.scope, toScope(scope)), eq(integrationConnections.name, name),
);

/** The connection with its credentials opened, or null. Throws when the secret cannot be decrypted (a changed key). */
export async function getConnection(q: Queryable, box: SecretBox, accountId: number, scope: string | null, name: string): Promise<Connection | null> {
  const [row] = await q.select().from(integrationConnections).where(byName(accountId, scope, name));
  if (!row) return null;
  let secret: Record<string, string | null | undefined>;
  try {
    secret = JSON.parse(box.open(row.secret, aad(row.accountId, row.scope, row.name))) as Record<string, string>;
  } catch {
    throw new Error(`The connection "${name}" cannot be decrypted: was ENCRYPTION_KEY changed? Save the connection again.`);
  }
  return openedConnection(toInfo(row), secret);
}

function openedConnection(info: ConnectionInfo, secret: Record<string, string | null | undefined>): Connection {
  const domain = info.allowedDomain;
  return {
    ...info,
    authorize(headers) {
      switch (info.type) {
        case 'api_key': headers[secret.headerName!] = secret.value!; break;
        case 'basic_auth': headers.authorization = `Basic ${Buffer.from(`${secret.username}:${secret.password}`).toString('base64')}`; break;
        case 'bearer_token': headers.authorization = `Bearer ${secret.token}`; break;
        case 'oauth': headers.authorization = `Bearer ${secret.accessToken}`; break;
      }
    },
    allows(url) {
      const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
      return host === domain || host.endsWith(`.${domain}`);
    },
    secretValues() {
      const values = Object.entries(secret).filter(([k, v]) => k !== 'headerName' && typeof v === 'string').map(([, v]) => v as string);
      if (info.type === 'basic_auth') values.push(Buffer.from(`${secret.username}:${secret.password}`).toString('base64'));
      return values.filter((v) => v.length >= 4);
    },
  };
}

export async function listConnections(q: Queryable, accountId: number, scope: string | null): Promise<ConnectionInfo[]> {
  const rows = await q.select().from(integrationConnections)
    .where(and(eq(integrationConnections.accountId, accountId), eq(integrationConnections.scope, toScope(scope))))
    .orderBy(asc(integrationConnections.name));
  return rows.map(toInfo);
}

/** Info only (no decryption): for the API's GET of one connection. */
export async function findConnectionInfo(q: Queryable, accountId: number, scope: string | null, name: string): Promise<ConnectionInfo | null> {
  const [row] = await q.select().from(integrationConnections).where(byName(accountId, scope, name));
  return row ? toInfo(row) : null;
}

/** Removes the connection; false when there was none of that name. */
export async function deleteConnection(q: Queryable, accountId: number, scope: string | null, name: string): Promise<boolean> {
  const deleted = await q.delete(integrationConnections).where(byName(accountId, scope, name)).returning({ id: integrationConnections.id });
  return deleted.length > 0;
}
