import { en, type StringKey } from './en.ts';

export type { StringKey };
type Vars = Record<string, string | number>;

const LOCALE = 'en';
const plural = new Intl.PluralRules(LOCALE);
const numbers = new Intl.NumberFormat(LOCALE);

/**
 * The English string for `key` with `{{name}}` filled from `vars`.
 * @example t('login.heading', { account: 'Demo' }) // → 'Sign in to Demo'
 */
export function t(key: StringKey, vars: Vars = {}): string {
  return en[key].replace(/\{\{(\w+)\}\}/g, (whole, name: string) => {
    const value = vars[name];
    return value === undefined ? whole : typeof value === 'number' ? numbers.format(value) : value;
  });
}

type PluralBase = { [K in StringKey]: K extends `${infer B}.other` ? B : never }[StringKey];

/**
 * Picks `<base>.one` or `<base>.other` for `count` (English plural rules).
 * @example tn('home.ticketCount', 1) // → 'ticket in this account'
 */
export function tn(base: PluralBase, count: number, vars: Vars = {}): string {
  const form = plural.select(count) === 'one' ? 'one' : 'other';
  return t(`${base}.${form}` as StringKey, { count, ...vars });
}

export const formatNumber = (n: number): string => numbers.format(n);
