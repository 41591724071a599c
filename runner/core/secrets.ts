import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** scrypt is memory-hard (N=2^15, r=8 → 32 MiB per hash). Format: scrypt$N$r$p$salt$hash (base64url). */
const N = 1 << 15, R = 8, P = 1, KEYLEN = 32;
const MAXMEM = 64 * 1024 * 1024;

function scryptAsync(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, KEYLEN, { N: n, r, p, maxmem: MAXMEM }, (err, key) => (err ? reject(err) : resolve(key))));
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, N, R, P);
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  // Hash even when there is no stored hash, so timing does not tell which emails exist.
  const parts = (stored ?? '').split('$');
  const ok = parts.length === 6 && parts[0] === 'scrypt';
  const [n, r, p] = ok ? parts.slice(1, 4).map(Number) : [N, R, P];
  const salt = ok ? Buffer.from(parts[4]!, 'base64url') : randomBytes(16);
  const expected = ok ? Buffer.from(parts[5]!, 'base64url') : randomBytes(KEYLEN);
  const key = await scryptAsync(password, salt, n!, r!, p!);
  return ok && key.length === expected.length && timingSafeEqual(key, expected);
}

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** Random, URL-safe secret (API tokens, session ids): 32 bytes of entropy by default. */
export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(sha256(a)), bb = Buffer.from(sha256(b));
  return timingSafeEqual(ab, bb);
}
