// The outbox: coalescing, listing, discarding (back to the base) and retrying.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../common/settings.js';
import { confirmAll, openTestBackend, seedPanelUser, type TestBackend } from '../helpers/backend.js';
import { snapshotTables } from '../helpers/db-snapshot.js';

let t: TestBackend;
afterEach(async () => t?.close());

const rows = () =>
  (t.deps.db.prepare(`SELECT id, kind, status, changes, version, op_id FROM outbox ORDER BY id`).all() as { id: number; kind: string; status: string; changes: string; version: number; op_id: string }[]).map(
    (r) => ({ ...r, changes: JSON.parse(r.changes) as unknown[] }),
  );

async function confirmedUser() {
  t = await openTestBackend();
  const seeded = await seedPanelUser(t);
  confirmAll(t);
  return seeded;
}

describe('coalescing settings edits', () => {
  it('keeps one row per user whose from stays the first base', async () => {
    const { user } = await confirmedUser();
    await t.call('users.updateSettings', { id: user.id, changes: { lock_timeout: 60 } });
    await t.call('users.updateSettings', { id: user.id, changes: { lock_timeout: 90, max_retry_days: 7 } });
    await t.call('users.updateSettings', { id: user.id, changes: { lock_timeout: 120 } });
    const [row, ...rest] = rows();
    expect(rest).toEqual([]);
    expect(row).toMatchObject({
      kind: 'settings',
      status: 'pending',
      version: 3,
      changes: [
        { field: 'lock_timeout', from: 30, to: 120 },
        { field: 'max_retry_days', from: 4, to: 7 },
      ],
    });
  });

  it('drops a field edited back to its base, and the row once it is empty', async () => {
    const { user } = await confirmedUser();
    await t.call('users.updateSettings', { id: user.id, changes: { lock_timeout: 60, max_retry_days: 7 } });
    await t.call('users.updateSettings', { id: user.id, changes: { lock_timeout: 30 } });
    expect(rows()[0]!.changes).toEqual([{ field: 'max_retry_days', from: 4, to: 7 }]);
    const u = await t.call('users.updateSettings', { id: user.id, changes: { max_retry_days: 4 } });
    expect(rows()).toEqual([]);
    expect(u.pending).toBe(0);
    expect(u.pendingFields).toEqual([]);
  });

  it('takes the base from what the panel last had, not from the local value', async () => {
    const { user } = await confirmedUser();
    // Local and remote differ without a pending row (a pull in progress): the base is the panel's.
    t.deps.db.prepare(`UPDATE users SET remote = json_set(remote, '$.lock_timeout', 45) WHERE id = ?`).run(user.id);
    await t.call('users.updateSettings', { id: user.id, changes: { lock_timeout: 60 } });
    expect(rows()[0]!.changes).toEqual([{ field: 'lock_timeout', from: 45, to: 60 }]);
  });

  it('folds edits into a pending add: the add carries the settings', async () => {
    t = await openTestBackend();
    const { user } = await seedPanelUser(t);
    await t.call('users.updateSettings', { id: user.id, changes: { lock_timeout: 60 } });
    await t.call('users.setPassword', { id: user.id, password: 'second-password' });
    const add = rows().filter((r) => r.kind !== 'domain.add');
    expect(add).toHaveLength(1);
    expect(add[0]).toMatchObject({ kind: 'user.add', changes: [{ field: 'lock_timeout', from: DEFAULT_SETTINGS.lock_timeout, to: 60 }] });
    const secret = t.deps.db.prepare(`SELECT secret FROM outbox WHERE id = ?`).pluck().get(add[0]!.id) as Buffer;
    expect(t.deps.secretBox.decrypt(secret)).toBe('second-password');
  });

  it('keeps one password row, with the latest password', async () => {
    const { user } = await confirmedUser();
    await t.call('users.setPassword', { id: user.id, password: 'password-one' });
    await t.call('users.setPassword', { id: user.id, password: 'password-two' });
    const all = t.deps.db.prepare(`SELECT kind, secret FROM outbox`).all() as { kind: string; secret: Buffer }[];
    expect(all.map((r) => r.kind)).toEqual(['password']);
    expect(t.deps.secretBox.decrypt(all[0]!.secret)).toBe('password-two');
  });

  it('a new edit of a failed row sends it again; the failure message goes', async () => {
    const { user } = await confirmedUser();
    await t.call('users.updateSettings', { id: user.id, changes: { lock_timeout: 60 } });
    t.deps.db.exec(`UPDATE outbox SET status = 'failed', error = 'The panel refused it'`);
    await t.call('users.updateSettings', { id: user.id, changes: { max_retry_days: 9 } });
    const entry = (await t.call('outbox.list', {})).items[0]!;
    expect(entry).toMatchObject({ status: 'pending', error: null });
  });

  it('gives every row its own op id', async () => {
    t = await openTestBackend();
    const { domain } = await seedPanelUser(t);
    await t.call('users.add', { domainId: domain.id, type: 'ip', login: '203.0.113.0/24' });
    const ids = rows().map((r) => r.op_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(() => t.deps.db.prepare(`UPDATE outbox SET op_id = ? WHERE id = ?`).run(ids[0], rows()[1]!.id)).toThrow(/UNIQUE/);
  });

  it('records the changes of a local-only domain too, waiting for a panel (panel_id NULL)', async () => {
    t = await openTestBackend();
    const d = await t.call('domains.add', { name: 'local.example' });
    const u = await t.call('users.add', { domainId: d.id, type: 'user', login: 'x', password: 'long-enough' });
    await t.call('users.updateSettings', { id: u.id, changes: { lock_timeout: 60 } });
    await t.call('users.setPassword', { id: u.id, password: 'long-enough-2' });
    const waiting = t.deps.db.prepare(`SELECT kind, panel_id, changes FROM outbox ORDER BY id`).all() as { kind: string; panel_id: number | null; changes: string }[];
    // The edits fold into the user's pending add: the panel has never seen it.
    expect(waiting.map((r) => [r.kind, r.panel_id])).toEqual([['domain.add', null], ['user.add', null]]);
    expect(JSON.parse(waiting[1]!.changes)).toEqual([{ field: 'lock_timeout', from: 30, to: 60 }]);
    expect((await t.call('sync.status', {})).pending).toBe(2);
    await t.call('users.remove', { id: u.id });
    expect(t.deps.db.prepare(`SELECT kind FROM outbox`).pluck().all()).toEqual(['domain.add']);
  });
});

describe('outbox.list', () => {
  it('answers a window in push order with the total, filtered by status and user', async () => {
    t = await openTestBackend();
    const { domain, user } = await seedPanelUser(t);
    const bob = await t.call('users.add', { domainId: domain.id, type: 'user', login: 'bob', password: 'long-enough' });
    t.deps.db.prepare(`UPDATE outbox SET status = 'failed', error = 'No' WHERE user_id = ?`).run(bob.id);
    const all = await t.call('outbox.list', { limit: 2 });
    expect(all.total).toBe(3);
    expect(all.items.map((e) => e.kind)).toEqual(['domain.add', 'user.add']);
    expect(all.items[1]).toMatchObject({ userId: user.id, domain: 'example.com', type: 'user', login: 'alice', status: 'pending', attempts: 0 });
    expect((await t.call('outbox.list', { offset: 2 })).items.map((e) => e.userId)).toEqual([bob.id]);
    expect((await t.call('outbox.list', { status: 'failed' })).items.map((e) => [e.userId, e.error])).toEqual([[bob.id, 'No']]);
    expect((await t.call('outbox.list', { userId: user.id })).total).toBe(1);
  });
});

describe('outbox.discard', () => {
  it('settings: the fields go back to their base and the entry goes', async () => {
    const { user } = await confirmedUser();
    await t.call('users.updateSettings', { id: user.id, changes: { lock_timeout: 60, quarantine_response: 'accept' } });
    const [entry] = (await t.call('outbox.list', {})).items;
    expect(await t.call('outbox.discard', { id: entry!.id })).toEqual({ discarded: true });
    expect((await t.call('users.get', { id: user.id })).settings).toEqual(DEFAULT_SETTINGS);
    expect(rows()).toEqual([]);
    const audit = t.deps.db.prepare(`SELECT action, field, old_value, new_value FROM audit WHERE action = 'outbox.discard'`).all();
    expect(audit).toEqual([
      { action: 'outbox.discard', field: 'lock_timeout', old_value: '60', new_value: '30' },
      { action: 'outbox.discard', field: 'quarantine_response', old_value: '"accept"', new_value: '"reject"' },
    ]);
  });

  it('lock: the lock state goes back to what the panel had', async () => {
    const { user } = await confirmedUser();
    await t.call('users.lock', { id: user.id });
    await t.call('outbox.discard', { id: rows()[0]!.id });
    expect((await t.call('users.get', { id: user.id })).lock).toEqual({ locked: false, lock_reason: null, locked_since: null, unlocks_used: 0 });
  });

  it('user.add: the user the panel never saw goes, with its other entries', async () => {
    t = await openTestBackend();
    const { user } = await seedPanelUser(t);
    await t.call('users.lock', { id: user.id });
    const add = rows().find((r) => r.kind === 'user.add')!;
    await t.call('outbox.discard', { id: add.id });
    expect((await t.fail('users.get', { id: user.id })).code).toBe('not_found');
    expect(rows().map((r) => r.kind)).toEqual(['domain.add']);
  });

  it('user.remove: the user comes back as it was, with its id and waiting changes', async () => {
    const { user } = await confirmedUser();
    await t.call('users.updateSettings', { id: user.id, changes: { lock_timeout: 60 } });
    await t.call('users.setPassword', { id: user.id, password: 'waiting-password' });
    const before = await t.call('users.get', { id: user.id });
    const rowsBefore = rows();
    await t.call('users.remove', { id: user.id });
    await t.call('outbox.discard', { id: rows()[0]!.id });
    const after = await t.call('users.get', { id: user.id });
    expect(after).toEqual(before);
    expect(rows()).toEqual(rowsBefore);
    const secret = t.deps.db.prepare(`SELECT secret FROM outbox WHERE kind = 'password'`).pluck().get() as Buffer;
    expect(t.deps.secretBox.decrypt(secret)).toBe('waiting-password');
    expect((await t.call('users.list', { query: 'alice' })).items.map((u) => u.id)).toEqual([user.id]);
  });

  it('user.remove: refuses when the same user was added again meanwhile', async () => {
    const { user, domain } = await confirmedUser();
    await t.call('users.remove', { id: user.id });
    await t.call('users.add', { domainId: domain.id, type: 'user', login: 'alice', password: 'long-enough' });
    const before = snapshotTables(t.deps.db);
    expect((await t.fail('outbox.discard', { id: rows()[0]!.id })).code).toBe('conflict');
    expect(snapshotTables(t.deps.db)).toEqual(before);
  });

  it('domain.add: the domain goes with everything added under it', async () => {
    t = await openTestBackend();
    const { domain } = await seedPanelUser(t);
    await t.call('outbox.discard', { id: rows()[0]!.id });
    expect((await t.call('domains.list', {})).total).toBe(0);
    expect((await t.call('users.list', {})).total).toBe(0);
    expect(rows()).toEqual([]);
    void domain;
  });

  it('password: the entry goes', async () => {
    const { user } = await confirmedUser();
    await t.call('users.setPassword', { id: user.id, password: 'waiting-password' });
    await t.call('outbox.discard', { id: rows()[0]!.id });
    expect(rows()).toEqual([]);
  });

  it('answers not_found for an unknown entry', async () => {
    t = await openTestBackend();
    expect((await t.fail('outbox.discard', { id: 9 })).code).toBe('not_found');
  });
});

describe('outbox.retry', () => {
  it('puts a failed entry back in the queue and refuses others', async () => {
    const { user } = await confirmedUser();
    await t.call('users.updateSettings', { id: user.id, changes: { lock_timeout: 60 } });
    const id = rows()[0]!.id;
    expect((await t.fail('outbox.retry', { id })).code).toBe('conflict');
    t.deps.db.exec(`UPDATE outbox SET status = 'failed', error = 'The panel said no'`);
    expect(await t.call('outbox.retry', { id })).toMatchObject({ id, status: 'pending', error: null });
    expect((await t.fail('outbox.retry', { id: 999 })).code).toBe('not_found');
  });
});
