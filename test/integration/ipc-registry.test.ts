// The registry is the trust boundary: for EVERY method in METHODS, malformed and
// hostile payloads are refused with a typed error and change nothing. The store
// holds real rows whose ids the payloads name, so a payload that slipped through
// would change something the snapshot comparison sees.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { METHODS, METHOD_NAMES, type InputOf, type MethodName } from '../../common/ipc/contract.js';
import { ErrorPayloadSchema, OutpostError, type Result } from '../../common/ipc/errors.js';
import { createRegistry, type Handlers } from '../../main/backend/ipc/registry.js';
import { confirmAll, openTestBackend, seedPanelUser, type TestBackend } from '../helpers/backend.js';
import { snapshotTables } from '../helpers/db-snapshot.js';

let t: TestBackend;
let samples: { [M in MethodName]: InputOf<M> };
let before: ReturnType<typeof snapshotTables>;

beforeAll(async () => {
  t = await openTestBackend();
  const { panel, domain, user } = await seedPanelUser(t);
  confirmAll(t);
  await t.call('users.updateSettings', { id: user.id, changes: { lock_timeout: 60 } });
  const outboxId = (await t.call('outbox.list', {})).items[0]!.id;
  // A valid input for every method (tsc insists on all of them), naming rows that exist.
  samples = {
    'app.info': {},
    'domains.list': { query: 'ex', panelId: panel.id, offset: 0, limit: 10 },
    'domains.add': { name: 'new.example', panelId: panel.id },
    'domains.assignPanel': { id: domain.id, panelId: panel.id },
    'users.list': { domainId: domain.id, query: 'ali', filter: 'all', offset: 0, limit: 10 },
    'users.get': { id: user.id },
    'users.add': { domainId: domain.id, type: 'user', login: 'bob', password: 'long-enough', settings: { lock_timeout: 5 } },
    'users.remove': { id: user.id },
    'users.updateSettings': { id: user.id, changes: { lock_timeout: 90 } },
    'users.bulkUpdate': { ids: [user.id], changes: { max_retry_days: 3 } },
    'users.setPassword': { id: user.id, password: 'long-enough' },
    'users.lock': { id: user.id },
    'users.unlock': { id: user.id },
    'audit.list': { userId: user.id, domainId: domain.id, offset: 0, limit: 10 },
    'outbox.list': { status: 'pending', userId: user.id, offset: 0, limit: 10 },
    'outbox.discard': { id: outboxId },
    'outbox.retry': { id: outboxId },
    'conflicts.list': { offset: 0, limit: 10 },
    'conflicts.resolve': { outboxId, field: 'lock_timeout', choice: 'value', value: 5 },
    'panels.list': {},
    'panels.add': { name: 'Other', baseUrl: 'https://other.example', username: 'root', password: 'pw' },
    'panels.update': { id: panel.id, name: 'Renamed', baseUrl: 'https://renamed.example', username: 'root', password: 'pw2' },
    'panels.test': { id: panel.id },
    'panels.remove': { id: panel.id, dropPending: true },
    'panels.reset': { id: panel.id },
    'panels.startDemo': {},
    'sync.status': {},
    'sync.now': { panelId: panel.id },
    'sync.cancel': {},
  };
  before = snapshotTables(t.deps.db);
});
afterAll(async () => t?.close());

function expectRefused(r: Result<unknown>, label: string) {
  expect(r.ok, `${label} should be refused`).toBe(false);
  if (r.ok) return;
  expect(ErrorPayloadSchema.safeParse(r.error).success, `${label}: typed error`).toBe(true);
  expect(r.error.code, `${label}: ${JSON.stringify(r.error).slice(0, 300)}`).toBe('invalid_input');
  expect(r.error.issues?.length, label).toBeGreaterThan(0);
}

const huge = 'x'.repeat(1_000_000);
const cyclic: Record<string, unknown> = { a: 1 };
cyclic.self = cyclic;
let deep: unknown = 1;
for (let i = 0; i < 100; i++) deep = { d: deep };
class Point {
  x = 1;
}

/** Whole payloads that are not an input of any method. */
function hostileWhole(sample: object): [string, unknown][] {
  const json = JSON.stringify(sample);
  const withKey = (key: string, value: string) => JSON.parse(json === '{}' ? `{"${key}": ${value}}` : `${json.slice(0, -1)}, "${key}": ${value}}`) as unknown;
  return [
    ['null', null],
    ['a number', 42],
    ['NaN', Number.NaN],
    ['a string', 'users.get'],
    ['a huge string', huge],
    ['true', true],
    ['an empty array', []],
    ['the sample in an array', [sample]],
    ['__proto__ key (JSON.parse)', withKey('__proto__', '{"polluted": true}')],
    ['constructor key (JSON.parse)', withKey('constructor', '{"prototype": {"polluted": true}}')],
    ['prototype key (JSON.parse)', withKey('prototype', '{}')],
    ['an unknown key', { ...sample, extra: 1 }],
    ['an unknown key with a huge value', { ...sample, extra: huge }],
    ['a Date', new Date()],
    ['a Map', new Map(Object.entries(sample))],
    ['a class instance', Object.assign(new Point(), sample)],
    ['an object with a prototype', Object.assign(Object.create({ inherited: true }) as object, sample)],
    ['a function', () => sample],
    ['a cycle', { ...sample, self: cyclic }],
    ['deep nesting', { ...sample, deep }],
    ['a symbol key', { ...sample, [Symbol('s')]: 1 }],
    ['a getter', Object.defineProperty({ ...sample }, 'sneaky', { enumerable: true, get: () => 1 })],
    ['a bigint', { ...sample, big: 10n }],
    ['Infinity', { ...sample, n: Number.POSITIVE_INFINITY }],
    ['NaN in an array', { ...sample, list: [1, Number.NaN] }],
    ['undefined in an array', { ...sample, list: [1, undefined] }],
    ['a sparse array', { ...sample, list: [1, , 3] }], // eslint-disable-line no-sparse-arrays
    ['a function in an array', { ...sample, list: [() => 1] }],
    ['too many values', { ...sample, list: new Array(200_001).fill(0) }],
  ];
}

const WRONG_VALUES: [string, unknown][] = [
  ['null', null],
  ['a huge string', huge],
  ['a string', 'text'],
  ['an object', {}],
  ['an array', []],
  ['a fraction', 1.5],
  ['a negative number', -1],
  ['a number too large', 2 ** 60],
  ['true', true],
  ['__proto__ object (JSON.parse)', JSON.parse('{"__proto__": {"lock_timeout": 5}}')],
];

describe('dispatch refuses, for every method', () => {
  it('the samples are valid inputs (so that what follows tests the mutations)', () => {
    for (const m of METHOD_NAMES) expect(METHODS[m].input.safeParse(samples[m]).success, m).toBe(true);
  });

  it.each(METHOD_NAMES)('%s: whole payloads that are not its input', async (method) => {
    for (const [label, payload] of hostileWhole(samples[method])) expectRefused(await t.dispatch(method, payload), `${method} with ${label}`);
    expect(snapshotTables(t.deps.db)).toEqual(before);
  });

  it.each(METHOD_NAMES)('%s: each field with a value of the wrong type or size, or missing', async (method) => {
    const sample = samples[method] as Record<string, unknown>;
    const schema = METHODS[method].input as z.ZodType;
    for (const key of Object.keys(sample)) {
      for (const [label, value] of WRONG_VALUES) {
        const payload = { ...sample, [key]: value };
        // Some fields take any value (conflicts.resolve's value); a valid one is no test here.
        if (schema.safeParse(payload).success && label !== '__proto__ object (JSON.parse)') continue;
        const r = await t.dispatch(method, payload);
        expectRefused(r, `${method}.${key} = ${label}`);
        if (!r.ok && method !== 'panels.test') {
          expect(r.error.issues!.some((i) => i.path === key || i.path.startsWith(`${key}.`) || i.path === ''), `${method}.${key} = ${label}: ${JSON.stringify(r.error.issues)}`).toBe(true);
        }
      }
      const { [key]: _, ...missing } = sample;
      if (!schema.safeParse(missing).success) expectRefused(await t.dispatch(method, missing), `${method} without ${key}`);
    }
    // Nested objects hide prototype keys too.
    for (const [key, value] of Object.entries(sample)) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
      const nested = JSON.parse(`{${JSON.stringify(value).slice(1, -1)}${Object.keys(value).length ? ',' : ''} "__proto__": {"x": 1}}`) as unknown;
      expectRefused(await t.dispatch(method, { ...sample, [key]: nested }), `${method}.${key} with __proto__ inside`);
    }
    expect(snapshotTables(t.deps.db)).toEqual(before);
  });
});

describe('unknown methods', () => {
  it.each(['nope', '', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'users', 'users.get.more', 'USERS.GET', huge])('refuses %j, naming it', async (name) => {
    const r = await t.dispatch(name, {});
    expectRefused(r, `method ${name.slice(0, 20)}`);
    if (!r.ok) {
      expect(r.error.message).toContain('Unknown method');
      expect(r.error.message).toContain(JSON.stringify(name.slice(0, 20)).slice(0, -1));
      expect(r.error.message.length).toBeLessThan(200);
    }
  });

  it.each([null, undefined, 42, {}, ['users.get']])('refuses a method name that is not a string: %j', async (name) => {
    expectRefused(await t.dispatch(name as never, {}), String(name));
  });
});

describe('errors from handlers', () => {
  function registryWith(handler: () => unknown, opts: { checkOutputs?: boolean } = {}) {
    const logged: string[] = [];
    const handlers = Object.fromEntries(METHOD_NAMES.map((m) => [m, handler])) as unknown as Handlers;
    return { dispatch: createRegistry(handlers, { log: (l) => logged.push(l), ...opts }), logged };
  }

  it('an OutpostError becomes its payload', async () => {
    const { dispatch } = registryWith(() => {
      throw new OutpostError('not_found', 'No such thing', [{ path: 'id', message: 'No such thing' }]);
    });
    expect(await dispatch('users.get', { id: 1 })).toEqual({ ok: false, error: { code: 'not_found', message: 'No such thing', issues: [{ path: 'id', message: 'No such thing' }] } });
  });

  it('a ZodError becomes invalid_input with the path and the schema message', async () => {
    const { dispatch } = registryWith(() => z.strictObject({ lock_timeout: z.number({ error: 'Lock timeout must be a number' }) }).parse({ lock_timeout: 'x' }));
    expect(await dispatch('users.get', { id: 1 })).toEqual({
      ok: false,
      error: { code: 'invalid_input', message: 'Lock timeout must be a number', issues: [{ path: 'lock_timeout', message: 'Lock timeout must be a number' }] },
    });
  });

  it('anything else is internal, briefly, with the detail in the log', async () => {
    const { dispatch, logged } = registryWith(() => {
      throw new TypeError('cannot read secret-detail of undefined');
    });
    const r = await dispatch('users.get', { id: 1 });
    expect(r).toEqual({ ok: false, error: { code: 'internal', message: 'Outpost hit an internal error in users.get; the details are in its log' } });
    expect(logged.join('\n')).toContain('cannot read secret-detail');
  });

  it('a rejected promise is handled like a throw', async () => {
    const { dispatch } = registryWith(() => Promise.reject(new OutpostError('unavailable', 'Later')));
    expect(await dispatch('sync.now', {})).toEqual({ ok: false, error: { code: 'unavailable', message: 'Later' } });
  });

  it('an answer that breaks the contract is an internal error, not bad data', async () => {
    const { dispatch, logged } = registryWith(() => ({ not: 'a user' }));
    expect((await dispatch('users.get', { id: 1 })) as Result<unknown>).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(logged[0]).toContain('does not match the contract');
  });

  it('never throws, even for a Proxy that throws on every touch', async () => {
    const trap = new Proxy({}, { getPrototypeOf: () => { throw new Error('gotcha'); }, ownKeys: () => { throw new Error('gotcha'); } });
    const { dispatch } = registryWith(() => ({}));
    await expect(dispatch('users.get', trap)).resolves.toMatchObject({ ok: false });
  });

  it('passes the parsed input (defaults applied) to the handler', async () => {
    let seen: unknown;
    const { dispatch } = registryWith((input?: unknown) => ((seen = input), { items: [], total: 0 }));
    await dispatch('users.list', { query: 'a' });
    expect(seen).toEqual({ query: 'a', filter: 'all', offset: 0, limit: 100 });
  });
});
