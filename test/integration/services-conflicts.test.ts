// Resolving conflicts. The sync engine finds them; here the state it leaves
// is written directly: the panel's value in users.remote and on the outbox row.
import { afterEach, describe, expect, it } from 'vitest';
import { CROSS_LIMIT_MESSAGE } from '../../common/settings.js';
import { confirmAll, openTestBackend, seedPanelUser, type TestBackend } from '../helpers/backend.js';
import { snapshotTables } from '../helpers/db-snapshot.js';

let t: TestBackend;
afterEach(async () => t?.close());

/** alice edited lock_timeout 30 → 60 and max_retry_days 4 → 7; the panel meanwhile set them to 45 and 9. */
async function inConflict() {
  t = await openTestBackend();
  const { user } = await seedPanelUser(t);
  confirmAll(t);
  await t.call('users.updateSettings', { id: user.id, changes: { lock_timeout: 60, max_retry_days: 7 } });
  t.deps.db.exec(`
    UPDATE users SET remote = json_set(remote, '$.lock_timeout', 45, '$.max_retry_days', 9), revision = 2;
    UPDATE outbox SET status = 'conflict', panel_values = '{"lock_timeout": 45, "max_retry_days": 9}', panel_revision = 2;`);
  const outboxId = t.deps.db.prepare(`SELECT id FROM outbox`).pluck().get() as number;
  return { user, outboxId };
}
const entry = () => t.deps.db.prepare(`SELECT status, changes, panel_values FROM outbox`).get() as { status: string; changes: string; panel_values: string | null } | undefined;
const settings = async (id: number) => (await t.call('users.get', { id })).settings;

describe('conflicts.list', () => {
  it('shows base, local and panel value per field', async () => {
    const { user, outboxId } = await inConflict();
    const page = await t.call('conflicts.list', {});
    expect(page.total).toBe(2);
    expect(page.items).toEqual([
      { outboxId, userId: user.id, domain: 'example.com', type: 'user', login: 'alice', field: 'lock_timeout', base: 30, local: 60, panel: 45 },
      { outboxId, userId: user.id, domain: 'example.com', type: 'user', login: 'alice', field: 'max_retry_days', base: 4, local: 7, panel: 9 },
    ]);
    expect((await t.call('conflicts.list', { offset: 1, limit: 1 })).items.map((c) => c.field)).toEqual(['max_retry_days']);
    expect((await t.call('sync.status', {})).conflicts).toBe(2);
    expect((await t.call('users.get', { id: user.id })).conflict).toBe(true);
  });
});

describe('conflicts.resolve', () => {
  it('mine keeps the local value with the panel value as the new base', async () => {
    const { user, outboxId } = await inConflict();
    expect(await t.call('conflicts.resolve', { outboxId, field: 'lock_timeout', choice: 'mine' })).toEqual({ resolved: true, remaining: 1 });
    expect((await settings(user.id)).lock_timeout).toBe(60);
    expect(JSON.parse(entry()!.changes)).toContainEqual({ field: 'lock_timeout', from: 45, to: 60 });
    expect(entry()!.status).toBe('conflict');
  });

  it('panel takes the panel value and drops the field; the last one makes the entry pending again', async () => {
    const { user, outboxId } = await inConflict();
    await t.call('conflicts.resolve', { outboxId, field: 'lock_timeout', choice: 'panel' });
    expect((await settings(user.id)).lock_timeout).toBe(45);
    expect(JSON.parse(entry()!.changes)).toEqual([{ field: 'max_retry_days', from: 4, to: 7 }]);
    expect(await t.call('conflicts.resolve', { outboxId, field: 'max_retry_days', choice: 'mine' })).toEqual({ resolved: true, remaining: 0 });
    expect(entry()).toEqual({ status: 'pending', changes: JSON.stringify([{ field: 'max_retry_days', from: 9, to: 7 }]), panel_values: null });
  });

  it('panel for every field leaves nothing to send', async () => {
    const { user, outboxId } = await inConflict();
    await t.call('conflicts.resolve', { outboxId, field: 'lock_timeout', choice: 'panel' });
    await t.call('conflicts.resolve', { outboxId, field: 'max_retry_days', choice: 'panel' });
    expect(entry()).toBeUndefined();
    expect(await settings(user.id)).toMatchObject({ lock_timeout: 45, max_retry_days: 9 });
    const audit = t.deps.db.prepare(`SELECT field, old_value, new_value FROM audit WHERE action = 'conflict.resolve'`).all();
    expect(audit).toEqual([
      { field: 'lock_timeout', old_value: '60', new_value: '45' },
      { field: 'max_retry_days', old_value: '7', new_value: '9' },
    ]);
  });

  it('value checks the given value like an edit and uses the panel value as the base', async () => {
    const { user, outboxId } = await inConflict();
    const before = snapshotTables(t.deps.db);
    expect(await t.fail('conflicts.resolve', { outboxId, field: 'lock_timeout', choice: 'value', value: 0 })).toMatchObject({
      code: 'invalid_input',
      issues: [{ path: 'value', message: 'User lock timeout must be a whole number from 1 to 10080' }],
    });
    expect((await t.fail('conflicts.resolve', { outboxId, field: 'lock_timeout', choice: 'value' })).issues?.[0]?.path).toBe('value');
    expect(snapshotTables(t.deps.db)).toEqual(before);
    await t.call('conflicts.resolve', { outboxId, field: 'lock_timeout', choice: 'value', value: 120 });
    expect((await settings(user.id)).lock_timeout).toBe(120);
    expect(JSON.parse(entry()!.changes)).toContainEqual({ field: 'lock_timeout', from: 45, to: 120 });
  });

  it('value is checked against the other settings too', async () => {
    t = await openTestBackend();
    const { user } = await seedPanelUser(t);
    confirmAll(t);
    await t.call('users.updateSettings', { id: user.id, changes: { limit_per_minute: 20 } });
    t.deps.db.exec(`UPDATE outbox SET status = 'conflict', panel_values = '{"limit_per_minute": 25}'`);
    const outboxId = t.deps.db.prepare(`SELECT id FROM outbox`).pluck().get() as number;
    expect(await t.fail('conflicts.resolve', { outboxId, field: 'limit_per_minute', choice: 'value', value: 31 })).toMatchObject({
      issues: [{ path: 'value', message: CROSS_LIMIT_MESSAGE }],
    });
  });

  it('answers not_found for a field that is not in conflict', async () => {
    const { outboxId } = await inConflict();
    expect((await t.fail('conflicts.resolve', { outboxId, field: 'quarantine_response', choice: 'mine' })).code).toBe('not_found');
    expect((await t.fail('conflicts.resolve', { outboxId: 999, field: 'lock_timeout', choice: 'mine' })).code).toBe('not_found');
  });
});
