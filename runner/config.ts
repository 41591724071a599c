import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { isRsaPublicKey } from './http/zaf-jwt.ts';

/**
 * The only reader of process.env. Every setting is documented in README.md › Settings.
 * Bad values fail at start-up with the variable named, not at the first request.
 */
const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().url().optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** Requests naming no account (no subdomain, no header) use this one. */
  DEFAULT_ACCOUNT: z.string().regex(/^[a-z0-9][a-z0-9-]*$/).default('demo'),
  /** With BASE_DOMAIN=deskbridge.example, `acme.deskbridge.example` selects account `acme`. */
  BASE_DOMAIN: z.string().optional(),
  /** Accept `X-Deskbridge-Account: <subdomain>` to pick an account (dev, tests, proxies). */
  ALLOW_ACCOUNT_HEADER: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  /** Seed the demo account on an empty database. */
  DEMO: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  DEMO_PASSWORD: z.string().min(8).optional(),
  DEMO_API_TOKEN: z.string().min(16).optional(),
  DEMO_TICKETS: z.coerce.number().int().min(0).max(100_000).default(2000),
  /** Seconds between two bursts of demo integration traffic against the local sandboxes; 0 turns it off. */
  DEMO_TRAFFIC_SECONDS: z.coerce.number().min(0).max(3600).default(4),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(24 * 14),
  /** Mark cookies Secure (set when served over HTTPS). */
  COOKIE_SECURE: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** Solved tickets close this long after their last solve (SPEC M7). */
  AUTO_CLOSE_AFTER_HOURS: z.coerce.number().positive().max(28 * 24).default(96),
  /** When the auto-close job runs (cron syntax, server time). */
  AUTO_CLOSE_CRON: z.string().default('*/10 * * * *'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** `production` makes ENCRYPTION_KEY mandatory. */
  NODE_ENV: z.string().default('development'),
  /** 32 bytes (64 hex digits or base64) encrypting connector credentials; generated into DATA_DIR when unset outside production. */
  ENCRYPTION_KEY: z.string().optional(),
  /** Run the job workers inside `npm start` (turn off when separate `npm run worker` processes do the work). */
  RUN_WORKERS: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  /** Jobs one process runs at once. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  /** A job's lease; a worker that stops extending it (crash) loses the job to another after this long. */
  JOB_LEASE_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
  /** A job running longer than this is aborted and retried. */
  JOB_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(24 * 3600).default(600),
  /** Timeout of each HTTP call a connector makes. */
  HTTP_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(30),
  /** Integration log rows (and finished jobs) are kept this many days (SPEC L1). */
  LOG_RETENTION_DAYS: z.coerce.number().int().min(1).max(366).default(7),
  /** When the log purge and partition upkeep run (cron syntax, server time). */
  LOG_PURGE_CRON: z.string().default('7 * * * *'),
  /** Finished export ZIPs, one folder per account; default `<DATA_DIR>/exports`. */
  EXPORT_DIR: z.string().optional(),
  /** How long an export's download link works (SPEC E5: at least 3 days). */
  EXPORT_LINK_TTL_HOURS: z.coerce.number().int().min(72, 'must be at least 72 (links stay valid 3 days)').max(24 * 366).default(72),
  /** Above this many tickets an account exports JSON only, in 31-day parts (SPEC E8). */
  EXPORT_TICKET_THRESHOLD: z.coerce.number().int().min(1).default(1_000_000),
  /** Above this many tickets the admin page recommends JSON (SPEC E8). */
  EXPORT_JSON_HINT_TICKETS: z.coerce.number().int().min(0).default(200_000),
  /** When expired exports are marked so and their files deleted (cron syntax, server time). */
  EXPORT_PURGE_CRON: z.string().default('37 * * * *'),
  /** smtp:// or smtps:// URL of the mail relay; unset = mail stays in the outbox (shown on the admin page). */
  SMTP_URL: z.string().url().refine((u) => /^smtps?:\/\//i.test(u), 'must start with smtp:// or smtps://').optional(),
  MAIL_FROM: z.string().min(3).default('deskbridge <no-reply@localhost>'),
  /** Absolute origin put in emailed links; default `http://localhost:<PORT>`. */
  PUBLIC_URL: z.string().url().refine((u) => /^https?:\/\//i.test(u), 'must start with http:// or https://').optional(),
  /** PEM RSA public key verifying ZAF JWTs (RS256) sent by the ticket sidebar app; unset = only session / API token auth. */
  ZAF_PUBLIC_KEY: z.string().refine(isRsaPublicKey, 'must be a PEM RSA public key (-----BEGIN PUBLIC KEY-----…)').optional(),
}).transform((c) => ({
  ...c,
  // An in-memory database has no folder of its own; its files still need a disk.
  EXPORT_DIR: c.EXPORT_DIR ?? (c.DATA_DIR.startsWith('memory:') ? path.join(tmpdir(), 'deskbridge-exports') : path.join(c.DATA_DIR, 'exports')),
  PUBLIC_URL: (c.PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, ''),
}));

export type Config = z.infer<typeof schema>;

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** Defaults for tests and tools: the same schema with no environment. */
export function testConfig(overrides: Partial<Record<keyof Config, string>> = {}): Config {
  return loadConfig({ DEMO: 'false', LOG_LEVEL: 'silent', ...overrides });
}
