import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../core/errors.ts';

/**
 * ZAF JWTs (SPEC C5): Zendesk signs the tokens it sends to an app's server with RS256 and the
 * app's key pair; deskbridge holds the public half (ZAF_PUBLIC_KEY). Verified here with node:crypto
 * alone: the algorithm is pinned to RS256 (a token saying `none` or `HS256` is refused, so the
 * public key can never be used as an HMAC secret), then the signature, then the claims.
 */

/** Clock skew tolerated between Zendesk's clock and ours on `exp` / `nbf` / `iat`. */
const LEEWAY_S = 30;

const header = z.object({ alg: z.string(), typ: z.string().optional() });
const claims = z.object({
  iss: z.string().min(1),
  aud: z.union([z.string(), z.array(z.string())]),
  exp: z.number(),
  nbf: z.number().optional(),
  iat: z.number().optional(),
  sub: z.union([z.string(), z.number()]).optional(),
  email: z.string().optional(),
}).loose();

export type ZafClaims = z.infer<typeof claims>;

export type ZafExpectations = {
  publicKey: KeyObject;
  /** The app's URL as this server serves it: the token must be meant for it. */
  audience: string;
  /** The subdomain of the account the request is for: the issuer must be that account. */
  subdomain: string;
  now: Date;
};

/** A PEM public key (`-----BEGIN PUBLIC KEY-----`, a certificate, or with `\n` escaped as in a .env file). */
export function parsePublicKey(pem: string): KeyObject {
  const key = createPublicKey(pem.includes('\\n') ? pem.replace(/\\n/g, '\n') : pem);
  if (key.asymmetricKeyType !== 'rsa') throw new Error('ZAF_PUBLIC_KEY must be an RSA public key (ZAF JWTs are RS256)');
  return key;
}

/** For the config schema: whether ZAF_PUBLIC_KEY can be used at all. */
export function isRsaPublicKey(pem: string): boolean {
  try {
    parsePublicKey(pem);
    return true;
  } catch {
    return false;
  }
}

/** The URL deskbridge serves the sidebar app at: the audience a ZAF JWT for this server names. */
export const zafAudience = (base: string) => `${base}/zaf/assets/iframe.html`;

/**
 * `acme`, `acme.zendesk.com` and `acme.deskbridge.example` all name account `acme`: Zendesk
 * issues tokens as the account's host, deskbridge's own signer as the subdomain.
 */
const issuerAccount = (iss: string) => iss.replace(/^https?:\/\//i, '').split(/[.:/]/, 1)[0]!.toLowerCase();

const refuse = (why: string) => new AppError(401, 'InvalidToken', `The ZAF token was refused: ${why}`);

function decodePart<T>(part: string, schema: z.ZodType<T>, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw refuse(`its ${what} is not base64url JSON`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw refuse(`its ${what} lacks ${parsed.error.issues.map((i) => i.path.join('.') || what).join(', ')}`);
  return parsed.data;
}

/** The token's claims when it is genuine, unexpired, for this app and from this account; a 401 AppError saying why otherwise. */
export function verifyZafJwt(token: string, expect: ZafExpectations): ZafClaims {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))) throw refuse('it is not a JWT');
  const [head, body, signature] = parts as [string, string, string];
  const { alg } = decodePart(head, header, 'header');
  if (alg !== 'RS256') throw refuse(`it is signed with ${alg}, not RS256`);
  const genuine = verify('RSA-SHA256', Buffer.from(`${head}.${body}`), expect.publicKey, Buffer.from(signature, 'base64url'));
  if (!genuine) throw refuse('its signature does not match the configured ZAF public key');

  const c = decodePart(body, claims, 'payload');
  const now = Math.floor(expect.now.getTime() / 1000);
  if (c.exp + LEEWAY_S <= now) throw refuse(`it expired at ${new Date(c.exp * 1000).toISOString()}`);
  if (c.nbf !== undefined && c.nbf - LEEWAY_S > now) throw refuse('it is not valid yet');
  if (c.iat !== undefined && c.iat - LEEWAY_S > now) throw refuse('it was issued in the future');
  const audiences = Array.isArray(c.aud) ? c.aud : [c.aud];
  if (!audiences.includes(expect.audience)) throw refuse(`it is meant for ${audiences.join(', ')}, not ${expect.audience}`);
  if (issuerAccount(c.iss) !== expect.subdomain) throw refuse(`it was issued by ${c.iss}, not by account ${expect.subdomain}`);
  return c;
}
