// Pull against the real simulator: a first full sync, incremental syncs from
// the stored cursor, a 410 that recovers with a replay that removes what the
// panel no longer has, pulled changes to users with pending edits, progress
// and data events, and cancel.
import { afterEach, describe, expect, it } from 'vitest';
import { keyOf, localSnapshot, panelSnapshot, world, type World } from './fixtures/sync-harness.js';

let w: World;
afterEach(() => w?.dispose());

const cursorOf = (w: World) => w.deps.db.prepare(`SELECT cursor FROM panels WHERE id = ?`).pluck().get(w.panelId) as string | null;
const remoteAudit = (w: World) =>
  w.deps.db.prepare(`SELECT action, actor, field, old_value, new_value FROM audit WHERE origin = 'remote' ORDER BY id`).all() as {
    action: string;
    actor: string;
    field: string | null;
    old_value: string | null;
    new_value: string | null;
  }[];

function someUsers(w: World, n: number) {
  const out = [];
  for (const d of w.sim.state.domainNames()) for (const u of w.sim.state.listUsers(d).users) out.push(keyOf(u));
  return out.slice(0, n);
}

describe('pull', () => {
  it('a first sync copies every domain and user, with lock state, revision and the remote base, and records it as the panel', async () => {
    w = await world({ domains: 4, users: 6 });
    const events: string[] = [];
    w.backend.onEvent((e, p) => events.push(e === 'sync.status' ? `status:${(p as { running: boolean }).running}` : e));
    const status = await w.sync(w.panelId);

    expect(status.panels[0]).toMatchObject({ state: 'idle', online: true, lastError: null });
    expect(status.lastSyncAt).not.toBeNull();
    expect(localSnapshot(w)).toEqual(panelSnapshot(w.sim));
    const remote = w.deps.db.prepare(`SELECT count(*) FROM users WHERE remote = settings`).pluck().get();
    expect(remote).toBe(24);
    const domains = await w.call('domains.list', {});
    expect(domains.items.map((d) => d.name)).toEqual(w.sim.state.domainNames());
    expect(domains.items.every((d) => d.panelId === w.panelId)).toBe(true);
    expect(cursorOf(w)).not.toBeNull();
    const audit = remoteAudit(w);
    expect(audit.filter((a) => a.action === 'user.add')).toHaveLength(24);
    expect(audit.filter((a) => a.action === 'domain.add')).toHaveLength(4);
    expect(new Set(audit.map((a) => a.actor))).toEqual(new Set(['Test panel']));
    expect(events).toContain('data.changed');
    expect(events.at(-1)).toBe('status:false');
    expect(events).toContain('status:true');
  });

  it('later syncs are incremental from the stored cursor: changes, locks, adds and removals on the panel arrive', async () => {
    w = await world({ domains: 2, users: 4, recordRequests: true });
    await w.sync(w.panelId);
    const [a, b, c] = someUsers(w, 3) as [ReturnType<typeof keyOf>, ReturnType<typeof keyOf>, ReturnType<typeof keyOf>];
    const before = cursorOf(w);
    const oldTimeout = w.panelUser(a).settings.lock_timeout;
    w.sim.state.setSettings(a, { lock_timeout: oldTimeout === 77 ? 78 : 77, quarantine_response: 'accept' });
    w.sim.state.lock(b, { reason: 'automatic' });
    w.sim.state.removeUser(c);
    w.sim.state.addDomain('fresh.example');
    w.sim.state.addUser({ domain: 'fresh.example', type: 'user', login: 'newbie' }, { password: 'a-password-1', settings: { max_retry_days: 9 } });
    w.sim.resetStats();

    await w.sync(w.panelId);
    const feedCalls = w.sim.requests.filter((r) => r.call === 'changes');
    expect(feedCalls).toHaveLength(1);
    expect(decodeURIComponent(feedCalls[0]!.path)).toContain(`/since/${before}`);
    expect(localSnapshot(w)).toEqual(panelSnapshot(w.sim));
    expect(localSnapshot(w).has(`${c.type}:${c.login}@${c.domain}`)).toBe(false);
    const detail = await w.call('users.get', { id: w.userId(b) });
    expect(detail.lock).toMatchObject({ locked: true, lock_reason: 'automatic' });
    const audit = remoteAudit(w).slice(-7);
    expect(audit.map((x) => `${x.action}:${x.field ?? ''}`)).toEqual(
      expect.arrayContaining(['settings:lock_timeout', 'settings:quarantine_response', 'lock:locked', 'user.remove:', 'domain.add:', 'user.add:']),
    );
    const lt = audit.find((x) => x.field === 'lock_timeout')!;
    expect([JSON.parse(lt.old_value!), JSON.parse(lt.new_value!)]).toEqual([oldTimeout, w.panelUser(a).settings.lock_timeout]);
  });

  it('a pulled change to a user with pending edits keeps them: other fields take the panel value, the base follows the panel, equal values are done, different ones conflict', async () => {
    w = await world({ domains: 1, users: 3 });
    await w.sync(w.panelId);
    const [a, b] = someUsers(w, 2) as [ReturnType<typeof keyOf>, ReturnType<typeof keyOf>];
    const idA = w.userId(a);
    const idB = w.userId(b);
    const baseA = w.panelUser(a).settings;
    const baseB = w.panelUser(b).settings;
    await w.call('users.updateSettings', { id: idA, changes: { lock_timeout: baseA.lock_timeout + 1, max_retry_days: baseA.max_retry_days === 9 ? 8 : 9 } });
    await w.call('users.updateSettings', { id: idB, changes: { invalid_recipient_limit: 1234 } });

    // The panel: another field of A, A's max_retry_days to the same value as here, and B's field to another value.
    w.sim.state.setSettings(a, { valid_sender_required: !baseA.valid_sender_required, max_retry_days: baseA.max_retry_days === 9 ? 8 : 9 });
    w.sim.state.setSettings(b, { invalid_recipient_limit: 4321 });
    // Pull only: the push of this sync must not run first, so stop it at the outbox (an unreachable panel would stop both).
    const { pull } = await import('../../main/backend/sync/pull.js');
    const { createPageStore } = await import('../../main/backend/sync/page-store.js');
    const { createUserApplier } = await import('../../main/backend/sync/apply-user.js');
    const { createPanelClient } = await import('../../main/backend/panel/index.js');
    const ctx = { db: w.deps.db, secretBox: w.deps.secretBox, actor: 'tester', now: () => new Date().toISOString(), events: w.deps.events };
    const store = createPageStore(ctx, { audit: w.deps.services.audit, applier: createUserApplier(ctx, w.deps.services.audit) });
    const meta = w.deps.db.prepare(`SELECT name, updated_at AS updatedAt, cursor FROM panels WHERE id = ?`).get(w.panelId) as { name: string; updatedAt: string; cursor: string };
    await pull({
      client: createPanelClient({ baseUrl: w.sim.url, username: w.sim.username, password: w.sim.password }),
      store,
      panel: { id: w.panelId, name: meta.name, updatedAt: meta.updatedAt },
      cursor: meta.cursor,
      pageSize: 100,
      signal: new AbortController().signal,
      onPage: () => undefined,
    });

    const a2 = await w.call('users.get', { id: idA });
    expect(a2.settings.lock_timeout).toBe(baseA.lock_timeout + 1); // still pending, kept
    expect(a2.settings.valid_sender_required).toBe(!baseA.valid_sender_required); // the panel's
    expect(a2.pendingFields).toEqual(['lock_timeout']); // max_retry_days: the panel has it now
    expect(a2.revision).toBe(w.panelUser(a).revision);
    const remoteA = JSON.parse(w.deps.db.prepare(`SELECT remote FROM users WHERE id = ?`).pluck().get(idA) as string);
    expect(remoteA).toEqual(w.panelUser(a).settings);

    const conflicts = await w.call('conflicts.list', {});
    expect(conflicts.items).toEqual([
      expect.objectContaining({ userId: idB, field: 'invalid_recipient_limit', base: baseB.invalid_recipient_limit, local: 1234, panel: 4321 }),
    ]);
    expect((await w.call('sync.status', {})).conflicts).toBe(1);
  });

  it('410: an expired cursor starts a replay from 0 that removes what the panel no longer has, except users with pending changes', async () => {
    w = await world({ domains: 2, users: 4, cursorTtlMs: 200 });
    await w.sync(w.panelId);
    const [gone, keptBusy, changed] = someUsers(w, 3) as [ReturnType<typeof keyOf>, ReturnType<typeof keyOf>, ReturnType<typeof keyOf>];
    await w.call('users.updateSettings', { id: w.userId(keptBusy), changes: { max_unlocks: 42 } });
    await new Promise((r) => setTimeout(r, 250));
    // Long enough ago that the replay does not mention the removals: only reconciling can find them.
    w.sim.state.removeUser(gone);
    w.sim.state.removeUser(keptBusy);
    w.sim.state.setSettings(changed, { limit_per_hour: 999 });
    await new Promise((r) => setTimeout(r, 5));
    const status = await w.sync(w.panelId);
    expect(status.panels[0]).toMatchObject({ state: 'idle', lastError: null });
    const local = localSnapshot(w);
    expect(local.has(`${gone.type}:${gone.login}@${gone.domain}`)).toBe(false);
    expect(local.get(`${changed.type}:${changed.login}@${changed.domain}`)?.settings).toMatchObject({ limit_per_hour: 999 });
    // The busy user stayed through the pull; its push then learned it is gone from the panel.
    const entries = await w.call('outbox.list', {});
    expect(entries.items).toEqual([expect.objectContaining({ status: 'failed', error: expect.stringContaining('no longer exists on the panel') })]);
    expect(cursorOf(w)).not.toBeNull();
    // And the next sync is incremental again.
    const again = await w.sync(w.panelId);
    expect(again.panels[0]?.lastError).toBeNull();
  });

  it('a panel domain whose name is already a local-only domain is not synced, and the panel says so', async () => {
    w = await world({ domains: 1, users: 2 });
    const local = await w.call('domains.add', { name: 'mine-only.example' });
    await w.call('users.add', { domainId: local.id, type: 'ip', login: '192.0.2.1' });
    w.sim.state.addDomain('mine-only.example');
    w.sim.state.addUser({ domain: 'mine-only.example', type: 'ip', login: '192.0.2.9/32' });
    const status = await w.sync(w.panelId);
    expect(status.panels[0]).toMatchObject({ state: 'idle', lastError: expect.stringContaining('mine-only.example') });
    const domains = (await w.call('domains.list', { query: 'mine-only' })).items;
    expect(domains).toEqual([expect.objectContaining({ name: 'mine-only.example', panelId: null, userCount: 1 })]);
    // Its own change waits, never sent to the panel.
    expect(w.sim.state.findUser({ domain: 'mine-only.example', type: 'ip', login: '192.0.2.1/32' })).toBeNull();
  });

  it('reports progress per page and can be cancelled: what was stored stays, and the cursor moved only with stored pages', async () => {
    w = await world({ domains: 40, users: 10, faults: { latencyMs: 30 } }, { pageSize: 20, retry: { retries: 0 } });
    const progress: number[] = [];
    w.backend.onEvent((e, p) => {
      if (e !== 'sync.status') return;
      const pr = (p as { panels: { progress: { phase: string; done: number } | null }[] }).panels[0]?.progress;
      if (pr?.phase === 'pull') progress.push(pr.done);
    });
    await w.call('sync.now', { panelId: w.panelId });
    await new Promise((r) => setTimeout(r, 200));
    const cancelled = await w.call('sync.cancel', {});
    expect(cancelled.panels[0]?.state === 'syncing' || cancelled.running).toBe(true);
    const after = await w.settle();
    expect(after.panels[0]).toMatchObject({ state: 'idle' });
    const stored = w.deps.db.prepare(`SELECT count(*) FROM users`).pluck().get() as number;
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThan(400);
    expect(progress.length).toBeGreaterThan(1);
    expect(progress).toEqual([...progress].sort((x, y) => x - y));
    // A cursor exists only if a page was stored; resuming brings the rest.
    expect(cursorOf(w)).not.toBeNull();
    w.sim.faults.reset();
    await w.sync(w.panelId);
    expect(localSnapshot(w)).toEqual(panelSnapshot(w.sim));
  });
});
