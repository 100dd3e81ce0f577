// Domains: normalised names, uniqueness, and list windows.
import { afterEach, describe, expect, it } from 'vitest';
import { DOMAIN_MESSAGE } from '../../common/model.js';
import { openTestBackend, seedPanelUser, type TestBackend } from '../helpers/backend.js';
import { snapshotTables } from '../helpers/db-snapshot.js';

let t: TestBackend;
afterEach(async () => t?.close());

describe('domains.add', () => {
  it('stores the normalised name and refuses it again in any spelling', async () => {
    t = await openTestBackend();
    const d = await t.call('domains.add', { name: 'Bücher.DE.' });
    expect(d).toEqual({ id: d.id, name: 'xn--bcher-kva.de', panelId: null, panelName: null, userCount: 0, pendingCount: 1 });
    expect(await t.fail('domains.add', { name: 'xn--bcher-kva.de' })).toMatchObject({ code: 'already_exists', message: 'Domain xn--bcher-kva.de already exists' });
  });

  it('refuses a bad name or an unknown panel, writing nothing', async () => {
    t = await openTestBackend();
    const before = snapshotTables(t.deps.db);
    expect(await t.fail('domains.add', { name: 'not a domain' })).toEqual({ code: 'invalid_input', message: DOMAIN_MESSAGE, issues: [{ path: 'name', message: DOMAIN_MESSAGE }] });
    expect((await t.fail('domains.add', { name: 'example.com', panelId: 5 })).code).toBe('not_found');
    expect(snapshotTables(t.deps.db)).toEqual(before);
  });
});

describe('domains.list', () => {
  it('answers windows by name with counts, searchable (IDNs too) and by panel', async () => {
    t = await openTestBackend();
    const { panel } = await seedPanelUser(t);
    for (const name of ['zeta.example', 'bücher.example', 'alpha.example']) await t.call('domains.add', { name });
    const all = await t.call('domains.list', { limit: 2 });
    expect(all.total).toBe(4);
    expect(all.items.map((d) => d.name)).toEqual(['alpha.example', 'example.com']);
    expect(all.items[1]).toMatchObject({ panelId: panel.id, panelName: panel.name, userCount: 1, pendingCount: 2 });
    expect((await t.call('domains.list', { offset: 2 })).items.map((d) => d.name)).toEqual(['xn--bcher-kva.example', 'zeta.example']);
    expect((await t.call('domains.list', { query: 'BÜCHER' })).items.map((d) => d.name)).toEqual(['xn--bcher-kva.example']);
    expect((await t.call('domains.list', { query: 'ET' })).items.map((d) => d.name)).toEqual(['zeta.example']);
    expect((await t.call('domains.list', { query: '%' })).total).toBe(0);
    expect((await t.call('domains.list', { panelId: null })).total).toBe(3);
    expect((await t.call('domains.list', { panelId: panel.id })).items.map((d) => d.name)).toEqual(['example.com']);
  });
});

describe('domains.assignPanel', () => {
  it('moves a local-only domain and everything it has waiting to a panel, once', async () => {
    t = await openTestBackend();
    const panel = await t.call('panels.add', { baseUrl: 'http://127.0.0.1:9', username: 'admin', password: 'secret' });
    const local = await t.call('domains.add', { name: 'local.example' });
    const user = await t.call('users.add', { domainId: local.id, type: 'user', login: 'ann', password: 'long-enough' });
    await t.call('users.updateSettings', { id: user.id, changes: { max_retry_days: 9 } });
    const moved = await t.call('domains.assignPanel', { id: local.id, panelId: panel.id });
    expect(moved).toMatchObject({ id: local.id, panelId: panel.id, pendingCount: 2 });
    const rows = t.deps.db.prepare(`SELECT kind, panel_id FROM outbox ORDER BY id`).all();
    expect(rows).toEqual([
      { kind: 'domain.add', panel_id: panel.id },
      { kind: 'user.add', panel_id: panel.id },
    ]);
    expect((await t.fail('domains.assignPanel', { id: local.id, panelId: panel.id })).code).toBe('conflict');
  });

  it('refuses an unknown panel and changes nothing', async () => {
    t = await openTestBackend();
    const local = await t.call('domains.add', { name: 'local.example' });
    const before = snapshotTables(t.deps.db);
    expect((await t.fail('domains.assignPanel', { id: local.id, panelId: 77 })).code).toBe('not_found');
    expect(snapshotTables(t.deps.db)).toEqual(before);
  });
});
