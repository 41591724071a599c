import { t, type StringKey } from '../../../shared/i18n/t.ts';

/*
 * A form drawn from a connector's JSON Schema (what z.toJSONSchema writes for its zod settings and
 * credentials): one control per top-level property. Strings, numbers, booleans, enums and arrays of
 * strings (or of enum values) get their own control; anything else is edited as JSON. Field ids are
 * `settings.<key>` / `credentials.<key>`, the keys the API's 422 details use, so its errors land on
 * the field they are about.
 */

export type Group = 'settings' | 'credentials';
export type FieldKind = 'text' | 'url' | 'email' | 'number' | 'integer' | 'boolean' | 'enum' | 'multi' | 'lines' | 'json' | 'secret';
export type Choice = { id: string; value: unknown; label: string };

export type FormField = {
  /** `settings.baseUrl`; `settings` alone when the whole group is one JSON value. */
  id: string;
  group: Group;
  /** The property name; '' for the whole group. */
  key: string;
  kind: FieldKind;
  label: string;
  hint: string | undefined;
  required: boolean;
  choices: Choice[];
  min: number | undefined;
  max: number | undefined;
  default: unknown;
};

export type FormValue = string | boolean | string[];
export type FormValues = Record<string, FormValue>;
type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v : undefined);

/** `T | null` is written as `type: [T, 'null']` or anyOf/oneOf with `{ type: 'null' }`: the form edits the T. */
function unwrap(schema: Json): Json {
  if (Array.isArray(schema.type)) {
    const types = schema.type.filter((x) => x !== 'null');
    if (types.length === 1) return { ...schema, type: types[0] };
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    const list = schema[key];
    if (!Array.isArray(list)) continue;
    const rest = list.filter((s) => !(isObject(s) && s.type === 'null'));
    if (rest.length === 1 && isObject(rest[0])) return { ...rest[0], ...pick(schema, ['title', 'description', 'default']) };
  }
  return schema;
}

const pick = (o: Json, keys: string[]) => Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]]));

const ACRONYMS = new Set(['id', 'url', 'uri', 'api', 'http', 'https', 'sms', 'ssl', 'oauth', 'json', 'xml', 'csv', 'sso', 'ip', 'cc']);

/**
 * A label for a property without a `title`.
 * @example humanize('apiKey') // → 'API key'
 */
export function humanize(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(/[\s_\-.]+/).filter(Boolean).map((w) => w.toLowerCase());
  return words.map((w, i) => (ACRONYMS.has(w) ? w.toUpperCase() : i === 0 ? w[0]!.toUpperCase() + w.slice(1) : w)).join(' ');
}

function choicesOf(list: unknown): Choice[] | undefined {
  if (!Array.isArray(list) || list.length === 0 || !list.every((v) => ['string', 'number', 'boolean'].includes(typeof v))) return undefined;
  return list.map((value, i) => ({ id: String(i), value, label: String(value) }));
}

function kindOf(schema: Json, group: Group): { kind: FieldKind; choices: Choice[] } {
  const choices = choicesOf(schema.enum);
  if (choices) return { kind: 'enum', choices };
  switch (schema.type) {
    case 'boolean': return { kind: 'boolean', choices: [] };
    case 'integer': return { kind: 'integer', choices: [] };
    case 'number': return { kind: 'number', choices: [] };
    case 'string':
      if (group === 'credentials') return { kind: 'secret', choices: [] };
      return { kind: schema.format === 'uri' || schema.format === 'url' ? 'url' : schema.format === 'email' ? 'email' : 'text', choices: [] };
    case 'array': {
      const items = isObject(schema.items) ? unwrap(schema.items) : {};
      const options = choicesOf(items.enum);
      if (options) return { kind: 'multi', choices: options };
      if (items.type === 'string') return { kind: 'lines', choices: [] };
      return { kind: 'json', choices: [] };
    }
    default: return { kind: 'json', choices: [] };
  }
}

function field(group: Group, key: string, raw: Json, required: boolean): FormField {
  const schema = unwrap(raw);
  const { kind, choices } = kindOf(schema, group);
  const isNumber = kind === 'number' || kind === 'integer';
  return {
    id: key ? `${group}.${key}` : group,
    group, key, kind, choices, required,
    label: str(schema.title) ?? (key ? humanize(key) : t(group === 'settings' ? 'connections.form.settings' : 'connections.form.credentials')),
    hint: str(schema.description),
    min: isNumber ? num(schema.minimum) : num(schema.minLength),
    max: isNumber ? num(schema.maximum) : num(schema.maxLength),
    default: schema.default,
  };
}

/** The fields of one group; none for an object without properties, one JSON field for a schema that is not an object. */
export function fieldsOf(schema: Json | null, group: Group): FormField[] {
  if (!schema) return [];
  if (schema.type === 'object' && (isObject(schema.properties) || !schema.additionalProperties)) {
    const properties = isObject(schema.properties) ? schema.properties : {};
    const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
    return Object.entries(properties).map(([key, s]) => field(group, key, isObject(s) ? s : {}, required.has(key)));
  }
  return [field(group, '', schema, true)];
}

function toFormValue(f: FormField, value: unknown): FormValue {
  switch (f.kind) {
    case 'boolean': return value === true;
    case 'enum': return f.choices.find((c) => c.value === value)?.id ?? '';
    case 'multi': return Array.isArray(value) ? f.choices.filter((c) => value.includes(c.value)).map((c) => c.id) : [];
    case 'lines': return Array.isArray(value) ? value.map(String).join('\n') : '';
    case 'json': return value === undefined ? '' : JSON.stringify(value, null, 2);
    case 'secret': return '';
    default: return value === undefined || value === null ? '' : String(value);
  }
}

/** Starting values: the stored settings when editing, else each field's default; secrets always blank. */
export function initialValues(fields: FormField[], stored: Json | undefined): FormValues {
  return Object.fromEntries(fields.map((f) => {
    const value = stored === undefined ? f.default : f.key ? (f.key in stored ? stored[f.key] : f.default) : stored;
    return [f.id, toFormValue(f, f.group === 'credentials' ? undefined : value)];
  }));
}

type Read = { value: unknown } | { skip: true } | { error: StringKey };

function read(f: FormField, raw: FormValue | undefined, keepBlankSecrets: boolean): Read {
  const blank = raw === undefined || (typeof raw === 'string' && raw.trim() === '');
  switch (f.kind) {
    case 'boolean': return { value: raw === true };
    case 'multi': return { value: f.choices.filter((c) => Array.isArray(raw) && raw.includes(c.id)).map((c) => c.value) };
    case 'lines': return { value: typeof raw === 'string' ? raw.split(/\r?\n/).map((l) => l.trim()).filter(Boolean) : [] };
    default: break;
  }
  if (blank) {
    if (f.kind === 'secret' && keepBlankSecrets) return { skip: true };
    return f.required ? { error: 'connections.form.required' } : { skip: true };
  }
  const text = String(raw);
  switch (f.kind) {
    case 'enum': {
      const choice = f.choices.find((c) => c.id === text);
      return choice ? { value: choice.value } : { error: 'connections.form.required' };
    }
    case 'number':
    case 'integer': {
      const n = Number(text.trim());
      if (!Number.isFinite(n)) return { error: 'connections.form.notNumber' };
      if (f.kind === 'integer' && !Number.isInteger(n)) return { error: 'connections.form.notInteger' };
      return { value: n };
    }
    case 'json':
      try { return { value: JSON.parse(text) }; } catch { return { error: 'connections.form.notJson' }; }
    case 'secret': return { value: text };
    default: return { value: text.trim() };
  }
}

export type Payload = { settings: Json; credentials: unknown; errors: Record<string, string> };

/**
 * The request's `settings` and `credentials` from the form, or the problems found before sending.
 * `keepSecrets`: the connection already has credentials, so a blank secret keeps the stored one and
 * only the secrets typed are sent (the API merges them); `credentials` is undefined when none are.
 */
export function buildPayload(fields: FormField[], values: FormValues, keepSecrets: boolean): Payload {
  const errors: Record<string, string> = {};
  const groups: Record<Group, { value: unknown; any: boolean }> = { settings: { value: {}, any: false }, credentials: { value: {}, any: false } };
  for (const f of fields) {
    const r = read(f, values[f.id], keepSecrets);
    if ('error' in r) errors[f.id] = t(r.error);
    else if ('value' in r) {
      const g = groups[f.group];
      g.any = true;
      if (f.key) (g.value as Json)[f.key] = r.value;
      else g.value = r.value;
    }
  }
  const hasCredentialFields = fields.some((f) => f.group === 'credentials');
  const credentials = !hasCredentialFields || (keepSecrets && !groups.credentials.any) ? undefined : groups.credentials.value;
  return { settings: isObject(groups.settings.value) ? groups.settings.value : {}, credentials, errors };
}

/**
 * The API's problems per field, placed on the form: `settings.tags.0` belongs to `settings.tags`.
 * What matches no field is returned under '' for the form's own message.
 */
export function placeErrors(fieldIds: string[], details: Record<string, string[]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, messages] of Object.entries(details)) {
    const target = [...fieldIds].sort((a, b) => b.length - a.length).find((id) => key === id || key.startsWith(`${id}.`)) ?? '';
    const line = target ? messages.join(' ') : `${key}: ${messages.join(' ')}`;
    out[target] = out[target] ? `${out[target]} ${line}` : line;
  }
  return out;
}
