// Inputs cross a trust boundary (the renderer, an HTTP body), so before any
// schema sees them they must be plain JSON-like data: no prototypes other than
// Object's and Array's, no accessors, no functions, no keys that could reach a
// prototype, bounded depth and size.

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 32;
/** users.bulkUpdate takes up to 100,000 ids; leave room for the rest of the input. */
const MAX_NODES = 200_000;

const where = (path: string) => (path === '' ? 'The input' : `The input at ${path}`);
const join = (path: string, key: string | number) => (path === '' ? String(key) : `${path}.${key}`);

/** What is wrong with a value that is not an object or array, or null when it is fine. */
function scalarProblem(v: unknown, path: string): string | null {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return null;
  if (typeof v === 'number') return Number.isFinite(v) ? null : `${where(path)} is not a finite number`;
  return `${where(path)} is a ${typeof v}, which is not JSON data`;
}

/** Answers null when `value` is plain JSON-like data, or what is wrong with it (and where). */
export function plainJsonProblem(value: unknown): string | null {
  let nodes = 0;
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value: v, path, depth } = stack.pop()!;
    if (++nodes > MAX_NODES) return `The input is too large (more than ${MAX_NODES} values)`;
    if (typeof v !== 'object' || v === null) {
      const problem = scalarProblem(v, path);
      if (problem) return problem;
      continue;
    }
    if (depth >= MAX_DEPTH) return `${where(path)} is nested more than ${MAX_DEPTH} levels deep`;
    const proto = Object.getPrototypeOf(v);
    if (Array.isArray(v)) {
      if (proto !== Array.prototype) return `${where(path)} is not a plain array`;
      // Element by element, scalars inline: property descriptors and paths for
      // 100,000 ids took ~100 ms. Arrays from JSON or structured clone have no accessors.
      for (let i = 0; i < v.length; i++) {
        if (!(i in v)) return `${where(path)} has a hole at ${i}`;
        const item: unknown = v[i];
        if (typeof item === 'object' && item !== null) stack.push({ value: item, path: join(path, i), depth: depth + 1 });
        else if (++nodes > MAX_NODES) return `The input is too large (more than ${MAX_NODES} values)`;
        else if (!(typeof item === 'number' && Number.isFinite(item)) && typeof item !== 'string') {
          const problem = scalarProblem(item, join(path, i)); // the path is built only for a bad value
          if (problem) return problem;
        }
      }
      continue;
    }
    if (proto !== Object.prototype && proto !== null) return `${where(path)} is not a plain object or array`;
    if (Object.getOwnPropertySymbols(v).length > 0) return `${where(path)} has symbol keys`;
    const descriptors = Object.getOwnPropertyDescriptors(v);
    for (const key of Object.keys(descriptors)) {
      const d = descriptors[key]!;
      if (FORBIDDEN_KEYS.has(key)) return `The input may not use the key "${key}"${path ? ` (at ${path})` : ''}`;
      if (!('value' in d)) return `${where(join(path, key))} is an accessor, not data`;
      // An absent optional field may arrive as undefined (structured clone keeps it).
      if (d.value === undefined) continue;
      stack.push({ value: d.value, path: join(path, key), depth: depth + 1 });
    }
  }
  return null;
}
