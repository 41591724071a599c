/**
 * t() over a nested string table such as a ZAF app's translations/en.json: keys are dotted paths
 * (`metrics.title`), `{{name}}` marks a value filled in from `vars`. The Admin Center's own strings
 * use t.ts; the sidebar and the agent view, whose strings live in JSON, use this.
 */
export type StringTable = { readonly [key: string]: string | StringTable };

/** Every dotted path to a string of a table: the keys t() accepts. */
export type KeyOf<T> = {
  [K in keyof T & string]: T[K] extends string ? K : T[K] extends StringTable ? `${K}.${KeyOf<T[K]>}` : never;
}[keyof T & string];

type Vars = Record<string, string | number>;

function flatten(table: StringTable, prefix: string, out: Map<string, string>): Map<string, string> {
  for (const [key, value] of Object.entries(table)) {
    if (typeof value === 'string') out.set(prefix + key, value);
    else flatten(value, `${prefix}${key}.`, out);
  }
  return out;
}

/**
 * A t() for one table and locale.
 * @example const t = translator({ hi: 'Hello {{name}}' }, 'en'); t('hi', { name: 'Ada' }) // → 'Hello Ada'
 */
export function translator<T extends StringTable>(table: T, locale: string): (key: KeyOf<T>, vars?: Vars) => string {
  const strings = flatten(table, '', new Map());
  const numbers = new Intl.NumberFormat(locale);
  return (key, vars = {}) => (strings.get(key) ?? key).replace(/\{\{(\w+)\}\}/g, (whole, name: string) => {
    const value = vars[name];
    return value === undefined ? whole : typeof value === 'number' ? numbers.format(value) : value;
  });
}
