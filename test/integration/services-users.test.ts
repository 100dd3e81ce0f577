// Outgoing users through the backend's dispatch, on a real store.
import { afterEach, describe, expect, it } from 'vitest';
import { CROSS_LIMIT_MESSAGE, DEFAULT_SETTINGS } from '../../common/settings.js';
import { OutpostError } from '../../common/ipc/errors.js';
import { confirmAll, openTestBackend, seedPanelUser, type TestBackend } from '../helpers/backend.js';
import { snapshotTables } from '../helpers/db-snapshot.js';

let t: TestBackend;
afterEach(async () => t?.close());

const outboxRows = () => t.deps.db.prepare(`SELECT kind, status, changes, user_id FROM outbox ORDER BY id`).all() as { kind: string; status: string; changes: string; user_id: number }[];
const auditRows = () => t.deps.db.prepare(`SELECT action, field, old_value, new_value, actor, origin FROM audit ORDER BY id`).all();

describe('users.add', () => {
  it('adds each type with its login normalised', async () => {
    t = await openTestBackend();
    const { domain } = await seedPanelUser(t, 'Alice.Smith');
    const ip = await t.call('users.add', { domainId: domain.id, type: 'ip', login: '2001:DB8:0000::/48' });
    const dom = await t.call('users.add', { domainId: domain.id, type: 'domain', password: 'domain-password' });
    const rows = await t.call('users.list', { domainId: domain.id });
    expect(rows.items.map((u) => [u.type, u.login])).toEqual([
      ['domain', ''],
      ['ip', '2001:db8::/48'],
      ['user', 'Alice.Smith'],
    ]);
    expect(ip.hasPassword).toBe(false);
    expect(dom.hasPassword).toBe(true);
    expect(dom.settings).toEqual(DEFAULT_SETTINGS);
    expect(ip.revision).toBeNull();
  });

  it('refuses what exists, naming it', async () => {
    t = await openTestBackend();
    const { domain } = await seedPanelUser(t);
    expect(await t.fail('users.add', { domainId: domain.id, type: 'user', login: 'alice', password: 'another-password' })).toMatchObject({
      code: 'already_exists',
      message: 'alice@example.com already exists',
      issues: [{ path: 'login', message: 'alice@example.com already exists' }],
    });
    await t.call('users.add', { domainId: domain.id, type: 'domain', password: 'domain-password' });
    expect(await t.fail('users.add', { domainId: domain.id, type: 'domain', password: 'domain-password' })).toMatchObject({
      code: 'already_exists',
      message: 'The domain login of example.com already exists',
    });
    await t.call('users.add', { domainId: domain.id, type: 'ip', login: '203.0.113.0/24' });
    expect((await t.fail('users.add', { domainId: domain.id, type: 'ip', login: '203.0.113.0/24' })).code).toBe('already_exists');
  });

  it('refuses bad logins and passwords by field, writing nothing', async () => {
    t = await openTestBackend();
    const { domain } = await seedPanelUser(t);
    const before = snapshotTables(t.deps.db);
    const issue = async (input: object) => (await t.fail('users.add', { domainId: domain.id, ...input })).issues?.[0];
    expect(await issue({ type: 'user', login: '.bad', password: 'long-enough' })).toMatchObject({ path: 'login' });
    expect(await issue({ type: 'ip', login: '203.0.113.7/24' })).toEqual({
      path: 'login',
      message: 'IP address 203.0.113.7/24 has host bits set; the network is 203.0.113.0/24',
    });
    expect(await issue({ type: 'domain', login: 'x', password: 'long-enough' })).toMatchObject({ path: 'login' });
    expect(await issue({ type: 'user', login: 'bob' })).toMatchObject({ path: 'password' });
    expect(await issue({ type: 'user', login: 'bob', password: 'short' })).toMatchObject({ path: 'password', message: 'Password must be 8 to 128 characters' });
    expect(await issue({ type: 'ip', login: '203.0.113.0/24', password: 'long-enough' })).toMatchObject({ path: 'password' });
    expect(await issue({ type: 'user', login: 'bob', password: 'long-enough', settings: { limit_per_hour: 10, limit_per_minute: 11 } })).toEqual({
      path: 'settings.limit_per_minute',
      message: CROSS_LIMIT_MESSAGE,
    });
    expect((await t.fail('users.add', { domainId: 999, type: 'ip', login: '203.0.113.0/24' })).code).toBe('not_found');
    expect(snapshotTables(t.deps.db)).toEqual(before);
  });

  it('stores chosen settings and records the add', async () => {
    t = await openTestBackend();
    const { domain } = await seedPanelUser(t);
    const u = await t.call('users.add', { domainId: domain.id, type: 'user', login: 'bob', password: 'long-enough', settings: { dkim_selector: 'S1', lock_timeout: 90 } });
    expect(u.settings).toEqual({ ...DEFAULT_SETTINGS, dkim_selector: 's1', lock_timeout: 90 });
    const add = outboxRows().find((r) => r.user_id === u.id)!;
    expect(add.kind).toBe('user.add');
    expect(JSON.parse(add.changes)).toEqual([
      { field: 'lock_timeout', from: 30, to: 90 },
      { field: 'dkim_selector', from: '', to: 's1' },
    ]);
    expect(auditRows().at(-1)).toEqual({
      action: 'user.add',
      field: null,
      old_value: null,
      new_value: JSON.stringify({ lock_timeout: 90, dkim_selector: 's1' }),
      actor: 'tester',
      origin: 'local',
    });
  });
});

describe('users.updateSettings', () => {
  it('writes the settings, one audit entry per field and the outbox entry', async () => {
    t = await openTestBackend();
    const { user } = await seedPanelUser(t);
    confirmAll(t);
    const u = await t.call('users.updateSettings', { id: user.id, changes: { lock_timeout: 60, quarantine_response: 'accept' } });
    expect(u.settings).toMatchObject({ lock_timeout: 60, quarantine_response: 'accept' });
    expect(u.pendingFields).toEqual(['lock_timeout', 'quarantine_response']);
    expect(u.pending).toBe(1);
    expect((await t.call('users.get', { id: user.id })).settings.lock_timeout).toBe(60);
    expect(auditRows().slice(-2)).toEqual([
      { action: 'settings', field: 'lock_timeout', old_value: '30', new_value: '60', actor: 'tester', origin: 'local' },
      { action: 'settings', field: 'quarantine_response', old_value: '"reject"', new_value: '"accept"', actor: 'tester', origin: 'local' },
    ]);
    expect(outboxRows()).toEqual([
      {
        kind: 'settings',
        status: 'pending',
        user_id: user.id,
        changes: JSON.stringify([
          { field: 'lock_timeout', from: 30, to: 60 },
          { field: 'quarantine_response', from: 'reject', to: 'accept' },
        ]),
      },
    ]);
  });

  it('checks the cross-field rule after merging and writes nothing when refused', async () => {
    t = await openTestBackend();
    const { user } = await seedPanelUser(t);
    await t.call('users.updateSettings', { id: user.id, changes: { limit_per_hour: 10 } });
    const before = snapshotTables(t.deps.db);
    expect(await t.fail('users.updateSettings', { id: user.id, changes: { limit_per_minute: 11 } })).toEqual({
      code: 'invalid_input',
      message: CROSS_LIMIT_MESSAGE,
      issues: [{ path: 'changes.limit_per_minute', message: CROSS_LIMIT_MESSAGE }],
    });
    expect(snapshotTables(t.deps.db)).toEqual(before);
    // With limits off the same values are fine.
    await t.call('users.updateSettings', { id: user.id, changes: { limits_enabled: false, limit_per_minute: 11 } });
  });

  it('validates again when a service is called directly, not only at the registry', async () => {
    t = await openTestBackend();
    const { user } = await seedPanelUser(t);
    const before = snapshotTables(t.deps.db);
    const call = () => t.deps.services.users.updateSettings(user.id, { lock_timeout: 0 });
    expect(call).toThrow(OutpostError);
    expect(call).toThrow('User lock timeout must be a whole number from 1 to 10080');
    expect(() => t.deps.services.users.updateSettings(user.id, { bogus: 1 } as never)).toThrow(OutpostError);
    expect(snapshotTables(t.deps.db)).toEqual(before);
  });

  it('records nothing for a change to the same values', async () => {
    t = await openTestBackend();
    const { user } = await seedPanelUser(t);
    confirmAll(t);
    const before = snapshotTables(t.deps.db);
    await t.call('users.updateSettings', { id: user.id, changes: { lock_timeout: 30 } });
    expect(snapshotTables(t.deps.db)).toEqual(before);
  });

  it('answers not_found for an unknown id', async () => {
    t = await openTestBackend();
    expect((await t.fail('users.updateSettings', { id: 42, changes: { lock_timeout: 5 } })).code).toBe('not_found');
  });
});

describe('users.bulkUpdate', () => {
  async function threeUsers() {
    t = await openTestBackend();
    const { domain, user } = await seedPanelUser(t);
    const bob = await t.call('users.add', { domainId: domain.id, type: 'user', login: 'bob', password: 'long-enough' });
    const ip = await t.call('users.add', { domainId: domain.id, type: 'ip', login: '203.0.113.0/24' });
    confirmAll(t);
    return [user.id, bob.id, ip.id] as const;
  }

  it('changes every user in one go and counts the unchanged', async () => {
    const [a, b, c] = await threeUsers();
    await t.call('users.updateSettings', { id: a, changes: { max_retry_days: 9 } });
    expect(await t.call('users.bulkUpdate', { ids: [a, b, c, b], changes: { max_retry_days: 9 } })).toEqual({ updated: 2, unchanged: 1 });
    for (const id of [a, b, c]) expect((await t.call('users.get', { id })).settings.max_retry_days).toBe(9);
    expect(outboxRows().filter((r) => r.kind === 'settings')).toHaveLength(3);
  });

  it('refuses the whole edit when one user would break the rule', async () => {
    const [a, b, c] = await threeUsers();
    await t.call('users.updateSettings', { id: b, changes: { limit_per_hour: 3, limit_per_minute: 2 } });
    const before = snapshotTables(t.deps.db);
    const err = await t.fail('users.bulkUpdate', { ids: [a, b, c], changes: { limit_per_minute: 4 } });
    expect(err.code).toBe('invalid_input');
    expect(err.message).toContain('bob@example.com');
    expect(err.issues).toEqual([{ path: 'changes.limit_per_minute', message: CROSS_LIMIT_MESSAGE }]);
    expect(snapshotTables(t.deps.db)).toEqual(before);
  });

  it('refuses unknown ids, writing nothing', async () => {
    const [a] = await threeUsers();
    const before = snapshotTables(t.deps.db);
    expect(await t.fail('users.bulkUpdate', { ids: [a, 777], changes: { max_retry_days: 2 } })).toMatchObject({ code: 'not_found', message: 'No outgoing user with id 777' });
    expect(snapshotTables(t.deps.db)).toEqual(before);
  });
});

describe('users.setPassword', () => {
  it('records that a password was set, sealed, and refuses IP logins and bad passwords', async () => {
    t = await openTestBackend();
    const { domain, user } = await seedPanelUser(t);
    confirmAll(t);
    expect(await t.call('users.setPassword', { id: user.id, password: 'new-password-1' })).toEqual({ ok: true });
    const row = t.deps.db.prepare(`SELECT kind, secret FROM outbox`).get() as { kind: string; secret: Buffer };
    expect(row.kind).toBe('password');
    expect(t.deps.secretBox.decrypt(row.secret)).toBe('new-password-1');
    expect(auditRows().at(-1)).toMatchObject({ action: 'password', field: null, old_value: null, new_value: null });
    const ip = await t.call('users.add', { domainId: domain.id, type: 'ip', login: '203.0.113.0/24' });
    expect((await t.fail('users.setPassword', { id: ip.id, password: 'long-enough' })).issues?.[0]?.path).toBe('password');
    expect((await t.fail('users.setPassword', { id: user.id, password: 'short' })).code).toBe('invalid_input');
    expect(() => t.deps.services.users.setPassword(user.id, 'short')).toThrow('Password must be 8 to 128 characters');
  });
});

describe('users.lock and users.unlock', () => {
  it('shows the lock at once and records the intent', async () => {
    t = await openTestBackend();
    const { user } = await seedPanelUser(t);
    confirmAll(t);
    const locked = await t.call('users.lock', { id: user.id });
    expect(locked.locked).toBe(true);
    expect(locked.lock).toMatchObject({ locked: true, lock_reason: 'manual' });
    expect(locked.lock.locked_since).not.toBeNull();
    expect(outboxRows().map((r) => r.kind)).toEqual(['lock']);
    expect((await t.call('users.list', { filter: 'locked' })).items.map((u) => u.id)).toEqual([user.id]);
    // Locking again changes nothing.
    const before = snapshotTables(t.deps.db);
    await t.call('users.lock', { id: user.id });
    expect(snapshotTables(t.deps.db)).toEqual(before);
  });

  it('an unlock before the lock was sent cancels it', async () => {
    t = await openTestBackend();
    const { user } = await seedPanelUser(t);
    confirmAll(t);
    await t.call('users.lock', { id: user.id });
    const u = await t.call('users.unlock', { id: user.id });
    expect(u.lock).toEqual({ locked: false, lock_reason: null, locked_since: null, unlocks_used: 0 });
    expect(outboxRows()).toEqual([]);
    expect(auditRows().slice(-2).map((r) => (r as { action: string }).action)).toEqual(['lock', 'unlock']);
  });

  it('for a domain with no panel, shows at once and waits in the outbox like any change', async () => {
    t = await openTestBackend();
    const domain = await t.call('domains.add', { name: 'local.example' });
    const user = await t.call('users.add', { domainId: domain.id, type: 'user', login: 'carol', password: 'long-enough' });
    expect((await t.call('users.lock', { id: user.id })).locked).toBe(true);
    expect(outboxRows().map((r) => r.kind)).toEqual(['domain.add', 'user.add', 'lock']);
  });
});

describe('users.remove', () => {
  it('a user the panel has gets one user.remove entry in place of its other entries', async () => {
    t = await openTestBackend();
    const { user } = await seedPanelUser(t);
    confirmAll(t);
    await t.call('users.updateSettings', { id: user.id, changes: { lock_timeout: 5 } });
    expect(await t.call('users.remove', { id: user.id })).toEqual({ removed: true });
    expect((await t.fail('users.get', { id: user.id })).code).toBe('not_found');
    const rows = t.deps.db.prepare(`SELECT kind, type, login FROM outbox`).all();
    expect(rows).toEqual([{ kind: 'user.remove', type: 'user', login: 'alice' }]);
    expect(auditRows().at(-1)).toMatchObject({ action: 'user.remove' });
  });

  it('a user the panel never saw just loses its pending add', async () => {
    t = await openTestBackend();
    const { user } = await seedPanelUser(t);
    await t.call('users.remove', { id: user.id });
    expect(outboxRows().map((r) => r.kind)).toEqual(['domain.add']);
  });
});

describe('users.list', () => {
  it('filters by waiting changes, their status and the lock, across all domains and within one', async () => {
    t = await openTestBackend();
    const { domain, user: alice } = await seedPanelUser(t);
    const other = await t.call('domains.add', { name: 'other.example', panelId: domain.panelId });
    const bob = await t.call('users.add', { domainId: other.id, type: 'user', login: 'bob', password: 'long-enough' });
    const carol = await t.call('users.add', { domainId: domain.id, type: 'user', login: 'carol', password: 'long-enough' });
    const dave = await t.call('users.add', { domainId: other.id, type: 'user', login: 'dave', password: 'long-enough' });
    confirmAll(t);
    await t.call('users.updateSettings', { id: alice.id, changes: { lock_timeout: 7 } });
    await t.call('users.updateSettings', { id: bob.id, changes: { lock_timeout: 7 } });
    await t.call('users.lock', { id: carol.id });
    // The sync engine marks entries failed or in conflict; here the way it will.
    t.deps.db.prepare(`UPDATE outbox SET status = 'failed', error = 'Refused' WHERE user_id = ?`).run(bob.id);
    t.deps.db.prepare(`UPDATE outbox SET status = 'conflict', panel_values = '{"lock_timeout": 9}' WHERE user_id = ?`).run(alice.id);
    const ids = async (input: object) => (await t.call('users.list', input)).items.map((u) => u.login);
    expect(await ids({ filter: 'all' })).toEqual(['alice', 'carol', 'bob', 'dave']);
    expect(await ids({ filter: 'pending' })).toEqual(['carol']);
    expect(await ids({ filter: 'failed' })).toEqual(['bob']);
    expect(await ids({ filter: 'conflict' })).toEqual(['alice']);
    expect(await ids({ filter: 'locked' })).toEqual(['carol']);
    expect(await ids({ filter: 'all', domainId: other.id })).toEqual(['bob', 'dave']);
    expect(await ids({ filter: 'failed', domainId: domain.id })).toEqual([]);
    const row = (await t.call('users.list', { query: 'alice' })).items[0]!;
    expect(row).toMatchObject({ login: 'alice', pending: 1, conflict: true, failed: false });
    expect((await t.call('users.list', { filter: 'failed' })).items[0]).toMatchObject({ login: 'bob', failed: true, conflict: false });
    void dave;
  });

  it('answers not_found for an unknown domain', async () => {
    t = await openTestBackend();
    expect((await t.fail('users.list', { domainId: 5 })).code).toBe('not_found');
  });
});

describe('events', () => {
  it('announces data.changed after a write, naming the user', async () => {
    t = await openTestBackend();
    const { user } = await seedPanelUser(t);
    t.events.length = 0;
    await t.call('users.updateSettings', { id: user.id, changes: { lock_timeout: 8 } });
    expect(t.events).toEqual([{ event: 'data.changed', payload: { scopes: ['users', 'outbox', 'audit'], userIds: [user.id] } }]);
    t.events.length = 0;
    await t.call('users.get', { id: user.id });
    await t.fail('users.updateSettings', { id: user.id, changes: { lock_timeout: 0 } });
    expect(t.events).toEqual([]);
  });
});
