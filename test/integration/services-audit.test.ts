// The audit trail: written in the transaction of the change, never holding a
// password, and listed newest first.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MethodName } from '../../common/ipc/contract.js';
import { confirmAll, openTestBackend, seedPanelUser, type TestBackend } from '../helpers/backend.js';
import { snapshotTables } from '../helpers/db-snapshot.js';

let t: TestBackend;
afterEach(async () => t?.close());

/** Makes every audit insert fail, as a full disk or a bug in the trail would. */
const breakAudit = () => t.deps.db.exec(`CREATE TRIGGER audit_breaks BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'audit is broken'); END;`);

describe('atomicity', () => {
  it('a change whose audit entry cannot be written is not made at all', async () => {
    t = await openTestBackend();
    const { panel, domain, user } = await seedPanelUser(t);
    confirmAll(t);
    await t.call('users.updateSettings', { id: user.id, changes: { lock_timeout: 44 } }); // a pending row to coalesce into
    const waiting = t.deps.db.prepare(`SELECT id FROM outbox`).pluck().get() as number;
    breakAudit();
    const before = snapshotTables(t.deps.db);
    const writes: [MethodName, unknown][] = [
      ['users.updateSettings', { id: user.id, changes: { lock_timeout: 60, limit_per_hour: 99 } }],
      ['users.bulkUpdate', { ids: [user.id], changes: { max_retry_days: 9 } }],
      ['users.add', { domainId: domain.id, type: 'user', login: 'bob', password: 'long-enough' }],
      ['users.remove', { id: user.id }],
      ['users.setPassword', { id: user.id, password: 'long-enough' }],
      ['users.lock', { id: user.id }],
      ['domains.add', { name: 'new.example', panelId: panel.id }],
      ['outbox.discard', { id: waiting }],
      ['panels.add', { baseUrl: 'https://other.example', username: 'a', password: 'p' }],
      ['panels.update', { id: panel.id, name: 'Renamed' }],
      ['panels.reset', { id: panel.id }],
      ['panels.remove', { id: panel.id, dropPending: true }],
    ];
    for (const [method, input] of writes) {
      const err = await t.fail(method, input);
      expect(err.code, method).toBe('internal');
      expect(snapshotTables(t.deps.db), method).toEqual(before);
    }
    expect(t.deps.db.prepare(`SELECT count(*) FROM outbox`).pluck().get()).toBe(1);
  });
});

describe('what the trail records', () => {
  it('names the actor given, origin local, with the subject of each change', async () => {
    t = await openTestBackend({ actor: 'jane' });
    const { user } = await seedPanelUser(t);
    await t.call('users.updateSettings', { id: user.id, changes: { dkim_selector: 'Sel1' } });
    const page = await t.call('audit.list', { userId: user.id });
    expect(page.items[0]).toMatchObject({
      actor: 'jane',
      origin: 'local',
      action: 'settings',
      userId: user.id,
      domain: 'example.com',
      type: 'user',
      login: 'alice',
      field: 'dkim_selector',
      oldValue: '',
      newValue: 'sel1',
    });
    expect(page.items.map((e) => e.action)).toEqual(['settings', 'user.add']);
  });

  it('names the OS user when no actor is given', async () => {
    t = await openTestBackend({ actor: undefined });
    expect((await t.call('app.info', {})).actor).toBe(os.userInfo().username);
  });

  it('lists by domain and by user, newest first, in windows with the total', async () => {
    t = await openTestBackend();
    const { domain, user } = await seedPanelUser(t);
    for (let i = 1; i <= 5; i++) await t.call('users.updateSettings', { id: user.id, changes: { lock_timeout: i } });
    const first = await t.call('audit.list', { userId: user.id, limit: 2 });
    expect(first.total).toBe(6);
    expect(first.items.map((e) => e.newValue)).toEqual([5, 4]);
    expect((await t.call('audit.list', { userId: user.id, offset: 5 })).items.map((e) => e.action)).toEqual(['user.add']);
    expect((await t.call('audit.list', { domainId: domain.id })).items.at(-1)?.action).toBe('domain.add');
    expect((await t.call('audit.list', {})).total).toBe(8); // panel.add, domain.add, user.add, 5 edits
    expect((await t.fail('audit.list', { domainId: 999 })).code).toBe('not_found');
  });
});

describe('passwords', () => {
  it('never appear in the database files, nor in the audit trail or outbox in any form', async () => {
    const secrets = ['Panel-Admin-Secret-1', 'First-User-Secret-2', 'Second-User-Secret-3', 'Domain-Login-Secret-4'];
    t = await openTestBackend();
    const panel = await t.call('panels.add', { baseUrl: 'http://127.0.0.1:9', username: 'admin', password: secrets[0]! });
    const domain = await t.call('domains.add', { name: 'example.com', panelId: panel.id });
    const user = await t.call('users.add', { domainId: domain.id, type: 'user', login: 'alice', password: secrets[1]! });
    await t.call('users.setPassword', { id: user.id, password: secrets[2]! });
    await t.call('users.add', { domainId: domain.id, type: 'domain', password: secrets[3]! });
    await t.call('panels.update', { id: panel.id, password: `${secrets[0]}-new` });
    const local = await t.call('domains.add', { name: 'local.example' });
    await t.call('users.add', { domainId: local.id, type: 'user', login: 'bob', password: secrets[1]! });

    const files = () => fs.readdirSync(t.dataDir).filter((f) => f.startsWith('outpost.sqlite')).map((f) => path.join(t.dataDir, f));
    const grep = () => {
      for (const f of files()) {
        const bytes = fs.readFileSync(f);
        for (const s of secrets) {
          expect(bytes.includes(Buffer.from(s, 'utf8')), `${s} in ${path.basename(f)}`).toBe(false);
          expect(bytes.includes(Buffer.from(s, 'utf16le')), `${s} (UTF-16) in ${path.basename(f)}`).toBe(false);
        }
      }
    };
    grep(); // while the WAL holds the writes
    const audit = JSON.stringify(t.deps.db.prepare(`SELECT * FROM audit`).all());
    expect(audit).not.toMatch(/Secret-/);
    expect(t.deps.db.prepare(`SELECT count(*) FROM audit WHERE action = 'password' AND (old_value IS NOT NULL OR new_value IS NOT NULL)`).pluck().get()).toBe(0);
    expect(JSON.stringify(await t.call('outbox.list', {}))).not.toMatch(/Secret-/);
    await t.close();
    grep(); // after the checkpoint, in the main file
  });
});
