// The seam to the sync engine: what the backend answers before the engine
// exists, and that a factory given to createBackend gets what it needs.
import { afterEach, describe, expect, it } from 'vitest';
import { SYNC_UNAVAILABLE, createOfflineSyncController, type SyncController } from '../../main/backend/sync-controller.js';
import { openTestBackend, seedPanelUser, type TestBackend } from '../helpers/backend.js';

let t: TestBackend;
afterEach(async () => t?.close());

describe('without a sync engine', () => {
  it('reports real counts from the outbox and no panel running', async () => {
    t = await openTestBackend();
    const { user } = await seedPanelUser(t);
    t.deps.db.prepare(`UPDATE outbox SET status = 'failed' WHERE user_id = ?`).run(user.id);
    expect(await t.call('sync.status', {})).toEqual({ running: false, online: null, lastSyncAt: null, pending: 1, failed: 1, conflicts: 0, panels: [] });
    expect(await t.call('sync.cancel', {})).toMatchObject({ running: false });
  });

  it.each([
    ['sync.now', {}],
    ['panels.test', { id: 1 }],
    ['panels.startDemo', {}],
  ] as const)('%s answers unavailable', async (method, input) => {
    t = await openTestBackend();
    expect(await t.fail(method, input)).toEqual({ code: 'unavailable', message: SYNC_UNAVAILABLE });
  });
});

describe('with a sync factory', () => {
  it('hands the engine the store, services, events and secret box, and delegates to it', async () => {
    let closed = false;
    t = await openTestBackend({
      sync: (deps) => {
        const base = createOfflineSyncController(deps);
        const controller: SyncController = {
          ...base,
          now: () => ({ ...deps.services.outbox.counts(), running: true, online: true, lastSyncAt: null, panels: [] }),
          test: (input) => ({ ok: true, message: `tested ${'id' in input ? input.id : input.baseUrl}`, panelName: null }),
          startDemo: () => deps.services.panels.add({ baseUrl: 'http://127.0.0.1:1', username: 'demo', password: 'demo' }, { demo: true }),
          close: () => {
            closed = true;
          },
        };
        expect(deps.secretBox.kind).toBe('key-file');
        expect(typeof deps.events.changed).toBe('function');
        expect(deps.db.open).toBe(true);
        return controller;
      },
    });
    expect(await t.call('sync.now', {})).toMatchObject({ running: true });
    expect(await t.call('panels.test', { baseUrl: 'https://x.example', username: 'a', password: 'b' })).toEqual({ ok: true, message: 'tested https://x.example', panelName: null });
    expect(await t.call('panels.startDemo', {})).toMatchObject({ demo: true });
    await t.close();
    expect(closed).toBe(true);
  });
});

describe('app.info', () => {
  it('says what is running where', async () => {
    t = await openTestBackend({ actor: 'ops' });
    expect(await t.call('app.info', {})).toEqual({ version: '0.0.0-test', mode: 'browser', dataDir: t.dataDir, actor: 'ops', platform: process.platform });
  });

  it('answers unavailable once closed', async () => {
    t = await openTestBackend();
    await t.close();
    expect((await t.dispatch('app.info', {})).ok).toBe(false);
  });
});
