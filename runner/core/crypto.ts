import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Credentials at rest (SPEC R4): AES-256-GCM with a random 96-bit IV per value and the owner of the
 * value as additional data, so a ciphertext copied to another account or connector does not decrypt.
 * Stored as `v1:<base64url(iv | tag | ciphertext)>`.
 */
export type SecretBox = {
  seal(plaintext: string, aad: string): string;
  open(sealed: string, aad: string): string;
};

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('The encryption key must be 32 bytes (base64 or hex of 32 random bytes)');
  return {
    seal(plaintext, aad) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(aad));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return `v1:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
    },
    open(sealed, aad) {
      if (!sealed.startsWith('v1:')) throw new Error('Unknown ciphertext format');
      const raw = Buffer.from(sealed.slice(3), 'base64url');
      if (raw.length < 28) throw new Error('Ciphertext is truncated');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAAD(Buffer.from(aad));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

/** Accepts 32 bytes as base64, base64url or hex. */
export function parseKey(text: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32) throw new Error('ENCRYPTION_KEY must be 32 bytes, written as 64 hex digits or base64');
  return key;
}

/**
 * The key from config, or for the embedded default a key generated once into `<dataDir>/secret.key`
 * (mode 0600). Required in production: processes on several machines must share one key.
 */
export function resolveEncryptionKey(opts: { key?: string | undefined; dataDir: string; production: boolean }): Buffer {
  if (opts.key) return parseKey(opts.key);
  if (opts.production) {
    throw new Error('ENCRYPTION_KEY is required when NODE_ENV=production (every process sharing the database needs the same key); generate one with: openssl rand -base64 32');
  }
  if (opts.dataDir.startsWith('memory:')) return randomBytes(32);
  const file = path.resolve(opts.dataDir, 'secret.key');
  if (existsSync(file)) return parseKey(readFileSync(file, 'utf8'));
  mkdirSync(path.dirname(file), { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return key;
}
