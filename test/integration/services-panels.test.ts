// Panel connections, and removing or resetting a panel's local copy.
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createKeyFileSecretBox, keyFilePath } from '../../main/backend/secrets/key-file.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { confirmAll, openTestBackend, seedPanelUser, type TestBackend } from '../helpers/backend.js';
import { snapshotTables } from '../helpers/db-snapshot.js';

let t: TestBackend;
afterEach(async () => t?.close());

const count = (table: string) => t.deps.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

describe('panels', () => {
  it('adds a connection with its password sealed, named after the host by default', async () => {
    t = await openTestBackend();
    const p = await t.call('panels.add', { baseUrl: 'https://panel.example.net/', username: 'admin', password: 'admin-pw' });
    expect(p).toEqual({ id: p.id, name: 'panel.example.net', baseUrl: 'https://panel.example.net', username: 'admin', secretStorage: 'key-file', demo: false, lastSyncAt: null, domainCount: 0 });
    const sealed = t.deps.db.prepare(`SELECT password FROM panels`).pluck().get() as Buffer;
    expect(sealed.toString('latin1')).not.toContain('admin-pw');
    expect(t.deps.services.panels.connection(p.id).password).toBe('admin-pw');
    expect((await t.fail('panels.add', { baseUrl: 'https://panel.example.net', username: 'admin', password: 'x' })).code).toBe('already_exists');
    expect((await t.fail('panels.add', { baseUrl: 'ftp://panel.example.net', username: 'admin', password: 'x' })).issues?.[0]?.path).toBe('baseUrl');
  });

  it('updates fields, forgetting the cursor when the address changes, and audits without the password', async () => {
    t = await openTestBackend();
    const p = await t.call('panels.add', { baseUrl: 'https://a.example', username: 'admin', password: 'old-pw' });
    t.deps.db.exec(`UPDATE panels SET cursor = 'c42'`);
    await t.call('panels.update', { id: p.id, name: 'Main', password: 'new-pw' });
    expect(t.deps.services.panels.connection(p.id)).toMatchObject({ name: 'Main', password: 'new-pw', cursor: 'c42' });
    const moved = await t.call('panels.update', { id: p.id, baseUrl: 'https://b.example' });
    expect(moved.baseUrl).toBe('https://b.example');
    expect(t.deps.services.panels.connection(p.id).cursor).toBeNull();
    const audit = t.deps.db.prepare(`SELECT field, old_value, new_value FROM audit WHERE action = 'panel.update' ORDER BY id`).all();
    expect(audit).toEqual([
      { field: 'name', old_value: '"a.example"', new_value: '"Main"' },
      { field: 'password', old_value: null, new_value: null },
      { field: 'baseUrl', old_value: '"https://a.example"', new_value: '"https://b.example"' },
    ]);
    expect((await t.fail('panels.update', { id: 99, name: 'x' })).code).toBe('not_found');
  });

  it('lists connections with how many domains each has', async () => {
    t = await openTestBackend();
    await seedPanelUser(t);
    expect((await t.call('panels.list', {})).map((p) => p.domainCount)).toEqual([1]);
  });

  it('remove refuses while changes wait, and drops everything with dropPending', async () => {
    t = await openTestBackend();
    const { panel } = await seedPanelUser(t);
    await t.call('domains.add', { name: 'local.example' });
    const before = snapshotTables(t.deps.db);
    const err = await t.fail('panels.remove', { id: panel.id });
    expect(err.code).toBe('conflict');
    expect(err.message).toContain('2 changes not sent yet');
    expect(snapshotTables(t.deps.db)).toEqual(before);
    expect(await t.call('panels.remove', { id: panel.id, dropPending: true })).toEqual({ removed: true, droppedChanges: 2 });
    expect(await t.call('panels.list', {})).toEqual([]);
    expect((await t.call('domains.list', {})).items.map((d) => d.name)).toEqual(['local.example']);
    // What is left in the outbox is local.example's own pending add, which was never the panel's.
    expect([count('users'), count('outbox'), count('user_index')]).toEqual([0, 1, 0]);
  });

  it('remove goes straight through when nothing waits', async () => {
    t = await openTestBackend();
    const { panel } = await seedPanelUser(t);
    confirmAll(t);
    expect(await t.call('panels.remove', { id: panel.id })).toEqual({ removed: true, droppedChanges: 0 });
  });

  it('reset drops the local copy and the cursor, keeping the connection', async () => {
    t = await openTestBackend();
    const { panel, user } = await seedPanelUser(t);
    t.deps.db.exec(`UPDATE panels SET cursor = 'c9', last_sync_at = '2026-01-01T00:00:00Z'`);
    expect(await t.call('panels.reset', { id: panel.id })).toEqual({ droppedChanges: 2 });
    expect((await t.call('panels.list', {}))[0]).toMatchObject({ id: panel.id, lastSyncAt: null, domainCount: 0 });
    expect(t.deps.services.panels.connection(panel.id).cursor).toBeNull();
    expect((await t.fail('users.get', { id: user.id })).code).toBe('not_found');
    expect((await t.call('users.list', { query: 'alice' })).total).toBe(0);
    expect(t.deps.db.prepare(`SELECT action FROM audit ORDER BY id DESC LIMIT 1`).pluck().get()).toBe('panel.reset');
  });

  it('says so when the saved password cannot be read with this secret storage', async () => {
    t = await openTestBackend();
    const p = await t.call('panels.add', { baseUrl: 'https://a.example', username: 'admin', password: 'admin-pw' });
    const { dataDir } = t;
    await t.close();
    // Electron's safeStorage cannot run here; a key-file box under another name stands in for it.
    t = await openTestBackend({ dataDir, secretBox: { ...createKeyFileSecretBox(makeTempDir()), kind: 'os-keychain' } });
    expect(() => t.deps.services.panels.connection(p.id)).toThrow(/cannot be read here \(it was stored with key-file\)/);
    await t.call('panels.update', { id: p.id, password: 'typed-again' });
    expect((await t.call('panels.list', {}))[0]!.secretStorage).toBe('os-keychain');
    expect(t.deps.services.panels.connection(p.id).password).toBe('typed-again');
    await t.close();
    // A lost or replaced key file: same kind, other key.
    fs.rmSync(keyFilePath(dataDir));
    t = await openTestBackend({ dataDir });
    await t.call('panels.update', { id: p.id, password: 'sealed-by-key-file' });
    await t.close();
    fs.writeFileSync(keyFilePath(dataDir), Buffer.alloc(32, 1));
    t = await openTestBackend({ dataDir });
    expect(() => t.deps.services.panels.connection(p.id)).toThrow(/cannot be read here/);
  });
});
