import type { FilterCondition, FilterSet } from './settings.ts';

const text = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** Numbers compare as numbers, dates as instants, anything else as case-insensitive text. */
function compare(a: string, b: string): number {
  const [x, y] = [Number(a), Number(b)];
  if (a.trim() !== '' && b.trim() !== '' && !Number.isNaN(x) && !Number.isNaN(y)) return x - y;
  const [s, t] = [Date.parse(a), Date.parse(b)];
  if (/^\d{4}-\d{2}-\d{2}/.test(a) && !Number.isNaN(s) && !Number.isNaN(t)) return s - t;
  return a.localeCompare(b, undefined, { sensitivity: 'base' });
}

export function conditionHolds(record: Record<string, unknown>, c: FilterCondition): boolean {
  const actual = text(record[c.field]).trim();
  const [a, v] = [actual.toLowerCase(), c.value.trim().toLowerCase()];
  switch (c.operator) {
    case 'equals': return a === v;
    case 'not_equals': return a !== v;
    case 'contains': return a.includes(v);
    case 'not_contains': return !a.includes(v);
    case 'starts_with': return a.startsWith(v);
    case 'ends_with': return a.endsWith(v);
    case 'is_empty': return actual === '';
    case 'is_not_empty': return actual !== '';
    case 'greater_than': return actual !== '' && compare(actual, c.value.trim()) > 0;
    case 'less_than': return actual !== '' && compare(actual, c.value.trim()) < 0;
  }
}

export const describeCondition = (c: FilterCondition) => `${c.field} ${c.operator.replace(/_/g, ' ')}${c.operator.startsWith('is_') ? '' : ` "${c.value}"`}`;

/**
 * Zendesk's condition sets: every "all" condition must hold, and at least one "any" condition when
 * there are some. Answers why a record was left out, or null when it passes.
 */
export function filterOut(record: Record<string, unknown>, filters: FilterSet): string | null {
  const failed = filters.all.find((c) => !conditionHolds(record, c));
  if (failed) return `${describeCondition(failed)} is not true`;
  if (filters.any.length > 0 && !filters.any.some((c) => conditionHolds(record, c))) {
    return `none of ${filters.any.map(describeCondition).join(', ')} is true`;
  }
  return null;
}

/** Salesforce fields a filter set reads (added to the polled field list). */
export const filterFields = (filters: FilterSet) => [...filters.all, ...filters.any].map((c) => c.field);
