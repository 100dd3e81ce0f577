// The demo panel: panels.startDemo starts the simulator in-process, adds it as
// a demo connection with random credentials sealed like any panel's, and
// syncs it; its state lives in <dataDir>/demo-panel.json, and a restarted
// backend starts it again and keeps syncing incrementally.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { DEMO_STATE_FILE } from '../../main/backend/demo/demo-panel.js';
import { openBackend, type Harness } from './fixtures/sync-harness.js';

const open: Harness[] = [];
let dir = '';
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
  rmSync(dir, { recursive: true, force: true });
});

it('starts, syncs 5 domains of 20 users, keeps its state across a restart and comes back on the same connection', async () => {
  dir = mkdtempSync(join(tmpdir(), 'outpost-demo-'));
  const dataDir = join(dir, 'data');
  const h = await openBackend(dataDir);
  open.push(h);
  const row = await h.call('panels.startDemo', {});
  expect(row).toMatchObject({ demo: true, name: 'Demo panel', baseUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
  const status = await h.settle();
  expect(status.panels[0]).toMatchObject({ state: 'idle', lastError: null });
  expect((await h.call('domains.list', {})).total).toBe(5);
  expect((await h.call('users.list', {})).total).toBe(100);
  const sealed = h.deps.db.prepare(`SELECT password, username FROM panels WHERE id = ?`).get(row.id) as { password: Buffer; username: string };
  const plain = h.deps.services.panels.connection(row.id).password;
  expect(plain.length).toBeGreaterThanOrEqual(16);
  expect(sealed.password.includes(Buffer.from(plain))).toBe(false);
  // Again: the same panel, not a second one.
  expect((await h.call('panels.startDemo', {})).id).toBe(row.id);
  expect(await h.call('panels.list', {})).toHaveLength(1);

  // A change pushed to the demo panel survives the restart of both.
  const [user] = (await h.call('users.list', { limit: 1 })).items;
  await h.call('users.updateSettings', { id: user!.id, changes: { max_retry_days: 17 } });
  await h.sync(row.id);
  await h.close();
  open.pop();
  expect(existsSync(join(dataDir, DEMO_STATE_FILE))).toBe(true);

  const again = await openBackend(dataDir);
  open.push(again);
  const test = await again.call('panels.test', { id: row.id });
  expect(test).toMatchObject({ ok: true, panelName: 'Outpost demo panel' });
  const cursor = again.deps.db.prepare(`SELECT cursor FROM panels`).pluck().get();
  const s = await again.sync(row.id);
  expect(s.panels[0]).toMatchObject({ state: 'idle', lastError: null });
  expect(again.deps.db.prepare(`SELECT cursor FROM panels`).pluck().get()).not.toBe(null);
  expect(cursor).not.toBeNull();
  expect((await again.call('users.get', { id: user!.id })).settings.max_retry_days).toBe(17);
  expect((await again.call('users.list', {})).total).toBe(100);
  const audit = again.deps.db.prepare(`SELECT count(*) FROM audit WHERE action = 'user.add' AND origin = 'remote'`).pluck().get();
  expect(audit).toBe(100); // incremental after the restart: nothing was replayed as new
});
