import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSecretKey, MAX_DETAILS_BYTES, MAX_STRING_CHARS, redactDetails, redactDetailsJson, redactText } from '../../runner/logs/redact.ts';

const R = '[REDACTED]';

describe('redactText: known secret values', () => {
  it('replaces every occurrence of every secret, wherever it sits in the text', () => {
    const out = redactText('login with s3cr3t-PASS failed; retried s3cr3t-PASS; key=AKIA1234', ['s3cr3t-PASS', 'AKIA1234']);
    expect(out).toBe(`login with ${R} failed; retried ${R}; key=${R}`);
  });

  it('ignores secrets shorter than 4 characters, which would shred ordinary text', () => {
    expect(redactText('abc status ok', ['abc', 'ok'])).toBe('abc status ok');
  });

  it('replaces a secret containing another one whole', () => {
    expect(redactText('token tok_live_123456 used', ['tok_live', 'tok_live_123456'])).toBe(`token ${R} used`);
  });

  it('finds a secret in its URL-encoded form', () => {
    const secret = 'a+b/c=d==';
    expect(redactText(`GET /hook?x=${encodeURIComponent(secret)}`, [secret])).toBe(`GET /hook?x=${R}`);
  });

  it('never leaves a known secret in the output (property)', () => {
    // Lower-case secrets cannot overlap the upper-case marker, so any remaining match would be a leak.
    const secret = fc.stringMatching(/^[a-z0-9]{4,16}$/);
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 5 }), fc.array(secret, { minLength: 1, maxLength: 3 }), (parts, secrets) => {
        const text = parts.map((p, i) => p + secrets[i % secrets.length]).join('');
        const out = redactText(text, secrets);
        for (const s of secrets) expect(out).not.toContain(s);
      }),
    );
  });
});

describe('redactText: credentials recognised by their shape', () => {
  it.each([
    ['https://bob:hunter2@example.com/x', `https://${R}@example.com/x`],
    ['postgres://app:p@ss@db:5432/main', `postgres://${R}@db:5432/main`],
    ['GET https://api.example.com/v1/orders?access_token=abc123&page=2', `GET https://api.example.com/v1/orders?access_token=${R}&page=2`],
    ['https://shop.example/hook?api_key=k-1&apikey=k-2&api-key=k-3', `https://shop.example/hook?api_key=${R}&apikey=${R}&api-key=${R}`],
    ['https://x.example/cb?signature=0fe1&ts=1', `https://x.example/cb?signature=${R}&ts=1`],
    ['https://app.example/#access_token=xyz&token_type=bearer', `https://app.example/#access_token=${R}&token_type=bearer`],
    ['grant_type=refresh_token&refresh_token=rt-99&client_secret=cs-1&client_id=42', `grant_type=refresh_token&refresh_token=${R}&client_secret=${R}&client_id=42`],
    ['Authorization: Basic dXNlcjpwYXNzd29yZA==', `Authorization: ${R}`],
    ['header was Bearer 00Dxx0000001gPL!AR8AQJXg5oj8jXSgxJfA0lBog', `header was Bearer ${R}`],
    ['body {"password":"hunter2","user":"bob"}', `body {"password":"${R}","user":"bob"}`],
    ["options { password: 'hunter2', user: 'bob' }", `options { password: '${R}', user: 'bob' }`],
    ['jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk', `jwt ${R}`],
  ])('%s', (input, expected) => {
    expect(redactText(input, [])).toBe(expected);
  });

  it.each([
    'token_type=bearer&expires_in=3600&ticket_id=42',
    'Bearer token expired, re-authenticating',
    'https://acme.my.salesforce.com/services/data/v60.0/sobjects/Case/500Dn000001',
    'Synced at 2026-11-20T12:00:00.000Z: status=open, priority=high',
    'Error: request failed with status 401 (Unauthorized)',
    'the password was changed by an admin',
  ])('leaves ordinary text alone: %s', (text) => {
    expect(redactText(text, [])).toBe(text);
  });
});

describe('isSecretKey', () => {
  it.each([
    'password', 'Password', 'passwd', 'pwd', 'newPassword', 'password_hash', 'secret', 'client_secret', 'clientSecret',
    'token', 'access_token', 'accessToken', 'refresh_token', 'id_token', 'csrf_token', 'x-auth-token', 'api_key', 'apiKey',
    'apikey', 'api-key', 'X-API-Key', 'authorization', 'Authorization', 'proxy-authorization', 'cookie', 'Set-Cookie',
    'signature', 'X-Hub-Signature-256', 'private_key', 'privateKey', 'credentials', 'credential', 'X-Shopify-Hmac-Sha256',
    'x-shopify-access-token', 'aws_secret_access_key', 'signed_request', 'auth', 'basic_auth', 'jwt',
  ])('%s is secret', (key) => {
    expect(isSecretKey(key)).toBe(true);
  });

  it.each([
    'ticket_id', 'ticketId', 'token_type', 'tokenType', 'expires_in', 'token_expires_at', 'password_changed_at', 'api_key_id',
    'access_key_id', 'token_url', 'authorization_url', 'signature_method', 'X-Zendesk-Webhook-Signature-Timestamp', 'grant_type',
    'client_id', 'author_id', 'tokenizer', 'max_tokens', 'prompt_tokens', 'next_page_token', 'key', 'idempotency_key',
    'passenger_count', 'status', 'description', 'auth_type', 'hmac_algorithm', 'secret_name',
  ])('%s is not secret', (key) => {
    expect(isSecretKey(key)).toBe(false);
  });
});

describe('redactDetails', () => {
  it('redacts values under secret keys at any depth, keeps the rest, and does not touch its input', () => {
    const input = {
      ticket_id: 42,
      token_type: 'bearer',
      attempt: 2,
      request: {
        method: 'POST',
        url: 'https://acme.my.salesforce.com/services/oauth2/token?client_secret=cs-1',
        headers: { Authorization: 'Bearer abc', 'Content-Type': 'application/json', 'X-Shopify-Hmac-Sha256': 'hmac==' },
        body: { grant_type: 'password', password: 'hunter2', nested: [{ accessToken: 'at-1', id: 7 }] },
      },
      credentials: { user: 'bob', pass: 'x' },
    };
    const snapshot = structuredClone(input);
    expect(redactDetails(input, [])).toEqual({
      ticket_id: 42,
      token_type: 'bearer',
      attempt: 2,
      request: {
        method: 'POST',
        url: `https://acme.my.salesforce.com/services/oauth2/token?client_secret=${R}`,
        headers: { Authorization: R, 'Content-Type': 'application/json', 'X-Shopify-Hmac-Sha256': R },
        body: { grant_type: 'password', password: R, nested: [{ accessToken: R, id: 7 }] },
      },
      credentials: R,
    });
    expect(input).toEqual(snapshot);
  });

  it('redacts known secret values in every string, in arrays and in keys', () => {
    const secret = 'shpat_0123456789abcdef';
    const out = redactDetails({ note: `used ${secret}`, list: ['a', `x${secret}y`], stores: { [secret]: 1 } }, [secret]);
    expect(out).toEqual({ note: `used ${R}`, list: ['a', `x${R}y`], stores: { [R]: 1 } });
  });

  it('keeps null and empty values under secret keys: "no token was sent" is worth seeing', () => {
    expect(redactDetails({ token: null, password: '', api_key: 0 }, [])).toEqual({ token: null, password: '', api_key: R });
  });

  it('redacts the value of a { name, value } header pair named like a secret', () => {
    const headers = [{ name: 'Authorization', value: 'Basic Ym9iOmh1bnRlcjI=' }, { name: 'Accept', value: 'application/json' }];
    expect(redactDetails({ headers }, [])).toEqual({ headers: [{ name: 'Authorization', value: R }, { name: 'Accept', value: 'application/json' }] });
  });

  it('turns non-JSON values into what JSON.stringify would keep, plus errors and bigints', () => {
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;
    const err = Object.assign(new Error('Request failed: https://u:pw@api.example/x'), { code: 'ECONNRESET' });
    expect(redactDetails({ at: new Date('2026-11-20T12:00:00Z'), big: 2n ** 64n, nan: NaN, fn: () => 1, undef: undefined, err, circular }, [])).toEqual({
      at: '2026-11-20T12:00:00.000Z',
      big: '18446744073709551616',
      nan: null,
      err: { name: 'Error', message: `Request failed: https://${R}@api.example/x`, code: 'ECONNRESET' },
      circular: { a: 1, self: '[Circular]' },
    });
  });

  it('truncates strings over 8 KB with a marker', () => {
    const out = redactDetails({ body: 'x'.repeat(MAX_STRING_CHARS + 100) }, []) as { body: string };
    expect(out.body.startsWith('x'.repeat(MAX_STRING_CHARS))).toBe(true);
    expect(out.body.slice(MAX_STRING_CHARS)).toBe('…[truncated 100 characters]');
  });

  it('redacts a secret before truncating, so a secret across the cut cannot leak', () => {
    const secret = 'sk_live_ABCDEFGHIJKLMNOP';
    const body = 'x'.repeat(MAX_STRING_CHARS - 5) + secret;
    const out = redactDetails({ body }, [secret]) as { body: string };
    expect(out.body).not.toContain(secret.slice(0, 5));
    expect(out.body).toContain(`${'x'.repeat(MAX_STRING_CHARS - 5)}[REDA…[truncated`);
  });

  it('replaces details over 64 KB of JSON with a preview', () => {
    const big = { items: Array.from({ length: 40 }, (_, i) => ({ i, text: 'é'.repeat(4000) })) };
    const out = redactDetails(big, []) as { truncated: boolean; preview: string };
    expect(Buffer.byteLength(JSON.stringify(big))).toBeGreaterThan(MAX_DETAILS_BYTES);
    expect(out.truncated).toBe(true);
    expect(out.preview).toHaveLength(MAX_STRING_CHARS);
    expect(JSON.stringify(big).startsWith(out.preview)).toBe(true);
    expect(Object.keys(out)).toEqual(['truncated', 'preview']);
  });

  it('keeps details just under the cap whole', () => {
    const details = { text: 'a'.repeat(MAX_STRING_CHARS), more: Array.from({ length: 6 }, () => 'b'.repeat(MAX_STRING_CHARS)) };
    expect(redactDetails(details, [])).toEqual(details);
  });
});

describe('redactDetailsJson', () => {
  it('is the JSON of an object; other values are wrapped and nothing becomes {}', () => {
    expect(redactDetailsJson(undefined, [])).toBe('{}');
    expect(JSON.parse(redactDetailsJson({ password: 'x', a: 1 }, []))).toEqual({ password: R, a: 1 });
    expect(JSON.parse(redactDetailsJson(['a'], []))).toEqual({ value: ['a'] });
  });

  it('replaces characters PostgreSQL cannot store (NUL, lone surrogates)', () => {
    expect(JSON.parse(redactDetailsJson({ 'k\u0000': 'a\u0000b\uD800c' }, []))).toEqual({ 'k\uFFFD': 'a\uFFFDb\uFFFDc' });
  });
});
