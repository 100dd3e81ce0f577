// The panel client against the real panel simulator on 127.0.0.1: every call
// of panel-api.md, every fault, the retry rules, the in-flight limit,
// keep-alive, cancellation, and that secrets never travel in a path.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FEED_START, type PanelUserKey } from '../../common/panel-api.js';
import { CROSS_LIMIT_MESSAGE, settingMessage } from '../../common/settings.js';
import { createPanelClient, type PanelClientOptions } from '../../main/backend/panel/client.js';
import { PanelError } from '../../main/backend/panel/errors.js';
import { startPanelSimulator, type PanelSimulator } from '../../main/simulator/server.js';

const FAST_RETRY = { retries: 5, minDelayMs: 5, maxDelayMs: 20 };

let sim: PanelSimulator;

beforeAll(async () => {
  sim = await startPanelSimulator({
    domains: 3,
    users: 6,
    recordRequests: true,
    restrictedAdmin: { username: 'reseller', password: 'reseller-pass', domains: [] },
  });
});
afterAll(() => sim.close());
afterEach(() => {
  sim.faults.reset();
  sim.resetStats();
});

function client(extra: Partial<PanelClientOptions> = {}) {
  return createPanelClient({ baseUrl: sim.url, username: sim.username, password: sim.password, retry: FAST_RETRY, ...extra });
}

async function failure(p: Promise<unknown>): Promise<PanelError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof PanelError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

function firstUser(): PanelUserKey {
  const domain = sim.state.domainNames()[0] as string;
  const u = sim.state.listUsers(domain).users[0];
  if (!u) throw new Error('seed has no users');
  return { domain: u.domain, type: u.type, login: u.login };
}

describe('every call of panel-api.md', () => {
  it('version, domains, users, settings, password, lock, DKIM and the feed', async () => {
    const c = client();
    const version = await c.version();
    expect(version.api).toBe(1);
    expect(version.time).toMatch(/Z$/);

    const domains = await c.domainsList();
    expect(domains).toEqual([...sim.state.domainNames()]);
    expect(await c.domainAdd('Neu.Example')).toEqual({ domain: 'neu.example' });
    expect(await c.domainsList()).toContain('neu.example');

    const alice = await c.userAdd({ domain: 'neu.example', type: 'user', login: 'alice', password: 'alice-secret-1', settings: { limit_per_hour: 100 } });
    expect(alice).toMatchObject({ domain: 'neu.example', type: 'user', login: 'alice', revision: 1 });
    expect(alice.settings.limit_per_hour).toBe(100);
    const net = await c.userAdd({ domain: 'neu.example', type: 'ip', login: '2001:db8:1::/48' });
    expect(net.login).toBe('2001:db8:1::/48');
    const dom = await c.userAdd({ domain: 'neu.example', type: 'domain', login: '', password: 'domain-secret-1' });
    expect(dom.type).toBe('domain');

    const list = await c.usersList('neu.example', { page: 1, pagesize: 2 });
    expect(list.total).toBe(3);
    expect(list.users.map((u) => u.type)).toEqual(['domain', 'ip']);
    expect((await c.usersList('neu.example', { page: 2, pagesize: 2 })).users.map((u) => u.login)).toEqual(['alice']);

    expect(await c.userGet(net)).toEqual(net);
    const key: PanelUserKey = { domain: 'neu.example', type: 'user', login: 'alice' };
    const updated = await c.setSettings(key, { limits_enabled: false, dkim_selector: 'S2026' }, 1);
    expect(updated.revision).toBe(2);
    expect(updated.settings).toMatchObject({ limits_enabled: false, dkim_selector: 's2026', limit_per_hour: 100 });

    expect(await c.setPassword(key, 'a-new-password')).toEqual({ revision: 3 });
    expect(sim.state.passwordMatches(key, 'a-new-password')).toBe(true);

    const locked = await c.lock(key, 3);
    expect(locked.lock).toMatchObject({ locked: true, lock_reason: 'manual' });
    expect(locked.lock.locked_since).not.toBeNull();
    const unlocked = await c.unlock(key, locked.revision);
    expect(unlocked.lock).toEqual({ locked: false, lock_reason: null, locked_since: null, unlocks_used: 0 });

    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(await c.dkimSet('neu.example', 'S2026', pem)).toEqual({ selector: 's2026' });
    expect(await c.dkimList('neu.example')).toEqual(['s2026']);

    expect(await c.userRemove(net)).toEqual({ removed: true });
    expect((await failure(c.userGet(net))).kind).toBe('not_found');

    const feed = await c.changes(FEED_START, 5000);
    expect(feed.more).toBe(false);
    expect(feed.changes.filter((ch) => ch.op === 'domain')).toHaveLength(sim.state.domainCount);
    expect(feed.changes.filter((ch) => ch.op === 'upsert')).toHaveLength(sim.state.userCount);
    await c.setSettings(key, { max_retry_days: 9 });
    const next = await c.changes(feed.cursor, 10);
    expect(next.changes).toEqual([{ op: 'upsert', user: expect.objectContaining({ login: 'alice', revision: unlocked.revision + 1 }) }]);

    // An empty value is an empty path segment, also as the last one.
    const cleared = await c.setSettings(key, { dkim_selector: '' });
    expect(sim.requests.at(-1)?.path).toMatch(/\/dkim_selector\/$/);
    expect(cleared.settings.dkim_selector).toBe('');
  });
});

describe('faults: retried until they pass', () => {
  it.each(['error', 'drop', 'garbage', 'wrong_shape'] as const)('%s is retried and the call succeeds', async (kind) => {
    sim.faults.queueNext(kind, kind);
    const c = client();
    expect((await c.version()).api).toBe(1);
    expect(sim.stats.requests).toBe(3);
  });

  it('429: waits the Retry-After seconds before asking again', async () => {
    sim.faults.update({ retryAfterSeconds: 1, next: ['rate_limit'] });
    const started = performance.now();
    await client().version();
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(1000);
    expect(waited).toBeLessThan(5000);
    expect(sim.stats.requests).toBe(2);
  });

  it('429 asking for a longer wait than allowed surfaces as rate_limited at once', async () => {
    sim.faults.update({ retryAfterSeconds: 120, next: ['rate_limit'] });
    const e = await failure(client({ retry: { ...FAST_RETRY, maxRetryAfterMs: 5000 } }).version());
    expect(e).toMatchObject({ kind: 'rate_limited', retryable: true, retryAfterMs: 120_000, status: 429 });
    expect(sim.stats.requests).toBe(1);
  });

  it.each([
    ['error', 'server'],
    ['drop', 'network'],
    ['garbage', 'bad_response'],
    ['wrong_shape', 'bad_response'],
    ['rate_limit', 'rate_limited'],
  ] as const)('%s every time: gives up after the retries as %s', async (fault, kind) => {
    sim.faults.update({ retryAfterSeconds: 0, next: Array(3).fill(fault) });
    const e = await failure(client({ retry: { ...FAST_RETRY, retries: 2 } }).domainsList());
    expect(e.kind).toBe(kind);
    expect(e.retryable).toBe(true);
    expect(e.attempts).toBe(3);
    expect(sim.stats.requests).toBe(3);
  });

  it('a write that succeeds after faults is applied exactly once', async () => {
    const key = firstUser();
    const before = sim.state.getUser(key);
    const cursor = sim.state.changes(FEED_START, 100_000).cursor;
    sim.faults.update({ retryAfterSeconds: 0, next: ['error', 'drop', 'garbage', 'wrong_shape', 'rate_limit'] });
    const after = await client().setSettings(key, { max_retry_days: before.settings.max_retry_days === 30 ? 29 : 30 }, before.revision);
    expect(after.revision).toBe(before.revision + 1);
    expect(sim.state.getUser(key).revision).toBe(before.revision + 1);
    expect(sim.stats.requests).toBe(6);
    const feed = sim.state.changes(cursor, 100);
    expect(feed.changes).toHaveLength(1);
  });

  it('timeouts are retried, then surface as timeout', async () => {
    sim.faults.update({ latencyMs: 300 });
    const e = await failure(client({ timeoutMs: 50, retry: { ...FAST_RETRY, retries: 1 } }).version());
    expect(e).toMatchObject({ kind: 'timeout', retryable: true, status: null, attempts: 2 });
    expect(sim.stats.requests).toBe(2);
  });
});

describe('refusals: never sent again unchanged', () => {
  it('401: wrong password, one request', async () => {
    const e = await failure(client({ password: 'wrong' }).domainsList());
    expect(e).toMatchObject({ kind: 'auth', status: 401, retryable: false, attempts: 1 });
    expect(sim.stats.requests).toBe(1);
  });

  it('400: the panel’s field errors, one request, nothing changed', async () => {
    const key = firstUser();
    const before = structuredClone(sim.state.getUser(key));
    const patch = { limit_per_hour: 2_000_000, max_retry_days: 7 } as never;
    const e = await failure(client().setSettings(key, patch, before.revision));
    expect(e).toMatchObject({ kind: 'invalid', status: 400, retryable: false });
    expect(e.fieldErrors).toEqual([{ field: 'limit_per_hour', message: settingMessage('limit_per_hour') }]);
    expect(e.message).toContain('Outgoing limit per hour must be a whole number from 0 to 1000000');
    expect(sim.stats.requests).toBe(1);
    expect(sim.state.getUser(key)).toEqual(before);
  });

  it('400: the cross-field rule on the merged settings', async () => {
    const key = firstUser();
    await client().setSettings(key, { limits_enabled: true, limit_per_hour: 10, limit_per_minute: 5 });
    const e = await failure(client().setSettings(key, { limit_per_minute: 11 }));
    expect(e.fieldErrors).toEqual([{ field: 'limit_per_minute', message: CROSS_LIMIT_MESSAGE }]);
  });

  it('403: an admin that does not own the domain', async () => {
    const c = createPanelClient({ baseUrl: sim.url, username: 'reseller', password: 'reseller-pass', retry: FAST_RETRY });
    expect(await c.domainsList()).toEqual([]);
    const e = await failure(c.userGet(firstUser()));
    expect(e).toMatchObject({ kind: 'forbidden', status: 403, retryable: false });
    expect(sim.stats.requests).toBe(2);
  });

  it('404: no such user, and no such domain', async () => {
    const c = client();
    expect((await failure(c.userGet({ domain: sim.state.domainNames()[0] as string, type: 'user', login: 'nobody-here' }))).kind).toBe(
      'not_found',
    );
    expect((await failure(c.usersList('no-such-domain.example'))).kind).toBe('not_found');
    expect(sim.stats.requests).toBe(2);
  });

  it('409: ifrevision not current → conflict with the current user, not retried', async () => {
    const key = firstUser();
    const current = sim.state.getUser(key);
    const e = await failure(client().lock(key, current.revision - 1 || 999));
    expect(e).toMatchObject({ kind: 'conflict', status: 409, retryable: false });
    expect(e.current).toEqual(current);
    expect(sim.stats.requests).toBe(1);
  });

  it('409: an add of something that exists', async () => {
    const key = firstUser();
    const e = await failure(client().userAdd({ ...key, password: key.type === 'ip' ? undefined : 'some-password' }));
    expect(e.kind).toBe('conflict');
    expect(e.current).toMatchObject(key);
    const d = await failure(client().domainAdd(key.domain));
    expect(d.kind).toBe('conflict');
    expect(d.current).toBeNull();
  });

  it('410: an unknown cursor is gone', async () => {
    const e = await failure(client().changes('not-a-cursor'));
    expect(e).toMatchObject({ kind: 'gone', status: 410, retryable: false });
    expect(sim.stats.requests).toBe(1);
  });
});

describe('the wire', () => {
  it('passwords and private keys travel only in a POST body, never in a path', async () => {
    const c = client();
    const password = 'p@ss/word?#%&=1';
    const domain = sim.state.domainNames()[1] as string;
    await c.userAdd({ domain, type: 'user', login: 'secret-holder', password });
    await c.setPassword({ domain, type: 'user', login: 'secret-holder' }, `${password}-2`);
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await c.dkimSet(domain, 'wire', pem);

    const writes = sim.requests.filter((r) => r.call === 'userAdd' || r.call === 'setPassword' || r.call === 'dkimSet');
    expect(writes).toHaveLength(3);
    for (const r of writes) {
      expect(r.method).toBe('POST');
      expect(r.path.split('/format/json/')[1]).not.toMatch(/(^|\/)(password|certificate)\/|BEGIN/i);
      for (const secret of [password, encodeURIComponent(password), 'p@ss']) expect(r.path).not.toContain(secret);
    }
    expect(writes.map((r) => r.bodyNames)).toEqual([['password'], ['password'], ['certificate']]);
    expect(sim.state.passwordMatches({ domain, type: 'user', login: 'secret-holder' }, `${password}-2`)).toBe(true);
  });

  it('an IP user is named by its CIDR with / as %2F', async () => {
    const domain = sim.state.domainNames()[0] as string;
    await client().userAdd({ domain, type: 'ip', login: '192.0.2.0/24' });
    expect(sim.requests.at(-1)?.path).toContain('/ip/192.0.2.0%2F24');
  });

  it('holds at most maxInFlight requests at once (default 4)', async () => {
    sim.faults.update({ latencyMs: 40 });
    const two = client({ maxInFlight: 2 });
    await Promise.all(Array.from({ length: 10 }, () => two.version()));
    expect(sim.stats.maxInFlight).toBe(2);
    sim.resetStats();
    const dflt = client();
    await Promise.all(Array.from({ length: 12 }, () => dflt.version()));
    expect(sim.stats.maxInFlight).toBe(4);
  });

  it('keeps the connection alive between requests', async () => {
    const c = client();
    await c.version(); // the connection of earlier tests may have gone idle; start from one
    sim.resetStats();
    for (let i = 0; i < 5; i++) await c.domainsList();
    expect(sim.stats.requests).toBe(5);
    expect(sim.stats.connections).toBeLessThanOrEqual(1);
  });

  it('a call can be cancelled, in flight or while waiting to retry', async () => {
    sim.faults.update({ latencyMs: 500 });
    const inFlight = new AbortController();
    const p = client().version({ signal: inFlight.signal });
    setTimeout(() => inFlight.abort(), 50);
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(sim.stats.requests).toBe(1);

    sim.faults.reset();
    sim.faults.queueNext('error');
    const waiting = new AbortController();
    const slow = client({ retry: { retries: 3, minDelayMs: 5000 } });
    const q = slow.version({ signal: waiting.signal });
    setTimeout(() => waiting.abort(new Error('stop')), 100);
    const started = performance.now();
    await expect(q).rejects.toThrow('stop');
    expect(performance.now() - started).toBeLessThan(2500); // the backoff wait was 5 s
  });

  it('refuses a base URL with credentials in it', () => {
    expect(() => createPanelClient({ baseUrl: 'https://a:b@panel.example', username: 'x', password: 'y' })).toThrow(/credentials/);
    expect(() => createPanelClient({ baseUrl: 'ftp://panel.example', username: 'x', password: 'y' })).toThrow(/http/);
  });
});
