// Nothing is lost under the simulator's fault injection: 5xx, dropped
// connections, 429, garbage and wrong-shaped answers on a good share of all
// requests. Local and panel changes made meanwhile all end up on both sides,
// each applied once (every changed user's revision went up exactly once per change).
import { afterEach, expect, it } from 'vitest';
import type { PanelUserKey } from '../../common/panel-api.js';
import { keyOf, localSnapshot, panelSnapshot, world, type World } from './fixtures/sync-harness.js';

let w: World;
afterEach(() => w?.dispose());

const FAULTS = { errorRate: 0.12, dropRate: 0.08, rateLimitRate: 0.05, retryAfterSeconds: 0, garbageRate: 0.05, wrongShapeRate: 0.05 };

async function syncUntilQuiet(rounds = 40): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    const s = await w.sync(w.panelId);
    if (s.panels[0]?.state === 'idle' && s.pending === 0) return;
  }
  throw new Error('the sync did not settle under faults');
}

it('local and panel changes all arrive, once each, through a third of requests failing', async () => {
  w = await world({ domains: 6, users: 8, faults: FAULTS, faultSeed: 20261201 }, { retry: { retries: 3, minDelayMs: 1, maxDelayMs: 4, maxRetryAfterMs: 100 }, pageSize: 7 });
  await syncUntilQuiet();
  w.sim.faults.reset();
  await w.sync(w.panelId);
  expect(localSnapshot(w)).toEqual(panelSnapshot(w.sim));
  w.sim.faults.update(FAULTS);

  const all: PanelUserKey[] = [];
  for (const d of w.sim.state.domainNames()) for (const u of w.sim.state.listUsers(d).users) all.push(keyOf(u));
  const localEdits = all.slice(0, 20);
  const locks = all.slice(20, 25);
  const removes = all.slice(25, 28);
  const panelEdits = all.slice(28, 40);
  const revisions = new Map(all.map((k) => [JSON.stringify(k), w.panelUser(k).revision]));

  for (const [i, k] of localEdits.entries()) await w.call('users.updateSettings', { id: w.userId(k), changes: { max_retry_days: 1 + (i % 30), invalid_recipient_limit: 1000 + i } });
  for (const k of locks) await w.call(w.panelUser(k).lock.locked ? 'users.unlock' : 'users.lock', { id: w.userId(k) });
  for (const k of removes) await w.call('users.remove', { id: w.userId(k) });
  const domain = await w.call('domains.add', { name: 'faulty.example', panelId: w.panelId });
  for (let i = 0; i < 3; i++) await w.call('users.add', { domainId: domain.id, type: 'ip', login: `192.0.2.${i * 4}/30`, settings: { max_unlocks: i } });
  const wasLocked = new Map(locks.map((k) => [JSON.stringify(k), w.panelUser(k).lock.locked]));
  for (const [i, k] of panelEdits.entries()) w.sim.state.setSettings(k, { lock_timeout: 500 + i });

  await syncUntilQuiet();
  w.sim.faults.reset();
  const final = await w.sync(w.panelId);
  expect(final).toMatchObject({ pending: 0, failed: 0, conflicts: 0 });
  expect(localSnapshot(w)).toEqual(panelSnapshot(w.sim));

  for (const [i, k] of localEdits.entries()) {
    expect(w.panelUser(k).settings).toMatchObject({ max_retry_days: 1 + (i % 30), invalid_recipient_limit: 1000 + i });
    expect(w.panelUser(k).revision).toBe(revisions.get(JSON.stringify(k))! + 1);
  }
  for (const k of locks) {
    expect(w.panelUser(k).lock.locked).toBe(!wasLocked.get(JSON.stringify(k)));
    expect(w.panelUser(k).revision).toBe(revisions.get(JSON.stringify(k))! + 1);
  }
  for (const k of removes) expect(w.sim.state.findUser(k)).toBeNull();
  for (const [i, k] of panelEdits.entries()) expect(localSnapshot(w).get(`${k.type}:${k.login}@${k.domain}`)?.settings).toMatchObject({ lock_timeout: 500 + i });
  expect(w.sim.state.listUsers('faulty.example').users.map((u) => [u.login, u.settings.max_unlocks, u.revision])).toEqual([
    ['192.0.2.0/30', 0, 1],
    ['192.0.2.4/30', 1, 1],
    ['192.0.2.8/30', 2, 1],
  ]);
});
