// The page's HTTP bridge (renderer/src/bridge/http.ts) in real Chromium,
// against the real browser-mode server. The page is a tiny one built here
// that only installs the bridge as window.bridge; the backend is the
// stand-in of the server's tests, so that this checks the transport alone
// (the renderer's own flows run against the real app in the other specs).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { build } from 'vite';
import type { OutpostBridge } from '../../common/ipc/bridge.js';
import { startBrowserServer, type BrowserServer } from '../../main/browser/server.js';
import { TOKEN_STORAGE_KEY } from '../../renderer/src/bridge/http.js';
import { standInBackend } from '../integration/browser-server.stand-in.js';
import { expect, test } from './fixtures.js';

declare global {
  interface Window {
    bridge: OutpostBridge;
    received: unknown[];
    stopListening?: () => void;
  }
}

const HTTP_BRIDGE = fileURLToPath(new URL('../../renderer/src/bridge/http.ts', import.meta.url));

test.describe.configure({ mode: 'serial' });

let work: string;
let siteDir: string;
let server: BrowserServer;
const standIn = standInBackend();

test.beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'outpost-bridge-page-'));
  const src = join(work, 'src');
  siteDir = join(work, 'site');
  mkdirSync(src);
  writeFileSync(
    join(src, 'index.html'),
    '<!doctype html><html><head><meta charset="utf-8"><title>bridge</title></head><body><script type="module" src="./main.ts"></script></body></html>',
  );
  writeFileSync(
    join(src, 'main.ts'),
    `import { createHttpBridge } from ${JSON.stringify(HTTP_BRIDGE)};\nwindow.received = [];\nwindow.bridge = createHttpBridge();\n`,
  );
  // vite sets NODE_ENV for the whole process; the apps this worker starts later inherit its env
  const nodeEnv = process.env.NODE_ENV;
  await build({ root: src, base: './', configFile: false, logLevel: 'silent', build: { outDir: siteDir, emptyOutDir: true, minify: false } });
  if (nodeEnv === undefined) delete process.env.NODE_ENV;
  else process.env.NODE_ENV = nodeEnv;
  server = await startBrowserServer({ backend: standIn.backend, staticDir: siteDir, port: 0 });
});

test.afterAll(async () => {
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

async function openBridge(page: Page, url = server.url): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => window.bridge !== undefined);
}

test('takes the token out of the address bar and keeps it for a reload', async ({ page }) => {
  await openBridge(page);
  expect(new URL(page.url()).hash).toBe('');
  expect(await page.evaluate((key) => sessionStorage.getItem(key), TOKEN_STORAGE_KEY)).toBe(server.token);
  expect(await page.evaluate(() => window.bridge.invoke('users.get', { id: 4 }))).toEqual({
    ok: true,
    value: { method: 'users.get', input: { id: 4 } },
  });

  await page.reload();
  await page.waitForFunction(() => window.bridge !== undefined);
  expect(await page.evaluate(() => window.bridge.invoke('app.info', {}))).toMatchObject({ ok: true });
});

test('keeps other fragment parameters and drops only the token', async ({ page }) => {
  await openBridge(page, `${server.origin}/#view=users&token=${server.token}`);
  expect(new URL(page.url()).hash).toBe('#view=users');
  expect(await page.evaluate(() => window.bridge.invoke('app.info', {}))).toMatchObject({ ok: true });
});

test('hands typed errors on as they came, from the backend and from the server', async ({ page }) => {
  await openBridge(page);
  const invalid = await page.evaluate(() => window.bridge.invoke('users.get', { id: 'x' as unknown as number }));
  expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid_input', issues: [{ path: 'id' }] } });
  const unknown = await page.evaluate(() => window.bridge.invoke('users.nope' as 'app.info', {}));
  expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found' } });
});

test('a page opened without its token gets forbidden, not an exception', async ({ page }) => {
  await openBridge(page, `${server.origin}/`);
  expect(await page.evaluate(() => window.bridge.invoke('app.info', {}))).toMatchObject({ ok: false, error: { code: 'forbidden' } });
});

test('delivers events to every subscriber of that event, and stops when unsubscribed', async ({ page }) => {
  await openBridge(page);
  await page.evaluate(() => {
    const a = window.bridge.subscribe('data.changed', (payload) => window.received.push(['a', payload]));
    const b = window.bridge.subscribe('data.changed', (payload) => window.received.push(['b', payload]));
    window.bridge.subscribe('sync.status', (payload) => window.received.push(['status', payload]));
    window.stopListening = () => {
      a();
      b();
    };
  });
  // The stream opens asynchronously: emit until the page has it.
  await expect
    .poll(async () => {
      standIn.emit('data.changed', { scopes: ['users'] });
      return page.evaluate(() => window.received.length);
    })
    .toBeGreaterThanOrEqual(2);
  const received = await page.evaluate(() => window.received);
  expect(received).toContainEqual(['a', { scopes: ['users'] }]);
  expect(received).toContainEqual(['b', { scopes: ['users'] }]);
  expect(received.some((r) => (r as unknown[])[0] === 'status')).toBe(false);

  await page.evaluate(() => {
    window.stopListening?.();
    window.received = [];
  });
  standIn.emit('data.changed', { scopes: ['domains'] });
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => window.received)).toEqual([]);
});

test('reconnects after the stream ends and announces that everything may have changed', async ({ page }) => {
  // The first stream is a short one that ends after one event (as a dropped
  // connection would); the ones after it reach the real server.
  let streams = 0;
  await page.route('**/api/events', async (route) => {
    streams += 1;
    if (streams > 1) return route.continue();
    await route.fulfill({
      status: 200,
      headers: { 'content-type': 'text/event-stream' },
      body: ': connected\n\nevent: data.changed\ndata: {"scopes":["audit"]}\n\n',
    });
  });
  await openBridge(page);
  await page.evaluate(() => {
    window.bridge.subscribe('data.changed', (payload) => window.received.push(payload));
  });
  await expect
    .poll(() => page.evaluate(() => window.received), { timeout: 10_000 })
    .toEqual([{ scopes: ['audit'] }, { scopes: ['domains', 'users', 'outbox', 'panels', 'audit'] }]);
  expect(streams).toBe(2);
  // and the new stream is live
  await expect
    .poll(async () => {
      standIn.emit('data.changed', { scopes: ['panels'] });
      return page.evaluate(() => window.received.at(-1));
    })
    .toEqual({ scopes: ['panels'] });
});

test('answers unavailable when the server is gone', async ({ page }) => {
  await openBridge(page);
  await server.close();
  expect(await page.evaluate(() => window.bridge.invoke('app.info', {}))).toEqual({
    ok: false,
    error: { code: 'unavailable', message: 'The Outpost backend is not reachable' },
  });
});
