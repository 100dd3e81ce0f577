// Crash safety: a child process pushing a few hundred changes to a running
// simulator is killed with SIGKILL at random moments (seeded), then started
// again on the same data folder, many times. The simulator waits before it
// handles each request, so kills land while requests are on the wire and the
// panel applies some of them after the client is gone. After a final
// uninterrupted sync the panel holds exactly the expected state and every
// change was applied once: each user's revision went up exactly as many
// times as it had distinct changes, and the store is intact.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { PanelUserKey } from '../../common/panel-api.js';
import { prng } from '../../main/simulator/seed.js';
import { startPanelSimulator, type PanelSimulator } from '../../main/simulator/server.js';
import { keyOf, localSnapshot, openBackend, panelSnapshot } from './fixtures/sync-harness.js';

const CHILD = fileURLToPath(new URL('./fixtures/crash-child.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const TRIALS = 24;
const SEED = 3;

let dir: string;
let sim: PanelSimulator;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'outpost-crash-'));
  sim = await startPanelSimulator({ domains: 30, users: 12, faults: { latencyMs: 25 }, recordRequests: true });
});
afterAll(async () => {
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the child; kills it `killAfterMs` after it is ready (null: lets it finish). Answers its last line. */
function runChild(dataDir: string, panelId: number, killAfterMs: number | null): Promise<{ killed: boolean; last: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, CHILD, dataDir, String(panelId)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (killAfterMs !== null && timer === undefined && out.includes('ready\n')) {
        timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').at(-1) ?? '';
      if (signal === 'SIGKILL') return resolve({ killed: true, last });
      if (code !== 0) return reject(new Error(`child exited with ${code}: ${err}`));
      resolve({ killed: false, last });
    });
  });
}

it(`${TRIALS} kills with SIGKILL at random moments: after the last sync the panel is exactly as expected and every change applied once`, async () => {
  const dataDir = join(dir, 'data');
  const setup = await openBackend(dataDir);
  const panel = await setup.call('panels.add', { baseUrl: sim.url, username: sim.username, password: sim.password });
  await setup.sync(panel.id);
  const userId = setup.deps.db.prepare(`SELECT u.id FROM users u JOIN domains d ON d.id = u.domain_id WHERE d.name = ? AND u.type = ? AND u.login = ?`).pluck();
  const idOf = (k: PanelUserKey) => userId.get(k.domain, k.type, k.login) as number;

  const all: PanelUserKey[] = [];
  for (const d of sim.state.domainNames()) for (const u of sim.state.listUsers(d).users) all.push(keyOf(u));
  const startRevision = new Map(all.map((k) => [JSON.stringify(k), sim.state.getUser(k).revision]));
  const expectedRaise = new Map<string, number>();
  const raise = (k: PanelUserKey) => expectedRaise.set(JSON.stringify(k), (expectedRaise.get(JSON.stringify(k)) ?? 0) + 1);

  // Settings for 80 users, a lock change for 30 (20 of them also edited), 8 removals, a domain, 12 new users.
  const edited = all.slice(0, 80);
  for (const [i, k] of edited.entries()) {
    await setup.call('users.updateSettings', { id: idOf(k), changes: { max_retry_days: 1 + (i % 30), max_recipients_per_day: 10_000 + i } });
    raise(k);
  }
  const lockFlips = all.slice(60, 90);
  const lockedBefore = new Map(lockFlips.map((k) => [JSON.stringify(k), sim.state.getUser(k).lock.locked]));
  for (const k of lockFlips) {
    await setup.call(sim.state.getUser(k).lock.locked ? 'users.unlock' : 'users.lock', { id: idOf(k) });
    raise(k);
  }
  const removed = all.slice(90, 98);
  for (const k of removed) await setup.call('users.remove', { id: idOf(k) });
  const domain = await setup.call('domains.add', { name: 'crash.example', panelId: panel.id });
  for (let i = 0; i < 12; i++) {
    await setup.call('users.add', {
      domainId: domain.id,
      type: i % 2 ? 'ip' : 'user',
      login: i % 2 ? `198.51.100.${i * 8}/29` : `worker${i}`,
      ...(i % 2 ? {} : { password: `password-${i}-long` }),
      settings: { lock_timeout: 100 + i },
    });
  }
  const pendingAtStart = (await setup.call('sync.status', {})).pending;
  expect(pendingAtStart).toBe(80 + 30 + 8 + 1 + 12);
  await setup.close();

  const random = prng(SEED);
  const pendingCount = () => {
    const db = new Database(join(dataDir, 'outpost.sqlite'), { readonly: true });
    try {
      return db.prepare(`SELECT count(*) FROM outbox`).pluck().get() as number;
    } finally {
      db.close();
    }
  };
  // Between kills: fresh local edits (10 users not touched before, so each is one change) and
  // panel-side changes of another field on users that may have changes waiting.
  const later = all.slice(130, 330);
  const panelSide = new Map<string, number>();
  let killedMidway = 0;
  for (let t = 0; t < TRIALS; t++) {
    if (t < 20) {
      const h = await openBackend(dataDir);
      const uid = h.deps.db.prepare(`SELECT u.id FROM users u JOIN domains d ON d.id = u.domain_id WHERE d.name = ? AND u.type = ? AND u.login = ?`).pluck();
      for (const [j, k] of later.slice(t * 10, t * 10 + 10).entries()) {
        await h.call('users.updateSettings', { id: uid.get(k.domain, k.type, k.login) as number, changes: { max_retry_days: 1 + ((t + j) % 30), max_recipients_per_day: 20_000 + t * 10 + j } });
        raise(k);
      }
      await h.close();
      for (const k of [all[t]!, all[110 + t]!]) {
        sim.state.setSettings(k, { lock_timeout: 2000 + t });
        panelSide.set(JSON.stringify(k), 2000 + t);
        raise(k);
      }
    }
    const before = pendingCount();
    const r = await runChild(dataDir, panel.id, 150 + Math.floor(random() * 400));
    const after = pendingCount();
    if (r.killed && after > 0 && after < before) killedMidway++;
    if (process.env.CRASH_DEBUG) console.error(`trial ${t}: killed=${r.killed} pending ${before} -> ${after}`);
  }
  // The kills really interrupted the push, several times over, and replays of requests the panel had already applied were answered as such.
  expect(killedMidway).toBeGreaterThanOrEqual(TRIALS / 3);
  const sim409or404 = sim.requests.filter((q) => q.method === 'POST' && (q.status === 409 || q.status === 404)).length;
  console.error(`crash-safety: ${killedMidway} kills mid-push, ${sim409or404} replayed writes answered 409/404`);
  if (process.env.CRASH_DEBUG) {
    const hist = new Map<string, number>();
    for (const q of sim.requests) hist.set(`${q.method} ${q.call} ${q.status}`, (hist.get(`${q.method} ${q.call} ${q.status}`) ?? 0) + 1);
    console.error([...hist.entries()].join('\n'));
  }
  const last = await runChild(dataDir, panel.id, null);
  expect(last.last).toBe(`done ${JSON.stringify({ pending: 0, failed: 0, conflicts: 0, state: 'idle' })}`);

  const check = await openBackend(dataDir);
  try {
    expect(check.deps.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(await check.call('outbox.list', {})).toMatchObject({ total: 0 });
    expect(localSnapshot(check)).toEqual(panelSnapshot(sim));
  } finally {
    await check.close();
  }
  for (const [i, k] of edited.entries()) expect(sim.state.getUser(k).settings).toMatchObject({ max_retry_days: 1 + (i % 30), max_recipients_per_day: 10_000 + i });
  for (const k of lockFlips) expect(sim.state.getUser(k).lock.locked).toBe(!lockedBefore.get(JSON.stringify(k)));
  for (const [t, k] of later.entries()) expect(sim.state.getUser(k).settings.max_recipients_per_day).toBe(20_000 + t);
  for (const [k, v] of panelSide) expect(sim.state.getUser(JSON.parse(k) as PanelUserKey).settings.lock_timeout).toBe(v);
  for (const k of removed) expect(sim.state.findUser(k)).toBeNull();
  for (const k of all) {
    if (removed.includes(k)) continue;
    const s = JSON.stringify(k);
    expect(sim.state.getUser(k).revision, `${k.type}:${k.login}@${k.domain}`).toBe(startRevision.get(s)! + (expectedRaise.get(s) ?? 0));
  }
  const added = sim.state.listUsers('crash.example').users;
  expect(added).toHaveLength(12);
  expect(added.every((u) => u.revision === 1 && u.settings.lock_timeout >= 100)).toBe(true);
  for (let i = 0; i < 12; i += 2) expect(sim.state.passwordMatches({ domain: 'crash.example', type: 'user', login: `worker${i}` }, `password-${i}-long`)).toBe(true);
}, 90_000);
