// Online and offline: a panel that stops answering is Offline with its changes
// kept pending, probed until it answers again, then synced; the host's
// isOnline; "Test connection" for each way a connection fails; the timers of
// autoSync; and close() in the middle of a sync.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PanelUserKey } from '../../common/panel-api.js';
import { startPanelSimulator, type PanelSimulator } from '../../main/simulator/server.js';
import { FAST_SYNC, keyOf, localSnapshot, openBackend, panelSnapshot, world, type Harness, type World } from './fixtures/sync-harness.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function firstUser(sim: PanelSimulator): PanelUserKey {
  return keyOf(sim.state.listUsers(sim.state.domainNames()[0]!).users[0]!);
}

async function waitFor(what: string, check: () => Promise<boolean> | boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise((r) => (server.closeAllConnections(), server.close(r))));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('reachability', () => {
  it('a panel that stops answering is Offline with changes pending; when it is back, the probe syncs it and they arrive', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-offline-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const stateFile = join(dir, 'panel.json');
    let sim = await startPanelSimulator({ domains: 1, users: 3, stateFile, stateFileDebounceMs: 0 });
    const port = Number(new URL(sim.url).port);
    const login = { username: sim.username, password: sim.password };
    const h = await openBackend(join(dir, 'data'));
    cleanups.push(() => h.close());
    const panel = await h.call('panels.add', { baseUrl: sim.url, ...login });
    await h.sync(panel.id);
    const key = firstUser(sim);
    await sim.close();

    const id = h.deps.db.prepare(`SELECT id FROM users WHERE login = ?`).pluck().get(key.login) as number;
    await h.call('users.updateSettings', { id, changes: { max_unlocks: 66 } });
    const offline = await h.sync(panel.id);
    expect(offline).toMatchObject({ online: false, pending: 1 });
    expect(offline.panels[0]).toMatchObject({ state: 'offline', online: false, lastError: expect.stringContaining('Cannot reach 127.0.0.1') });

    // Back on the same port with the same state: the probe (40 ms, then doubling) notices and syncs.
    sim = await startPanelSimulator({ port, stateFile, ...login });
    cleanups.push(() => sim.close());
    await waitFor('the probe to push the change', async () => (await h.call('sync.status', {})).pending === 0 && sim.state.getUser(key).settings.max_unlocks === 66);
    const back = await h.settle();
    expect(back).toMatchObject({ online: true, pending: 0 });
    expect(back.panels[0]).toMatchObject({ state: 'idle', online: true, lastError: null });
  });

  it("the host's isOnline: while it says offline no request is made and the panel shows Offline", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-isonline-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const sim = await startPanelSimulator({ domains: 1, users: 2 });
    cleanups.push(() => sim.close());
    let online = false;
    const h = await openBackend(join(dir, 'data'), FAST_SYNC, { isOnline: () => online });
    cleanups.push(() => h.close());
    const panel = await h.call('panels.add', { baseUrl: sim.url, username: sim.username, password: sim.password });
    const s = await h.sync(panel.id);
    expect(s.online).toBe(false);
    expect(s.panels[0]).toMatchObject({ state: 'offline', lastError: expect.stringContaining('This computer is offline') });
    expect(sim.stats.requests).toBe(0);
    online = true;
    await waitFor('the probe to sync once the host is online', () => sim.stats.requests > 1);
    const done = await h.settle();
    expect(done.panels[0]).toMatchObject({ state: 'idle', lastError: null });
  });

  it('retries used up on 5xx leave the panel Offline with the changes pending', async () => {
    const w: World = await world({ domains: 1, users: 2 }, { ...FAST_SYNC, retry: { retries: 2, minDelayMs: 1, maxDelayMs: 2 }, probeMinMs: 60_000 });
    cleanups.push(() => w.dispose());
    await w.sync(w.panelId);
    await w.call('users.updateSettings', { id: w.userId(firstUser(w.sim)), changes: { max_unlocks: 3 } });
    w.sim.faults.update({ errorRate: 1 });
    const s = await w.sync(w.panelId);
    expect(s.pending).toBe(1);
    expect(s.panels[0]).toMatchObject({ state: 'offline', online: true, lastError: expect.stringContaining('failed (HTTP 5') });
    w.sim.faults.reset();
    expect(await w.sync(w.panelId)).toMatchObject({ pending: 0 });
  });
});

describe('Test connection', () => {
  it('answers ok with the panel name for a saved panel and for typed credentials, and a clear message for each failure', async () => {
    const w: World = await world({ domains: 2, users: 1, name: 'Acme panel' }, { ...FAST_SYNC, testTimeoutMs: 300 });
    cleanups.push(() => w.dispose());
    expect(await w.call('panels.test', { id: w.panelId })).toEqual({ ok: true, message: expect.stringContaining('Connected to Acme panel'), panelName: 'Acme panel' });
    const typed = await w.call('panels.test', { baseUrl: w.sim.url, username: w.sim.username, password: w.sim.password });
    expect(typed).toMatchObject({ ok: true, panelName: 'Acme panel', message: expect.stringContaining('2 domains') });

    const wrong = await w.call('panels.test', { baseUrl: w.sim.url, username: w.sim.username, password: 'nope' });
    expect(wrong).toEqual({ ok: false, panelName: null, message: expect.stringContaining('refused the admin username or password') });

    const closed = await listen(() => undefined);
    const closedUrl = closed.url;
    await new Promise((r) => (closed.server.closeAllConnections(), closed.server.close(r)));
    const unreachable = await w.call('panels.test', { baseUrl: closedUrl, username: 'a', password: 'b' });
    expect(unreachable.message).toMatch(/^Cannot reach 127\.0\.0\.1:\d+: nothing is listening at that address/);

    const web = await listen((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<h1>Not found</h1>');
    });
    expect((await w.call('panels.test', { baseUrl: web.url, username: 'a', password: 'b' })).message).toContain('answered, but not as the panel API');

    const silent = await listen(() => undefined); // accepts, never answers
    expect((await w.call('panels.test', { baseUrl: silent.url, username: 'a', password: 'b' })).message).toContain('did not answer in time');

    await expect(w.call('panels.test', { id: 999 })).rejects.toMatchObject({ code: 'not_found' });
    await expect(w.call('sync.now', { panelId: 999 })).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('timers and close', () => {
  it('autoSync syncs at start and every interval; close() stops the timers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-timers-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const sim = await startPanelSimulator({ domains: 1, users: 2 });
    cleanups.push(() => sim.close());
    const first = await openBackend(join(dir, 'data'));
    await first.call('panels.add', { baseUrl: sim.url, username: sim.username, password: sim.password });
    await first.close();

    const h: Harness = await openBackend(join(dir, 'data'), { ...FAST_SYNC, periodicMs: 100 }, { autoSync: true });
    await waitFor('the sync at start', () => sim.stats.requests > 0);
    const key = firstUser(sim);
    sim.state.setSettings(key, { max_unlocks: 55 });
    await waitFor('the periodic sync', () => {
      const row = h.deps.db.prepare(`SELECT settings FROM users WHERE login = ?`).pluck().get(key.login) as string | undefined;
      return row !== undefined && JSON.parse(row).max_unlocks === 55;
    });
    await h.close();
    const after = sim.stats.requests;
    await new Promise((r) => setTimeout(r, 300));
    expect(sim.stats.requests).toBe(after);
  });

  it('close() in the middle of a sync leaves a consistent store, and the next start finishes the job', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-close-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const sim = await startPanelSimulator({ domains: 30, users: 10, faults: { latencyMs: 20 } });
    cleanups.push(() => sim.close());
    const h = await openBackend(join(dir, 'data'), { ...FAST_SYNC, pageSize: 25 });
    const panel = await h.call('panels.add', { baseUrl: sim.url, username: sim.username, password: sim.password });
    await h.call('sync.now', { panelId: panel.id });
    await new Promise((r) => setTimeout(r, 120));
    await h.close();

    sim.faults.reset();
    const again = await openBackend(join(dir, 'data'));
    cleanups.push(() => again.close());
    const integrity = again.deps.db.pragma('integrity_check', { simple: true });
    expect(integrity).toBe('ok');
    await again.sync(panel.id);
    expect(localSnapshot(again)).toEqual(panelSnapshot(sim));
  });
});
