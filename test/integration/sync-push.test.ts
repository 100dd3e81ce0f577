// Push against the real simulator: every kind of change, ifrevision on every
// write, 409 merges (disjoint fields go through, the same field is a conflict
// for a person, each resolution converges), refusals that do not block the
// queue (400, 403, 404), a 401 that stops the panel's push, and an entry
// edited while its request is in flight.
import { afterEach, describe, expect, it } from 'vitest';
import type { PanelUserKey } from '../../common/panel-api.js';
import { settingMessage } from '../../common/settings.js';
import { keyOf, localSnapshot, panelSnapshot, world, type World } from './fixtures/sync-harness.js';

let w: World;
afterEach(() => w?.dispose());

function users(w: World, n: number, type?: PanelUserKey['type']): PanelUserKey[] {
  const out: PanelUserKey[] = [];
  for (const d of w.sim.state.domainNames()) for (const u of w.sim.state.listUsers(d).users) if (!type || u.type === type) out.push(keyOf(u));
  if (out.length < n) throw new Error('seed too small');
  return out.slice(0, n);
}

/** Runs `fn` once, right after the pull and before the push (the panel changes "meanwhile"). */
function beforePush(w: World, fn: () => void): void {
  let done = false;
  w.backend.onEvent((e, p) => {
    const pr = (p as { panels?: { progress: { phase: string; done: number } | null }[] }).panels?.[0]?.progress;
    if (!done && e === 'sync.status' && pr?.phase === 'push' && pr.done === 0) {
      done = true;
      fn();
    }
  });
}

const outbox = (w: World) => w.call('outbox.list', {}).then((r) => r.items);
const writes = (w: World) => w.sim.requests.filter((r) => r.method === 'POST');

describe('push', () => {
  it('sends every kind of change, each write of a known user with ifrevision, and converges', async () => {
    w = await world({ domains: 2, users: 4, recordRequests: true });
    await w.sync(w.panelId);
    const [s, l, p, r] = users(w, 4, 'user') as [PanelUserKey, PanelUserKey, PanelUserKey, PanelUserKey];
    const domain = await w.call('domains.add', { name: 'pushed.example', panelId: w.panelId });
    const added = await w.call('users.add', { domainId: domain.id, type: 'user', login: 'carol', password: 'carol-secret-1', settings: { lock_timeout: 90 } });
    const ip = await w.call('users.add', { domainId: domain.id, type: 'ip', login: '198.51.100.0/24' });
    await w.call('users.updateSettings', { id: w.userId(s), changes: { max_retry_days: 11, dkim_selector: '' } });
    await w.call('users.lock', { id: w.userId(l) });
    await w.call('users.setPassword', { id: w.userId(p), password: 'brand-new-pass' });
    await w.call('users.remove', { id: w.userId(r) });
    w.sim.resetStats();

    const status = await w.sync(w.panelId);
    expect(status).toMatchObject({ pending: 0, failed: 0, conflicts: 0 });
    expect(await outbox(w)).toEqual([]);
    expect(w.sim.state.hasDomain('pushed.example')).toBe(true);
    expect(w.sim.state.getUser({ domain: 'pushed.example', type: 'user', login: 'carol' }).settings.lock_timeout).toBe(90);
    expect(w.sim.state.passwordMatches({ domain: 'pushed.example', type: 'user', login: 'carol' }, 'carol-secret-1')).toBe(true);
    expect(w.sim.state.findUser({ domain: 'pushed.example', type: 'ip', login: '198.51.100.0/24' })).not.toBeNull();
    expect(w.panelUser(s).settings.max_retry_days).toBe(11);
    expect(w.panelUser(l).lock).toMatchObject({ locked: true, lock_reason: 'manual' });
    expect(w.sim.state.passwordMatches(p, 'brand-new-pass')).toBe(true);
    expect(w.sim.state.findUser(r)).toBeNull();
    expect(localSnapshot(w)).toEqual(panelSnapshot(w.sim));
    expect((await w.call('users.get', { id: added.id })).revision).toBe(1);
    expect((await w.call('users.get', { id: ip.id })).revision).toBe(1);

    const byCall = (call: string) => writes(w).filter((q) => q.call === call);
    for (const call of ['setSettings', 'lock'] as const) {
      expect(byCall(call).every((q) => /\/ifrevision\/\d+/.test(q.path)), call).toBe(true);
    }
    // Passwords travel in the POST body, never in the path.
    const withPassword = [...byCall('userAdd').filter((q) => q.path.includes('/username/')), ...byCall('setPassword')];
    expect(withPassword).toHaveLength(2);
    for (const q of withPassword) {
      expect(q.path).not.toMatch(/\/password\//);
      expect(q.bodyNames).toContain('password');
    }
    // The domain went before the users under it.
    const order = writes(w).map((q) => q.call);
    expect(order.indexOf('domainAdd')).toBeLessThan(order.indexOf('userAdd'));

    // Unlock goes the same way back; the echo in the feed changes nothing.
    await w.call('users.unlock', { id: w.userId(l) });
    await w.sync(w.panelId);
    expect(w.panelUser(l).lock.locked).toBe(false);
    const auditCount = w.deps.db.prepare(`SELECT count(*) FROM audit`).pluck();
    const before = auditCount.get();
    await w.sync(w.panelId);
    expect(auditCount.get()).toBe(before);
    expect(localSnapshot(w)).toEqual(panelSnapshot(w.sim));
  });

  it('409 with disjoint fields: both changes end up on the panel and here', async () => {
    w = await world({ domains: 1, users: 3, recordRequests: true });
    await w.sync(w.panelId);
    const [u] = users(w, 1) as [PanelUserKey];
    const id = w.userId(u);
    const base = w.panelUser(u).settings;
    await w.call('users.updateSettings', { id, changes: { max_retry_days: base.max_retry_days === 12 ? 13 : 12 } });
    beforePush(w, () => w.sim.state.setSettings(u, { lock_timeout: base.lock_timeout + 5 }));
    w.sim.resetStats();

    await w.sync(w.panelId);
    expect(w.sim.requests.filter((q) => q.call === 'setSettings').map((q) => q.status)).toEqual([409, 200]);
    expect(w.panelUser(u).settings).toMatchObject({ max_retry_days: base.max_retry_days === 12 ? 13 : 12, lock_timeout: base.lock_timeout + 5 });
    expect(await outbox(w)).toEqual([]);
    expect(localSnapshot(w)).toEqual(panelSnapshot(w.sim));
    const audit = w.deps.db.prepare(`SELECT field FROM audit WHERE origin = 'remote' AND action = 'settings' AND user_id = ?`).pluck().all(id);
    expect(audit).toEqual(['lock_timeout']); // the panel's change, not the one sent from here
  });

  it('409 on the same field: a conflict for a person, while the other fields of the entry still go through', async () => {
    w = await world({ domains: 1, users: 3 });
    await w.sync(w.panelId);
    const [u] = users(w, 1) as [PanelUserKey];
    const id = w.userId(u);
    const base = w.panelUser(u).settings;
    await w.call('users.updateSettings', { id, changes: { limit_per_hour: 500, max_recipients_per_day: 777 } });
    beforePush(w, () => w.sim.state.setSettings(u, { limit_per_hour: 600 }));
    const status = await w.sync(w.panelId);

    expect(status.conflicts).toBe(1);
    expect(w.panelUser(u).settings).toMatchObject({ limit_per_hour: 600, max_recipients_per_day: 777 });
    const [c] = (await w.call('conflicts.list', {})).items;
    expect(c).toMatchObject({ userId: id, field: 'limit_per_hour', base: base.limit_per_hour, local: 500, panel: 600 });
    const detail = await w.call('users.get', { id });
    expect(detail).toMatchObject({ conflict: true, pendingFields: ['limit_per_hour'] });
    expect(detail.settings.limit_per_hour).toBe(500);
    // Syncing again does not send the field in conflict.
    const rev = w.panelUser(u).revision;
    await w.sync(w.panelId);
    expect(w.panelUser(u).revision).toBe(rev);
  });

  for (const [choice, expected] of [
    ['mine', 500],
    ['panel', 600],
    ['value', 650],
  ] as const) {
    it(`a conflict resolved with "${choice}" converges after the next push`, async () => {
      w = await world({ domains: 1, users: 2 });
      await w.sync(w.panelId);
      const [u] = users(w, 1) as [PanelUserKey];
      const id = w.userId(u);
      await w.call('users.updateSettings', { id, changes: { limit_per_hour: 500 } });
      beforePush(w, () => w.sim.state.setSettings(u, { limit_per_hour: 600 }));
      await w.sync(w.panelId);
      const [c] = (await w.call('conflicts.list', {})).items;
      const r = await w.call('conflicts.resolve', { outboxId: c!.outboxId, field: 'limit_per_hour', choice, ...(choice === 'value' ? { value: 650 } : {}) });
      expect(r.remaining).toBe(0);

      const status = await w.sync(w.panelId);
      expect(status).toMatchObject({ pending: 0, conflicts: 0, failed: 0 });
      expect(w.panelUser(u).settings.limit_per_hour).toBe(expected);
      expect(localSnapshot(w)).toEqual(panelSnapshot(w.sim));
    });
  }

  it('409 on an add: the panel got a user of that name meanwhile — merged with the defaults as the base, the password still set', async () => {
    w = await world({ domains: 1, users: 2 });
    await w.sync(w.panelId);
    const domain = w.sim.state.domainNames()[0]!;
    const localDomain = (await w.call('domains.list', {})).items[0]!;
    const added = await w.call('users.add', { domainId: localDomain.id, type: 'user', login: 'dup', password: 'my-own-password', settings: { lock_timeout: 90, max_retry_days: 6 } });
    const key = { domain, type: 'user' as const, login: 'dup' };
    beforePush(w, () => w.sim.state.addUser(key, { password: 'their-password', settings: { lock_timeout: 60, max_unlocks: 5, max_retry_days: 6 } }));
    const status = await w.sync(w.panelId);
    expect(status).toMatchObject({ conflicts: 1, pending: 0 });
    const [c] = (await w.call('conflicts.list', {})).items;
    expect(c).toMatchObject({ userId: added.id, field: 'lock_timeout', base: 30, local: 90, panel: 60 });
    const detail = await w.call('users.get', { id: added.id });
    expect(detail.settings).toMatchObject({ lock_timeout: 90, max_unlocks: 5, max_retry_days: 6 }); // the panel's max_unlocks taken
    expect(detail.revision).toBe(w.panelUser(key).revision);
    expect(w.sim.state.passwordMatches(key, 'my-own-password')).toBe(true);
    await w.call('conflicts.resolve', { outboxId: c!.outboxId, field: 'lock_timeout', choice: 'mine' });
    await w.sync(w.panelId);
    expect(w.panelUser(key).settings).toMatchObject({ lock_timeout: 90, max_unlocks: 5 });
    expect(localSnapshot(w)).toEqual(panelSnapshot(w.sim));
  });

  it('changes of a local-only domain wait (never sent) until the domain is given to the panel, then go', async () => {
    w = await world({ domains: 1, users: 1, recordRequests: true });
    await w.sync(w.panelId);
    const local = await w.call('domains.add', { name: 'later.example' });
    await w.call('users.add', { domainId: local.id, type: 'user', login: 'eve', password: 'eve-password-1', settings: { max_unlocks: 4 } });
    w.sim.resetStats();
    const waiting = await w.sync(w.panelId);
    expect(waiting.pending).toBe(2);
    expect(w.sim.requests.filter((q) => q.method === 'POST')).toEqual([]);
    await w.call('domains.assignPanel', { id: local.id, panelId: w.panelId });
    const sent = await w.sync(w.panelId);
    expect(sent.pending).toBe(0);
    expect(w.sim.state.getUser({ domain: 'later.example', type: 'user', login: 'eve' }).settings.max_unlocks).toBe(4);
    expect(localSnapshot(w)).toEqual(panelSnapshot(w.sim));
  });

  it('a refused change (400) is failed with the panel message naming the field, and the queue goes on', async () => {
    w = await world({ domains: 1, users: 3 });
    await w.sync(w.panelId);
    const [bad, good] = users(w, 2) as [PanelUserKey, PanelUserKey];
    await w.call('users.updateSettings', { id: w.userId(bad), changes: { lock_timeout: 45 } });
    await w.call('users.updateSettings', { id: w.userId(good), changes: { lock_timeout: 46 } });
    // This app never lets such a value in; the entry is rewritten to play a panel with stricter rules than ours.
    w.deps.db.prepare(`UPDATE outbox SET changes = json_set(changes, '$[0].to', 99999) WHERE user_id = ?`).run(w.userId(bad));

    const status = await w.sync(w.panelId);
    expect(status).toMatchObject({ failed: 1, pending: 0 });
    const [failed] = await outbox(w);
    expect(failed).toMatchObject({ userId: w.userId(bad), status: 'failed', error: settingMessage('lock_timeout') });
    expect(w.panelUser(good).settings.lock_timeout).toBe(46);
    expect(status.panels[0]).toMatchObject({ state: 'idle', lastError: null });
  });

  it('403 fails that entry only; a remove the panel no longer has (404) is done; settings of a user gone from the panel fail', async () => {
    w = await world({ domains: 2, users: 3, restrictedAdmin: { username: 'reseller', password: 'reseller-pass', domains: [] } });
    await w.sync(w.panelId);
    const [gone, removed, fine] = users(w, 3) as [PanelUserKey, PanelUserKey, PanelUserKey];
    await w.call('users.updateSettings', { id: w.userId(gone), changes: { max_unlocks: 9 } });
    await w.call('users.remove', { id: w.userId(removed) });
    await w.call('users.updateSettings', { id: w.userId(fine), changes: { max_unlocks: 8 } });
    beforePush(w, () => {
      w.sim.state.removeUser(gone);
      w.sim.state.removeUser(removed);
    });
    const status = await w.sync(w.panelId);
    const entries = await outbox(w);
    expect(entries).toEqual([expect.objectContaining({ kind: 'settings', status: 'failed', error: expect.stringMatching(/no longer exists on the panel$/) })]);
    expect(w.panelUser(fine).settings.max_unlocks).toBe(8);
    expect(status.failed).toBe(1);

    // The restricted admin may not add domains: 403, failed with the panel's word.
    await w.call('panels.update', { id: w.panelId, username: 'reseller', password: 'reseller-pass' });
    await w.call('domains.add', { name: 'not-mine.example', panelId: w.panelId });
    await w.sync(w.panelId);
    const refused = (await outbox(w)).find((e) => e.kind === 'domain.add');
    expect(refused).toMatchObject({ status: 'failed', error: expect.stringContaining('may not add domains') });
  });

  it('401 stops the push of that panel with a clear message; entries stay pending', async () => {
    w = await world({ domains: 1, users: 2 });
    await w.sync(w.panelId);
    const [u] = users(w, 1) as [PanelUserKey];
    await w.call('users.updateSettings', { id: w.userId(u), changes: { max_unlocks: 7 } });
    await w.call('panels.update', { id: w.panelId, password: 'not-the-password' });
    const status = await w.sync(w.panelId);
    expect(status.panels[0]).toMatchObject({ state: 'error', online: true, lastError: expect.stringContaining('refused the admin username or password') });
    expect(status.pending).toBe(1);
    await w.call('panels.update', { id: w.panelId, password: w.sim.password });
    const fixed = await w.sync(w.panelId);
    expect(fixed).toMatchObject({ pending: 0 });
    expect(fixed.panels[0]?.lastError).toBeNull();
    expect(w.panelUser(u).settings.max_unlocks).toBe(7);
  });

  it('an entry edited while its request is in flight keeps the new edit (the outbox version), and it goes next', async () => {
    w = await world({ domains: 1, users: 2, recordRequests: true });
    await w.sync(w.panelId);
    const [u] = users(w, 1) as [PanelUserKey];
    const id = w.userId(u);
    await w.call('users.updateSettings', { id, changes: { max_recipients_per_day: 100, invalid_recipient_limit: 60 } });
    // Every request now waits 80 ms before the panel handles it; the edit lands 30 ms into the setsettings request.
    let edit: Promise<unknown> | null = null;
    beforePush(w, () => {
      w.sim.faults.update({ latencyMs: 80 });
      edit = new Promise((r) => setTimeout(r, 30)).then(() => w.call('users.updateSettings', { id, changes: { max_recipients_per_day: 200 } }));
    });
    w.sim.resetStats();
    await w.sync(w.panelId);
    await edit;
    const sent = w.sim.requests.filter((q) => q.call === 'setSettings');
    expect(sent.map((q) => q.status)).toEqual([200, 200]);
    expect(sent[0]!.path).toContain('/max_recipients_per_day/100');
    expect(sent[1]!.path).toContain('/max_recipients_per_day/200');
    expect(sent[1]!.path).not.toContain('invalid_recipient_limit');
    expect(w.panelUser(u).settings).toMatchObject({ max_recipients_per_day: 200, invalid_recipient_limit: 60 });
    expect(await outbox(w)).toEqual([]);
    expect(localSnapshot(w)).toEqual(panelSnapshot(w.sim));
  });
});
