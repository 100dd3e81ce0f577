// Inputs cross a trust boundary (the renderer, an HTTP body), so before any
// schema sees them they must be plain JSON-like data: no prototypes other than
// Object's and Array's, no accessors, no functions, no keys that could reach a
// prototype, bounded depth and size.

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 32;
/** users.bulkUpdate takes up to 100,000 ids; leave room for the rest of the input. */
const MAX_NODES = 200_000;

/** Answers null when `value` is plain JSON-like data, or what is wrong with it (and where). */
export function plainJsonProblem(value: unknown): string | null {
  let nodes = 0;
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value: v, path, depth } = stack.pop()!;
    const at = path === '' ? 'The input' : `The input at ${path}`;
    if (++nodes > MAX_NODES) return `The input is too large (more than ${MAX_NODES} values)`;
    if (v === null || typeof v === 'string' || typeof v === 'boolean') continue;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return `${at} is not a finite number`;
      continue;
    }
    if (typeof v !== 'object') return `${at} is a ${typeof v}, which is not JSON data`;
    if (depth >= MAX_DEPTH) return `${at} is nested more than ${MAX_DEPTH} levels deep`;
    const proto = Object.getPrototypeOf(v);
    const isArray = Array.isArray(v);
    if (isArray ? proto !== Array.prototype : proto !== Object.prototype && proto !== null) return `${at} is not a plain object or array`;
    if (Object.getOwnPropertySymbols(v).length > 0) return `${at} has symbol keys`;
    const descriptors = Object.getOwnPropertyDescriptors(v);
    for (const key of Object.keys(descriptors)) {
      if (isArray && key === 'length') continue;
      const d = descriptors[key]!;
      const child = path === '' ? key : `${path}.${key}`;
      if (FORBIDDEN_KEYS.has(key)) return `The input may not use the key "${key}"${path ? ` (at ${path})` : ''}`;
      if (!('value' in d)) return `The input at ${child} is an accessor, not data`;
      // An absent optional field may arrive as undefined (structured clone keeps it); not inside arrays.
      if (d.value === undefined && !isArray) continue;
      stack.push({ value: d.value, path: child, depth: depth + 1 });
    }
  }
  return null;
}
