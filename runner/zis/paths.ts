import { lookup, renderText } from '../integrations/http-action.ts';

/**
 * The data plumbing of ZIS flows (Amazon States Language style): `Parameters` whose `key.$` values
 * are JSONPath over the state's data, `{{$.x}}` placeholders in other strings, and `ResultPath`
 * writing a result into the data.
 */

/** A ResultPath we can write: `$`, `$.a.b`, `$.list[0]`. */
export const RESULT_PATH = /^\$((\.[A-Za-z_$][\w$-]*)|(\[\d+\]))*$/;

/**
 * Resolves a Parameters template against the data: `"x.$": "$.a"` becomes `x` with the value at
 * `$.a`; strings with `{{…}}` placeholders are filled in; objects and arrays recursively.
 */
export function applyParameters(template: unknown, data: unknown): unknown {
  if (typeof template === 'string') {
    const whole = /^\{\{\s*([^{}]+?)\s*\}\}$/.exec(template);
    if (whole) return lookup(data, whole[1]!);
    return template.includes('{{') ? renderText(template, data) : template;
  }
  if (Array.isArray(template)) return template.map((t) => applyParameters(t, data));
  if (template && typeof template === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(template)) {
      if (key.endsWith('.$') && typeof value === 'string') out[key.slice(0, -2)] = lookup(data, value);
      else out[key] = applyParameters(value, data);
    }
    return out;
  }
  return template;
}

/** Path steps of a ResultPath (`$.a[0].b` → ['a', 0, 'b']). */
function steps(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  const re = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]/g;
  for (let m = re.exec(path); m; m = re.exec(path)) out.push(m[1] !== undefined ? m[1] : Number(m[2]));
  return out;
}

/**
 * The data after writing `result` at `resultPath`: `$` (the default) replaces all the data, null
 * keeps the data as it was, `$.x.y` sets that key (creating objects on the way) on a copy.
 */
export function applyResultPath(data: unknown, resultPath: string | null | undefined, result: unknown): unknown {
  if (resultPath === null) return data;
  const path = steps(resultPath ?? '$');
  if (path.length === 0) return result;
  const root: Record<string | number, unknown> = data && typeof data === 'object' ? structuredClone(data) as Record<string, unknown> : {};
  let cur: Record<string | number, unknown> = root;
  for (const [i, key] of path.entries()) {
    if (i === path.length - 1) { cur[key] = result; break; }
    const next = cur[key];
    cur = (cur[key] = next && typeof next === 'object' ? next : typeof path[i + 1] === 'number' ? [] : {}) as Record<string | number, unknown>;
  }
  return root;
}
