// The panel simulator's own rules, spoken to over raw HTTP on 127.0.0.1 (no
// client in between, so the wire itself is what is checked): auth, parameter
// rules, validation messages, ifrevision, the change feed and its cursors,
// paging, faults and their control endpoint, the restricted admin, the seed,
// the state file, the CLI, and a 100,000-user replay.
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChangesResultSchema, EnvelopeSchema, PanelUserSchema, type PanelChange } from '../../common/panel-api.js';
import { CROSS_LIMIT_MESSAGE, settingMessage } from '../../common/settings.js';
import { USERNAME_MESSAGE } from '../../common/model.js';
import { startPanelSimulator, type PanelSimulator } from '../../main/simulator/server.js';

type Answer = { status: number; body: { messages: { success: string[]; error: string[] }; result: any }; headers: Headers };

function auth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

async function call(
  sim: PanelSimulator,
  path: string,
  init: { method?: 'GET' | 'POST'; body?: Record<string, string>; as?: [string, string] | null } = {},
): Promise<Answer> {
  const [u, p] = init.as === undefined ? [sim.username, sim.password] : (init.as ?? ['', '']);
  const headers: Record<string, string> = init.as === null ? {} : { authorization: auth(u, p) };
  let body: string | undefined;
  if (init.body) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(init.body).toString();
  }
  const res = await fetch(`${sim.url}${path}`, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text), headers: res.headers };
}

const enc = encodeURIComponent;
const userPath = (domain: string, type: string, login: string) =>
  `domain/${enc(domain)}${type === 'user' ? `/username/${enc(login)}` : type === 'ip' ? `/ip/${enc(login)}` : ''}`;

async function replay(sim: PanelSimulator, since = '0', limit = 5000): Promise<{ changes: PanelChange[]; cursor: string; pages: number }> {
  const changes: PanelChange[] = [];
  let cursor = since;
  let pages = 0;
  for (;;) {
    const r = await call(sim, `/api/sync/changes/format/json/since/${enc(cursor)}/limit/${limit}`);
    expect(r.status).toBe(200);
    const page = ChangesResultSchema.parse(r.body.result);
    changes.push(...page.changes);
    cursor = page.cursor;
    pages++;
    if (!page.more) return { changes, cursor, pages };
  }
}

let sim: PanelSimulator;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'outpost-sim-'));
  sim = await startPanelSimulator({
    domains: 4,
    users: 8,
    recordRequests: true,
    restrictedAdmin: { username: 'reseller', password: 'reseller-pass', domains: ['owned.example'] },
  });
  sim.state.addDomain('owned.example');
  sim.state.addDomain('rules.example');
  sim.state.addUser({ domain: 'rules.example', type: 'user', login: 'bob' }, { password: 'bob-password' });
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => sim.faults.reset());

const BOB = `/api/outgoingusers/get/format/json/domain/rules.example/username/bob`;

describe('requests', () => {
  it('401 without or with wrong credentials', async () => {
    const none = await call(sim, BOB, { as: null });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect(none.body.result).toBeNull();
    expect((await call(sim, BOB, { as: [sim.username, 'nope'] })).status).toBe(401);
    expect((await call(sim, BOB)).status).toBe(200);
  });

  it('answers the envelope with application/json', async () => {
    const r = await call(sim, '/api/version/get/format/json');
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(EnvelopeSchema.safeParse(r.body).success).toBe(true);
    expect(r.body.result).toMatchObject({ api: 1 });
  });

  it('400 naming the field: unknown, missing, invalid, repeated, both in path and body, bad format', async () => {
    const errorsOf = async (path: string, body?: Record<string, string>) => {
      const r = await call(sim, path, body ? { body } : {});
      expect(r.status).toBe(400);
      return r.body.result.errors as { field: string; message: string }[];
    };
    expect(await errorsOf('/api/outgoingusers/get/format/json/domain/rules.example/username/bob/colour/red')).toEqual([
      { field: 'colour', message: 'Unknown parameter colour' },
    ]);
    expect(await errorsOf('/api/outgoingusers/list/format/json')).toEqual([{ field: 'domain', message: 'Parameter domain is required' }]);
    expect(await errorsOf('/api/outgoingusers/get/format/json/domain/rules.example/username/.bob')).toEqual([
      { field: 'username', message: USERNAME_MESSAGE },
    ]);
    expect(await errorsOf('/api/outgoingusers/get/format/json/domain/rules.example/username/bob/ip/10.0.0.0%2F8')).toEqual([
      { field: 'ip', message: 'Give username or ip, not both' },
    ]);
    expect((await errorsOf('/api/outgoingusers/get/format/json/domain/rules.example/domain/x.example'))[0]?.field).toBe('domain');
    expect(await errorsOf('/api/outgoingusers/lock/format/json/domain/rules.example/username/bob', { domain: 'rules.example' })).toEqual([
      { field: 'domain', message: 'Parameter domain may not be in both the path and the body' },
    ]);
    expect((await errorsOf('/api/version/get/format/xml'))[0]?.field).toBe('format');
    expect((await errorsOf('/api/outgoingusers/list/format/json/domain/rules.example/pagesize/1001'))[0]).toEqual({
      field: 'pagesize',
      message: 'Parameter pagesize must be a whole number from 1 to 1000',
    });
    expect((await errorsOf('/api/no/such/format/json'))[0]?.field).toBe('call');
  });

  it('a password in the path is refused; in the POST body it is taken', async () => {
    const path = `/api/outgoingusers/setpassword/format/json/${userPath('rules.example', 'user', 'bob')}`;
    const inPath = await call(sim, `${path}/password/long-enough-1`, { method: 'POST' });
    expect(inPath.status).toBe(400);
    expect(inPath.body.result.errors[0]).toEqual({ field: 'password', message: 'Parameter password must be sent in the POST body, never in the path' });
    const before = sim.state.getUser({ domain: 'rules.example', type: 'user', login: 'bob' }).revision;
    const ok = await call(sim, path, { body: { password: 'long-enough-1' } });
    expect(ok.status).toBe(200);
    expect(ok.body.result).toEqual({ revision: before + 1 });
    const short = await call(sim, path, { body: { password: 'short' } });
    expect(short.body.result.errors).toEqual([{ field: 'password', message: 'Password must be 8 to 128 characters' }]);
  });

  it('writes may be GET (as this family of panels allows)', async () => {
    const r = await call(sim, `/api/outgoingusers/lock/format/json/${userPath('rules.example', 'user', 'bob')}`);
    expect(r.status).toBe(200);
    expect(r.body.result.lock).toMatchObject({ locked: true, lock_reason: 'manual' });
    expect(r.body.result.lock.locked_since).toMatch(/Z$/);
    const again = await call(sim, `/api/outgoingusers/unlock/format/json/${userPath('rules.example', 'user', 'bob')}`);
    expect(again.body.result.lock).toEqual({ locked: false, lock_reason: null, locked_since: null, unlocks_used: 0 });
    expect(again.body.result.revision).toBe(r.body.result.revision + 1);
  });
});

describe('outgoing users', () => {
  const SET = `/api/outgoingusers/setsettings/format/json/${userPath('rules.example', 'user', 'bob')}`;

  it('setsettings: 409 with the current user when ifrevision is not current', async () => {
    const current = sim.state.getUser({ domain: 'rules.example', type: 'user', login: 'bob' });
    const r = await call(sim, `${SET}/ifrevision/${current.revision + 5}/max_retry_days/9`);
    expect(r.status).toBe(409);
    expect(PanelUserSchema.parse(r.body.result)).toEqual(current);
    const ok = await call(sim, `${SET}/ifrevision/${current.revision}/max_retry_days/9/valid_sender_required/0`);
    expect(ok.status).toBe(200);
    expect(ok.body.result.revision).toBe(current.revision + 1);
    expect(ok.body.result.settings).toMatchObject({ max_retry_days: 9, valid_sender_required: false });
  });

  it('setsettings: refuses the whole change when any value is invalid, naming each field', async () => {
    const before = structuredClone(sim.state.getUser({ domain: 'rules.example', type: 'user', login: 'bob' }));
    const r = await call(sim, `${SET}/max_retry_days/5/limit_per_hour/lots/quarantine_response/maybe/automatic_lock/yes`);
    expect(r.status).toBe(400);
    expect(r.body.result.errors).toEqual([
      { field: 'automatic_lock', message: settingMessage('automatic_lock') },
      { field: 'limit_per_hour', message: settingMessage('limit_per_hour') },
      { field: 'quarantine_response', message: settingMessage('quarantine_response') },
    ]);
    expect(sim.state.getUser({ domain: 'rules.example', type: 'user', login: 'bob' })).toEqual(before);
    const none = await call(sim, SET);
    expect(none.body.result.errors).toEqual([{ field: 'settings', message: 'Name at least one setting to change' }]);
  });

  it('setsettings: the cross-field rule is checked on the merged settings', async () => {
    expect((await call(sim, `${SET}/limits_enabled/1/limit_per_hour/20/limit_per_minute/5`)).status).toBe(200);
    const r = await call(sim, `${SET}/limit_per_minute/21`);
    expect(r.status).toBe(400);
    expect(r.body.result.errors).toEqual([{ field: 'limit_per_minute', message: CROSS_LIMIT_MESSAGE }]);
    // With the limits off they keep their values and the rule does not apply.
    expect((await call(sim, `${SET}/limits_enabled/0/limit_per_minute/21`)).status).toBe(200);
    expect((await call(sim, `${SET}/limits_enabled/1`)).body.result.errors).toEqual([{ field: 'limit_per_minute', message: CROSS_LIMIT_MESSAGE }]);
    // An empty DKIM selector is an empty path segment.
    const cleared = await call(sim, `${SET}/dkim_selector//limit_per_minute/20`);
    expect(cleared.status).toBe(200);
    expect(cleared.body.result.settings.dkim_selector).toBe('');
  });

  it('add: defaults, the password rules per type, 409 when it exists', async () => {
    const ADD = '/api/outgoingusers/add/format/json/domain/rules.example';
    const ip = await call(sim, `${ADD}/ip/${enc('198.51.100.0/24')}/limit_per_hour/60`);
    expect(ip.status).toBe(200);
    expect(ip.body.result).toMatchObject({ type: 'ip', login: '198.51.100.0/24', revision: 1 });
    expect(ip.body.result.settings.limit_per_hour).toBe(60);
    expect(ip.body.result.settings.max_retry_days).toBe(4);
    const hostBits = await call(sim, `${ADD}/ip/${enc('198.51.100.7/24')}`);
    expect(hostBits.body.result.errors[0]).toMatchObject({ field: 'ip' });
    expect((await call(sim, `${ADD}/username/carol`)).body.result.errors).toEqual([
      { field: 'password', message: 'Parameter password is required for a user or a domain login' },
    ]);
    expect((await call(sim, `${ADD}/ip/${enc('203.0.113.9')}`, { body: { password: 'whatever-1' } })).body.result.errors[0].field).toBe(
      'password',
    );
    const dup = await call(sim, `${ADD}/ip/${enc('198.51.100.0/24')}`);
    expect(dup.status).toBe(409);
    expect(dup.body.result).toMatchObject({ login: '198.51.100.0/24' });
    const domainDup = await call(sim, '/api/domain/add/format/json/domain/rules.example');
    expect(domainDup.status).toBe(409);
    expect(domainDup.body.result).toBeNull();
  });

  it('outgoingusers/list pages, sorted by type then login', async () => {
    sim.state.addDomain('paging.example');
    const logins = ['zed', 'amy', 'Mia', 'bo'];
    for (const login of logins) sim.state.addUser({ domain: 'paging.example', type: 'user', login }, { password: 'password-1' });
    sim.state.addUser({ domain: 'paging.example', type: 'ip', login: '10.0.0.0/8' });
    sim.state.addUser({ domain: 'paging.example', type: 'domain', login: '' }, { password: 'password-1' });
    const seen: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const r = await call(sim, `/api/outgoingusers/list/format/json/domain/paging.example/page/${page}/pagesize/2`);
      expect(r.body.result).toMatchObject({ total: 6, page, pagesize: 2 });
      seen.push(...r.body.result.users.map((u: { type: string; login: string }) => `${u.type}:${u.login}`));
    }
    expect(seen).toEqual(['domain:', 'ip:10.0.0.0/8', 'user:Mia', 'user:amy', 'user:bo', 'user:zed']);
    const past = await call(sim, '/api/outgoingusers/list/format/json/domain/paging.example/page/4/pagesize/2');
    expect(past.body.result.users).toEqual([]);
  });

  it('dkim: set takes a PEM private key in the body; list names the selectors', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const SET_KEY = '/api/dkim/set/format/json/domain/rules.example/selector/Mail2026';
    expect((await call(sim, SET_KEY, { body: { certificate: pem } })).body.result).toEqual({ selector: 'mail2026' });
    const bad = await call(sim, SET_KEY, { body: { certificate: 'not a key' } });
    expect(bad.body.result.errors[0].field).toBe('certificate');
    expect((await call(sim, '/api/dkim/list/format/json/domain/rules.example')).body.result).toEqual(['mail2026']);
  });

  it('404 for no such domain or user; remove then get', async () => {
    expect((await call(sim, '/api/outgoingusers/list/format/json/domain/nowhere.example')).status).toBe(404);
    sim.state.addUser({ domain: 'rules.example', type: 'user', login: 'temp' }, { password: 'password-1' });
    const path = userPath('rules.example', 'user', 'temp');
    expect((await call(sim, `/api/outgoingusers/remove/format/json/${path}`, { method: 'POST' })).body.result).toEqual({ removed: true });
    expect((await call(sim, `/api/outgoingusers/get/format/json/${path}`)).status).toBe(404);
    expect((await call(sim, `/api/outgoingusers/remove/format/json/${path}`, { method: 'POST' })).status).toBe(404);
  });
});

describe('a restricted admin', () => {
  const as: [string, string] = ['reseller', 'reseller-pass'];
  it('sees its own domains only; 403 on the others; may not add domains', async () => {
    expect((await call(sim, '/api/domainslist/get/format/json', { as })).body.result).toEqual(['owned.example']);
    expect((await call(sim, BOB, { as })).status).toBe(403);
    expect((await call(sim, '/api/outgoingusers/list/format/json/domain/nowhere.example', { as })).status).toBe(404);
    expect((await call(sim, '/api/domain/add/format/json/domain/mine.example', { as })).status).toBe(403);
    const feed = await call(sim, '/api/sync/changes/format/json/since/0', { as });
    expect(feed.body.result.changes).toEqual([{ op: 'domain', domain: 'owned.example' }]);
  });
});

describe('the change feed', () => {
  it('since/0 replays the current state: one domain per domain, one upsert per user, domain first', async () => {
    const local = await startPanelSimulator({ domains: 3, users: 5 });
    try {
      const first = local.state.listUsers(local.state.domainNames()[0] as string).users[0];
      if (!first) throw new Error('no user');
      local.state.removeUser(first);
      const { changes } = await replay(local, '0', 4);
      expect(changes.filter((c) => c.op === 'domain').map((c) => c.domain).sort()).toEqual(local.state.domainNames());
      expect(changes.filter((c) => c.op === 'upsert')).toHaveLength(local.state.userCount);
      expect(changes.some((c) => c.op === 'delete')).toBe(false);
      const seenDomains = new Set<string>();
      for (const c of changes) {
        if (c.op === 'domain') seenDomains.add(c.domain);
        else expect(seenDomains.has(c.op === 'upsert' ? c.user.domain : c.domain)).toBe(true);
      }
    } finally {
      await local.close();
    }
  });

  it('after a cursor: only what changed, a user changed many times once with its latest state, removals and additions', async () => {
    const local = await startPanelSimulator({ domains: 2, users: 3 });
    try {
      const { cursor } = await replay(local);
      const [d1, d2] = local.state.domainNames() as [string, string];
      const a = local.state.listUsers(d1).users[0]!;
      const b = local.state.listUsers(d2).users[1]!;
      for (let i = 1; i <= 5; i++) local.state.setSettings(a, { max_retry_days: i });
      local.state.removeUser(b);
      local.state.addDomain('late.example');
      local.state.addUser({ domain: 'late.example', type: 'ip', login: '203.0.113.0/24' });
      const next = await replay(local, cursor, 2);
      expect(next.pages).toBe(2);
      expect(next.changes).toEqual([
        { op: 'upsert', user: expect.objectContaining({ login: a.login, revision: a.revision + 5, settings: expect.objectContaining({ max_retry_days: 5 }) }) },
        { op: 'delete', domain: b.domain, type: b.type, login: b.login },
        { op: 'domain', domain: 'late.example' },
        { op: 'upsert', user: expect.objectContaining({ domain: 'late.example', login: '203.0.113.0/24', revision: 1 }) },
      ]);
      const quiet = await replay(local, next.cursor);
      expect(quiet.changes).toEqual([]);
      // A removal that happens during a replay reaches the replaying client.
      const page1 = await call(local, '/api/sync/changes/format/json/since/0/limit/3');
      const lastOnPage = page1.body.result.changes.at(-1);
      expect(lastOnPage.op).toBe('upsert');
      local.state.removeUser(lastOnPage.user);
      const rest = await replay(local, page1.body.result.cursor);
      expect(rest.changes).toContainEqual({ op: 'delete', domain: lastOnPage.user.domain, type: lastOnPage.user.type, login: lastOnPage.user.login });
    } finally {
      await local.close();
    }
  });

  it('410 for an unknown, a foreign or an expired cursor', async () => {
    const local = await startPanelSimulator({ domains: 1, users: 1, cursorTtlMs: 150 });
    try {
      const { cursor } = await replay(local);
      expect((await call(local, `/api/sync/changes/format/json/since/${enc(cursor)}`)).status).toBe(200);
      expect((await call(sim, `/api/sync/changes/format/json/since/${enc(cursor)}`)).status).toBe(410);
      expect((await call(local, '/api/sync/changes/format/json/since/12345')).status).toBe(410);
      await new Promise((r) => setTimeout(r, 200));
      const expired = await call(local, `/api/sync/changes/format/json/since/${enc(cursor)}`);
      expect(expired.status).toBe(410);
      expect(expired.body.messages.error[0]).toMatch(/expired/);
    } finally {
      await local.close();
    }
  });

  it('replays 5,000 domains × 20 users in pages of 5,000 within a few seconds', async () => {
    const big = await startPanelSimulator({ domains: 5000, users: 20 });
    try {
      expect(big.state.userCount).toBe(100_000);
      // CPU time as well as wall time: the CPU a replay costs does not grow when CI runs other suites beside it.
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      let cursor = '0';
      let upserts = 0;
      let domains = 0;
      for (;;) {
        const res = await fetch(`${big.url}/api/sync/changes/format/json/since/${enc(cursor)}/limit/5000`, {
          headers: { authorization: auth(big.username, big.password) },
        });
        const page = (await res.json()) as { result: { changes: { op: string }[]; cursor: string; more: boolean } };
        for (const c of page.result.changes) c.op === 'upsert' ? upserts++ : domains++;
        cursor = page.result.cursor;
        if (!page.result.more) break;
      }
      const ms = performance.now() - started;
      const cpu = process.cpuUsage(cpuBefore);
      const cpuMs = (cpu.user + cpu.system) / 1000;
      console.log(`simulator: replay of 100,000 users in pages of 5,000: ${Math.round(ms)} ms, ${Math.round(cpuMs)} ms CPU (server and reader)`);
      expect({ upserts, domains }).toEqual({ upserts: 100_000, domains: 5000 });
      expect(cpuMs).toBeLessThan(5000);
      expect(ms).toBeLessThan(30_000);
    } finally {
      await big.close();
    }
  }, 60_000);
});

describe('faults', () => {
  it('each kind does what it says', async () => {
    sim.faults.update({ retryAfterSeconds: 7, next: ['error', 'rate_limit', 'garbage', 'wrong_shape', 'drop'] });
    const raw = () => fetch(`${sim.url}/api/version/get/format/json`, { headers: { authorization: auth(sim.username, sim.password) } });
    expect((await raw()).status).toBeGreaterThanOrEqual(500);
    const limited = await raw();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    const garbage = await raw();
    expect(garbage.status).toBe(200);
    await expect(garbage.json()).rejects.toThrow();
    const wrong = (await (await raw()).json()) as { result: unknown };
    expect(wrong.result).not.toHaveProperty('api');
    await expect(raw()).rejects.toThrow();
    expect((await raw()).status).toBe(200);
  });

  it('rates apply at random; latency delays', async () => {
    sim.faults.update({ errorRate: 0.5 });
    const statuses = await Promise.all(Array.from({ length: 60 }, () => call(sim, '/api/version/get/format/json').then((r) => r.status, () => 0)));
    const failed = statuses.filter((s) => s >= 500).length;
    expect(failed).toBeGreaterThan(10);
    expect(failed).toBeLessThan(50);
    sim.faults.update({ errorRate: 0, latencyMs: 120 });
    const started = performance.now();
    await call(sim, '/api/version/get/format/json');
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('POST /_sim/faults changes them at run time, with the admin credentials', async () => {
    const control = (body: unknown, as = auth(sim.username, sim.password)) =>
      fetch(`${sim.url}/_sim/faults`, { method: 'POST', headers: { authorization: as, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await control({ errorRate: 1 }, auth('reseller', 'reseller-pass'))).status).toBe(401);
    const bad = await control({ errorRate: 3, colour: 'red' });
    expect(bad.status).toBe(400);
    const errs = ((await bad.json()) as { result: { errors: { field: string }[] } }).result.errors.map((e) => e.field);
    expect(errs).toEqual(expect.arrayContaining(['errorRate', 'colour']));
    expect(sim.faults.config.errorRate).toBe(0);
    const ok = await control({ garbageRate: 1 });
    expect(((await ok.json()) as { result: { garbageRate: number } }).result.garbageRate).toBe(1);
    await expect(call(sim, '/api/version/get/format/json')).rejects.toThrow(); // not JSON
    await control({ garbageRate: 0 });
    expect((await call(sim, '/api/version/get/format/json')).status).toBe(200);
  });
});

describe('the seed', () => {
  it('is deterministic and valid, mixing the three types', async () => {
    const [a, b, c] = await Promise.all([
      startPanelSimulator({ domains: 30, users: 10 }),
      startPanelSimulator({ domains: 30, users: 10 }),
      startPanelSimulator({ domains: 30, users: 10, seed: 7 }),
    ]);
    try {
      const all = (s: PanelSimulator) => s.state.domainNames().flatMap((d) => s.state.listUsers(d, 1, 1000).users);
      expect(all(a)).toEqual(all(b));
      expect(a.state.domainNames()).not.toEqual(c.state.domainNames());
      const users = all(a);
      expect(users).toHaveLength(300);
      for (const u of users) expect(PanelUserSchema.parse(u)).toEqual(u);
      const types = new Set(users.map((u) => u.type));
      expect([...types].sort()).toEqual(['domain', 'ip', 'user']);
      expect(users.some((u) => u.lock.locked)).toBe(true);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });
});

describe('--state-file', () => {
  it('keeps state, cursors and the admin login across a restart', async () => {
    const file = join(dir, 'panel.json');
    const first = await startPanelSimulator({ domains: 2, users: 3, stateFile: file, stateFileDebounceMs: 20 });
    expect(first.loaded).toBe(false);
    const [domain] = first.state.domainNames() as [string];
    const user = first.state.listUsers(domain).users[0]!;
    first.state.setSettings(user, { max_retry_days: 17 });
    const { cursor } = await replay(first);
    first.state.setSettings(user, { max_retry_days: 18 });
    await first.close();

    const second = await startPanelSimulator({ domains: 9, users: 9, stateFile: file });
    try {
      expect(second.loaded).toBe(true);
      expect([second.username, second.password]).toEqual([first.username, first.password]);
      expect(second.state.domainNames()).toEqual(first.state.domainNames());
      const again = second.state.getUser(user);
      expect(again.settings.max_retry_days).toBe(18);
      expect(again.revision).toBe(user.revision + 2);
      const next = await replay(second, cursor);
      expect(next.changes).toEqual([{ op: 'upsert', user: again }]);
    } finally {
      await second.close();
    }
  });
});

describe('the CLI', () => {
  const run = (args: string[]) =>
    spawn(process.execPath, ['--import', 'tsx', 'main/simulator/cli.ts', ...args], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });

  it('prints its URL and login, serves, and stops on SIGTERM', async () => {
    const child = run(['--port', '0', '--domains', '2', '--users', '3', '--username', 'root', '--password', 'cli-secret']);
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out.trim());
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    expect(line).toMatch(/^Panel simulator at http:\/\/127\.0\.0\.1:\d+ \(root \/ cli-secret\), 2 domains, 6 users$/);
    const url = /http:\/\/127\.0\.0\.1:\d+/.exec(line)![0];
    const res = await fetch(`${url}/api/domainslist/get/format/json`, { headers: { authorization: auth('root', 'cli-secret') } });
    expect(((await res.json()) as { result: string[] }).result).toHaveLength(2);
    const code = await new Promise<number | null>((resolve) => {
      child.on('exit', (c) => resolve(c));
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
  });

  it('a bad flag: a clear message and exit 2', async () => {
    const child = run(['--drop-rate', '1.5']);
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(err).toContain('--drop-rate must be a number from 0 to 1');
  });
});
