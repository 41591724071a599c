/**
 * The slice of SOQL the Salesforce sandbox understands: `SELECT f, … FROM Object [WHERE c AND c …]
 * [ORDER BY f [ASC|DESC], …] [LIMIT n]`, where a condition is `field op value` (=, !=, <, <=, >, >=,
 * LIKE, IN (…), NOT IN (…)) and a value a quoted string, a number, true/false/null or a dateTime
 * literal. Enough for what connectors send; anything else is a MALFORMED_QUERY, as Salesforce says.
 */

export type SoqlValue = string | number | boolean | null | { datetime: number };
export type SoqlCondition = { field: string; op: string; value: SoqlValue | SoqlValue[] };
export type SoqlQuery = { fields: string[]; from: string; where: SoqlCondition[]; orderBy: { field: string; desc: boolean }[]; limit?: number };

export class SoqlError extends Error {}

const TOKEN = /\s*(?:('(?:[^'\\]|\\.)*')|(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:?\d{2}))|(-?\d+(?:\.\d+)?)|(!=|<=|>=|[=<>(),])|([A-Za-z_][A-Za-z0-9_.]*))/y;

type Token = { kind: 'string' | 'datetime' | 'number' | 'op' | 'word'; text: string };

function tokenize(q: string): Token[] {
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < q.length) {
    if (/^\s*$/.test(q.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(q);
    if (!m) throw new SoqlError(`unexpected token at position ${at}: ${q.slice(at, at + 20)}`);
    const [, str, dt, num, op, word] = m;
    if (str !== undefined) out.push({ kind: 'string', text: str.slice(1, -1).replace(/\\(.)/g, (_s, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c) });
    else if (dt !== undefined) out.push({ kind: 'datetime', text: dt });
    else if (num !== undefined) out.push({ kind: 'number', text: num });
    else if (op !== undefined) out.push({ kind: 'op', text: op });
    else out.push({ kind: 'word', text: word! });
  }
  return out;
}

export function parseSoql(q: string): SoqlQuery {
  const tokens = tokenize(q);
  let i = 0;
  const peek = () => tokens[i];
  const isWord = (w: string) => peek()?.kind === 'word' && peek()!.text.toUpperCase() === w;
  const expectWord = (w: string) => { if (!isWord(w)) throw new SoqlError(`expected ${w} near "${peek()?.text ?? 'end of query'}"`); i++; };
  const name = () => {
    const t = tokens[i++];
    if (t?.kind !== 'word') throw new SoqlError(`expected a field or object name near "${t?.text ?? 'end of query'}"`);
    return t.text;
  };
  const value = (): SoqlValue => {
    const t = tokens[i++];
    if (!t) throw new SoqlError('expected a value at the end of the query');
    if (t.kind === 'string') return t.text;
    if (t.kind === 'number') return Number(t.text);
    if (t.kind === 'datetime') return { datetime: Date.parse(t.text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) };
    if (t.kind === 'word' && ['TRUE', 'FALSE', 'NULL'].includes(t.text.toUpperCase())) return t.text.toUpperCase() === 'NULL' ? null : t.text.toUpperCase() === 'TRUE';
    throw new SoqlError(`unexpected value "${t.text}"`);
  };
  const list = (): SoqlValue[] => {
    if (tokens[i++]?.text !== '(') throw new SoqlError('expected ( after IN');
    const values = [value()];
    while (peek()?.text === ',') { i++; values.push(value()); }
    if (tokens[i++]?.text !== ')') throw new SoqlError('expected ) to close IN');
    return values;
  };

  expectWord('SELECT');
  const fields = [name()];
  while (peek()?.text === ',') { i++; fields.push(name()); }
  expectWord('FROM');
  const from = name();
  const where: SoqlCondition[] = [];
  if (isWord('WHERE')) {
    i++;
    do {
      if (where.length > 0) i++;
      const field = name();
      if (isWord('NOT')) { i++; expectWord('IN'); where.push({ field, op: 'NOT IN', value: list() }); continue; }
      if (isWord('IN')) { i++; where.push({ field, op: 'IN', value: list() }); continue; }
      if (isWord('LIKE')) { i++; where.push({ field, op: 'LIKE', value: value() }); continue; }
      const op = tokens[i++];
      if (op?.kind !== 'op' || !['=', '!=', '<', '<=', '>', '>='].includes(op.text)) throw new SoqlError(`expected an operator after ${field}`);
      where.push({ field, op: op.text, value: value() });
    } while (isWord('AND'));
    if (isWord('OR')) throw new SoqlError('OR is not supported by this sandbox');
  }
  const orderBy: SoqlQuery['orderBy'] = [];
  if (isWord('ORDER')) {
    i++;
    expectWord('BY');
    do {
      if (orderBy.length > 0) i++;
      const field = name();
      let desc = false;
      if (isWord('ASC')) i++;
      else if (isWord('DESC')) { i++; desc = true; }
      orderBy.push({ field, desc });
    } while (peek()?.text === ',');
  }
  let limit: number | undefined;
  if (isWord('LIMIT')) {
    i++;
    const t = tokens[i++];
    if (t?.kind !== 'number') throw new SoqlError('LIMIT needs a number');
    limit = Number(t.text);
  }
  if (i < tokens.length) throw new SoqlError(`unexpected token "${tokens[i]!.text}"`);
  return { fields, from, where, orderBy, limit };
}

type Row = Record<string, unknown>;

function comparable(v: unknown, like: SoqlValue): unknown {
  if (like && typeof like === 'object' && 'datetime' in like) return typeof v === 'string' ? Date.parse(v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) : v;
  if (typeof v === 'string' && typeof like === 'string') return v.toLowerCase(); // SOQL compares text case-insensitively
  return v;
}
const plain = (v: SoqlValue) => (v && typeof v === 'object' ? v.datetime : typeof v === 'string' ? v.toLowerCase() : v);

function test(row: Row, c: SoqlCondition): boolean {
  const raw = row[c.field] ?? null;
  if (Array.isArray(c.value)) {
    const hit = c.value.some((v) => comparable(raw, v) === plain(v));
    return c.op === 'IN' ? hit : !hit;
  }
  const a = comparable(raw, c.value);
  const b = plain(c.value);
  switch (c.op) {
    case '=': return a === b;
    case '!=': return a !== b;
    case 'LIKE': {
      const pattern = String(b).replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.');
      return typeof a === 'string' && new RegExp(`^${pattern}$`, 'i').test(a);
    }
    default: {
      if (a === null || b === null) return false;
      const [x, y] = [a as number | string, b as number | string];
      return c.op === '<' ? x < y : c.op === '<=' ? x <= y : c.op === '>' ? x > y : x >= y;
    }
  }
}

/** Rows matching the query, ordered and limited (fields are projected by the caller). */
export function runSoql(q: SoqlQuery, rows: Row[]): Row[] {
  const hits = rows.filter((r) => q.where.every((c) => test(r, c)));
  hits.sort((a, b) => {
    for (const o of q.orderBy) {
      const [x, y] = [a[o.field] as string | number | null, b[o.field] as string | number | null];
      if (x === y) continue;
      const cmp = x === null ? -1 : y === null ? 1 : x < y ? -1 : 1;
      return o.desc ? -cmp : cmp;
    }
    return 0;
  });
  return q.limit === undefined ? hits : hits.slice(0, q.limit);
}
