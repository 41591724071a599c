/**
 * Redaction of integration log rows (SPEC R3, R4): credentials never reach the log table.
 *
 * Two complementary nets:
 * - known secret values (the installation's credentials, handed in by the caller) are replaced
 *   wherever they appear, whatever the key or the text around them;
 * - values that *look* like credentials are replaced even when the caller did not know them:
 *   values under secret-looking keys, secret query parameters, URL userinfo, `Bearer …` tokens,
 *   `"password": "…"` pairs inside JSON text and `Authorization: …` header lines.
 *
 * Sizes are capped so that one huge response body cannot bloat the log: strings at 8,192
 * characters, the whole details JSON at 64 KiB.
 */

export const REDACTED = '[REDACTED]';
/** Shorter "secrets" (a PIN, "abc") would shred ordinary text, so they are not matched. */
const MIN_SECRET_LENGTH = 4;
export const MAX_STRING_CHARS = 8 * 1024;
export const MAX_DETAILS_BYTES = 64 * 1024;
/** Deeper nesting is cut: it is never useful in a log and PostgreSQL limits jsonb depth. */
const MAX_DEPTH = 32;

// ---------------------------------------------------------------------------------------------
// Key names

/** Words that make a key secret wherever they appear in it (`client_secret`, `x_hub_signature_256`). */
const SECRET_KEY_PATTERN =
  /pass_?(word|wd|phrase)|secret|credential|api_?key|private_?key|access_?key|signing_?key|encryption_?key|auth_?token|access_?token|refresh_?token|id_?token|session_?token|signed_?request|hmac|signature|cookie|authorization|jwt|bearer/;
/** Whole words that are secret on their own (`token`, `csrf_token`, `pwd`), but not inside another word (`tokenizer`, `passenger`). */
const SECRET_WORDS = new Set(['token', 'pass', 'pwd', 'otp', 'auth']);
/**
 * A key ending in one of these describes a secret without holding it: `token_type`,
 * `password_changed_at`, `api_key_id`, `expires_in`, `token_url`, `signature_method`.
 */
const DESCRIPTIVE_LAST_WORDS = new Set([
  'type', 'id', 'ids', 'count', 'length', 'len', 'expires', 'expiry', 'expiration', 'at', 'in', 'ttl',
  'name', 'names', 'hint', 'method', 'algorithm', 'alg', 'version', 'status', 'url', 'uri', 'endpoint',
  'enabled', 'required', 'present', 'set', 'changed', 'updated', 'created', 'format', 'kind', 'scope',
  'scopes', 'label', 'field', 'fields', 'prefix', 'timestamp', 'policy', 'strength', 'last4',
]);
/** Cursor tokens of paginated APIs are opaque but not credentials, and they help debugging. */
const NOT_SECRET_KEYS = new Set(['page_token', 'next_page_token', 'prev_page_token', 'previous_page_token', 'sync_token']);

const keyVerdicts = new Map<string, boolean>();

/** Whether a value stored under this key (JSON key, header name, query parameter) is a credential. */
export function isSecretKey(key: string): boolean {
  let verdict = keyVerdicts.get(key);
  if (verdict === undefined) {
    verdict = judgeKey(key);
    // Keys come from code and from third-party payloads; bound the memo so odd payloads cannot grow it.
    if (keyVerdicts.size > 10_000) keyVerdicts.clear();
    keyVerdicts.set(key, verdict);
  }
  return verdict;
}

function judgeKey(key: string): boolean {
  // accessToken, X-Shopify-Hmac-Sha256, "API Key" → access_token, x_shopify_hmac_sha256, api_key
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  const last = words[words.length - 1];
  if (last === undefined || DESCRIPTIVE_LAST_WORDS.has(last)) return false;
  const normalized = words.join('_');
  if (NOT_SECRET_KEYS.has(normalized)) return false;
  return SECRET_KEY_PATTERN.test(normalized) || words.some((w) => SECRET_WORDS.has(w));
}

// ---------------------------------------------------------------------------------------------
// Text

/**
 * The secrets to look for: long enough to be matched safely, with their URL-encoded form (a token
 * with `+` or `/` shows up as `%2B`/`%2F` in a query string), longest first so that a secret
 * containing another is replaced whole. Memoised per array: a job passes the same list for every row.
 */
const preparedSecrets = new WeakMap<readonly string[], string[]>();

function secretsToMatch(secrets: readonly string[]): string[] {
  let prepared = preparedSecrets.get(secrets);
  if (prepared === undefined) {
    const out = new Set<string>();
    for (const s of secrets) {
      if (typeof s !== 'string' || s.length < MIN_SECRET_LENGTH) continue;
      out.add(s);
      out.add(encodeURIComponent(s));
    }
    prepared = [...out].sort((a, b) => b.length - a.length);
    preparedSecrets.set(secrets, prepared);
  }
  return prepared;
}

function replaceKnown(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(REDACTED);
  return out;
}

/**
 * Every key judged secret and every auth scheme contains one of these: text without any of them
 * (most descriptions, URLs and ids) skips the key-based patterns, the costly part of redaction.
 */
const SECRETISH = /pass|pwd|secret|credential|key|token|sign|hmac|cookie|auth|jwt|bearer|basic|otp/i;
/** `scheme://user:pass@host` → `scheme://[REDACTED]@host`. Greedy up to the last `@` so an unencoded `@` in a password is covered. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#"'<>]+@/gi;
/** `name=value` in query strings, fragments, form bodies and free text. */
const PARAM = /(^|[?&#;\s])([^=&#?;\s"'<>]+)=([^&#;\s"'<>]*)/g;
/** `"name": "value"` inside JSON text (a response body kept as a string). */
const JSON_PAIR = /"([^"\\]{1,100})"(\s*:\s*)"(?:[^"\\]|\\.)*"/g;
/** `Authorization: Basic …` and other header lines: the rest of the line is the credential. */
const HEADER_LINE = /(^|[\s{,;])([A-Za-z][\w-]{0,60})(\s*:[ \t]*['"]?)([^\r\n"',;]+)/g;
/** A bare scheme + token, as in a logged header value. 16+ characters so that "Bearer token expired" stays readable. */
const AUTH_SCHEME = /\b(Bearer|Basic|Token)(\s+)[^\s"'<>,;]{16,}/gi;
/** A JWT (ZAF signed requests, OAuth id tokens): three base64url parts, the first one a JSON object. */
const JWT = /\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}/g;

function decodeKey(name: string): string {
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/** Replaces credentials recognisable by their shape; each pass only runs when its marker is present. */
function scrubPatterns(text: string): string {
  let out = text;
  if (out.includes('://') && out.includes('@')) out = out.replace(URL_USERINFO, `$1${REDACTED}@`);
  if (out.includes('eyJ')) out = out.replace(JWT, REDACTED);
  if (!SECRETISH.test(out)) return out;
  if (out.includes('=')) {
    out = out.replace(PARAM, (m, pre: string, name: string, value: string) =>
      value !== '' && value !== REDACTED && isSecretKey(decodeKey(name)) ? `${pre}${name}=${REDACTED}` : m);
  }
  if (out.includes('"')) {
    out = out.replace(JSON_PAIR, (m, name: string, colon: string) => (isSecretKey(name) ? `"${name}"${colon}"${REDACTED}"` : m));
  }
  if (out.includes(':')) {
    out = out.replace(HEADER_LINE, (m, pre: string, name: string, colon: string, value: string) =>
      value.trim() !== '' && !value.startsWith(REDACTED) && isSecretKey(name) ? `${pre}${name}${colon}${REDACTED}` : m);
  }
  return out.replace(AUTH_SCHEME, `$1$2${REDACTED}`);
}

/**
 * Replaces every occurrence of the known secrets (4+ characters, also URL-encoded) with
 * `[REDACTED]`, then any credential recognisable by its shape (URL userinfo, secret query
 * parameters, bearer tokens, JWTs, secret JSON pairs and header lines).
 */
export function redactText(text: string, secrets: readonly string[]): string {
  return redactPrepared(text, secretsToMatch(secrets));
}

function redactPrepared(text: string, secrets: readonly string[]): string {
  return scrubPatterns(replaceKnown(text, secrets));
}

// ---------------------------------------------------------------------------------------------
// Storable text

/** NUL is refused by PostgreSQL text and jsonb; a lone surrogate is refused by jsonb. */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** The cheap test first: NUL or any surrogate at all (most text has neither). */
const MAYBE_UNSTORABLE = /[\u0000\uD800-\uDFFF]/;

/** Makes a string storable in a PostgreSQL text or jsonb value (one bad row would otherwise fail its whole batch). */
export function storable(text: string): string {
  return MAYBE_UNSTORABLE.test(text) ? text.replace(UNSTORABLE, '\uFFFD') : text;
}

/** Cuts to `max` characters without splitting a surrogate pair. */
export function cut(text: string, max: number): string {
  const end = /[\uD800-\uDBFF]/.test(text.charAt(max - 1)) ? max - 1 : max;
  return text.slice(0, end);
}

function capString(text: string): string {
  if (text.length <= MAX_STRING_CHARS) return text;
  return `${cut(text, MAX_STRING_CHARS)}…[truncated ${text.length - MAX_STRING_CHARS} characters]`;
}

// ---------------------------------------------------------------------------------------------
// Details

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/**
 * A redacted deep copy of a JSON-ish value: values under secret-looking keys become `[REDACTED]`
 * (null and "" are kept: "no token was sent" is worth seeing), every string goes through
 * {@link redactText}, strings are capped at 8,192 characters, and a copy whose JSON exceeds 64 KiB
 * becomes `{ truncated: true, preview }`. Like JSON.stringify: `toJSON` is honoured (Date, URL),
 * functions and undefined are dropped, non-finite numbers become null; bigints become strings,
 * errors `{ name, message, code? }`.
 */
export function redactDetails(value: unknown, secrets: readonly string[]): unknown {
  const copy = copyValue(value, secretsToMatch(secrets), new Set(), 0) ?? null;
  const json = JSON.stringify(copy);
  return fits(json) ? copy : truncated(json);
}

/**
 * {@link redactDetails} as the JSON text of an object, as the writer stores it (one serialisation
 * serves the size cap and the insert). Anything but a plain object is wrapped as `{ value }`.
 */
export function redactDetailsJson(value: unknown, secrets: readonly string[]): string {
  if (value === undefined || value === null) return '{}';
  const copy = copyValue(value, secretsToMatch(secrets), new Set(), 0) ?? null;
  const json = JSON.stringify(copy !== null && typeof copy === 'object' && !Array.isArray(copy) ? copy : { value: copy });
  return fits(json) ? json : JSON.stringify(truncated(json));
}

/** A UTF-16 unit is at most 3 UTF-8 bytes, so most rows are decided without measuring. */
const fits = (json: string) => json.length * 3 <= MAX_DETAILS_BYTES || Buffer.byteLength(json) <= MAX_DETAILS_BYTES;
const truncated = (json: string) => ({ truncated: true, preview: cut(json, MAX_STRING_CHARS) });

function copyValue(value: unknown, secrets: readonly string[], ancestors: Set<object>, depth: number): Json | undefined {
  switch (typeof value) {
    case 'string':
      return capString(storable(redactPrepared(value, secrets)));
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'object':
      return value === null ? null : copyObject(value, secrets, ancestors, depth);
    default:
      return undefined; // functions, symbols, undefined: dropped, as JSON.stringify does
  }
}

function copyObject(value: object, secrets: readonly string[], ancestors: Set<object>, depth: number): Json | undefined {
  if (ancestors.has(value)) return '[Circular]';
  if (depth >= MAX_DEPTH) return '[Too deep]';
  if (value instanceof Error) return copyValue(errorFields(value), secrets, ancestors, depth);
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return copyValue(toJSON.call(value), secrets, ancestors, depth);
  ancestors.add(value);
  try {
    return Array.isArray(value)
      ? value.map((item) => copyValue(item, secrets, ancestors, depth + 1) ?? null)
      : copyFields(value as Record<string, unknown>, secrets, ancestors, depth);
  } finally {
    ancestors.delete(value);
  }
}

function copyFields(value: Record<string, unknown>, secrets: readonly string[], ancestors: Set<object>, depth: number): Json {
  const out: Record<string, Json> = {};
  // `{ name: "Authorization", value: "…" }` (HAR, Salesforce headers): the secret key is in a sibling field.
  const namedSecret = typeof value.name === 'string' && 'value' in value && isSecretKey(value.name);
  for (const key of Object.keys(value)) {
    const field = value[key];
    const secret = isSecretKey(key) || (namedSecret && key === 'value');
    const copy = secret && field !== null && field !== undefined && field !== '' ? REDACTED : copyValue(field, secrets, ancestors, depth + 1);
    // A map keyed by credentials ({ "<token>": … }) must not leak through its keys.
    if (copy !== undefined) out[storable(replaceKnown(key, secrets))] = copy;
  }
  return out;
}

/** JSON.stringify turns an Error into `{}`; keep what explains it. */
function errorFields(err: Error): Record<string, unknown> {
  const code = (err as { code?: unknown }).code;
  return code === undefined ? { name: err.name, message: err.message } : { name: err.name, message: err.message, code };
}
