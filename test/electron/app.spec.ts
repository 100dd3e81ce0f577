// What only Electron can show: the real shell (app://outpost, the preload,
// IPC, the menu, quitting cleanly) around the real UI. Each test starts the
// unpackaged app (`electron .`, out/ built by run.ts) on a fresh user-data
// folder (OUTPOST_USER_DATA_DIR). Selectors are roles and accessible names
// only; setting labels come from common/settings.ts. The UI flows themselves
// are covered in depth by test/e2e in browser mode; the steps both take are
// test/flows/core-flow.ts.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import type { OutpostBridge } from '../../common/ipc/bridge.js';
import { WINDOW_STATE_FILE } from '../../main/electron/window-state.js';
import { findElectronRuntime, PROJECT_ROOT } from '../../scripts/electron-runtime.js';
import { addDomain, addUser, expectEverySetting, setEverySetting, settingsForm } from '../flows/core-flow.js';

const runtime = findElectronRuntime();
const executablePath = process.env.OUTPOST_ELECTRON_EXECUTABLE ?? (runtime.available ? runtime.executable : undefined);
test.skip(!executablePath, `Electron runtime not available here${runtime.available ? '' : ` (${runtime.reason})`}`);

const DOMAIN = 'example.com';
const ALICE = `alice@${DOMAIN}`;
const APP_PAGE = /^app:\/\/outpost\//;

type OutpostWindow = Window & { outpost: OutpostBridge };

const dataDirs: string[] = [];
test.afterAll(() => {
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

function freshDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-electron-e2e-'));
  dataDirs.push(dir);
  return dir;
}

async function launch(dataDir: string): Promise<{ app: ElectronApplication; page: Page }> {
  const app = await electron.launch({
    executablePath: executablePath!,
    args: [PROJECT_ROOT],
    cwd: PROJECT_ROOT,
    env: { ...process.env, OUTPOST_USER_DATA_DIR: dataDir, ELECTRON_ENABLE_LOGGING: '1' },
  });
  const page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
  await expect(page).toHaveTitle('Outpost');
  return { app, page };
}

test('a domain, an outgoing user and its settings, kept across a restart of the app', async () => {
  const dataDir = freshDataDir();
  let { app, page } = await launch(dataDir);
  expect(page.url()).toMatch(APP_PAGE);

  // A local-only domain (no panel): from the first-run page or the domain column.
  await addDomain(page, DOMAIN);
  await expect(page.getByRole('list', { name: 'Domains' }).getByRole('button', { name: DOMAIN })).toBeVisible();

  // An outgoing user of type user.
  await addUser(page, DOMAIN, 'user', { label: 'Username', value: 'alice' });

  // Every setting changed by its label (the same targets as test/e2e), then saved.
  const users = page.getByRole('list', { name: 'Outgoing users' });
  await users.getByRole('button', { name: ALICE, exact: true }).click();
  const form = settingsForm(page, ALICE);
  await setEverySetting(form);
  const save = form.getByRole('button', { name: 'Save changes' });
  await save.click();
  await expect(save).toBeDisabled();

  // Quit (before-quit waits for backend.close()) and start again on the same folder.
  await app.close();
  expect(existsSync(join(dataDir, WINDOW_STATE_FILE)), 'the window state was saved on close').toBe(true);
  ({ app, page } = await launch(dataDir));
  try {
    await page.getByRole('list', { name: 'Domains' }).getByRole('button', { name: DOMAIN }).click();
    await page.getByRole('list', { name: 'Outgoing users' }).getByRole('button', { name: ALICE, exact: true }).click();
    await expectEverySetting(settingsForm(page, ALICE));
  } finally {
    await app.close();
  }
});

test('the page gets window.outpost and nothing of Node, and cannot leave app://outpost', async () => {
  const { app, page } = await launch(freshDataDir());
  try {
    // The bridge, and only the bridge.
    const globals = await page.evaluate(() => ({
      outpost: Object.keys((window as unknown as OutpostWindow).outpost).sort(),
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (globalThis as unknown as { process?: unknown }).process,
      ipcRenderer: typeof (window as unknown as { ipcRenderer?: unknown }).ipcRenderer,
    }));
    expect(globals).toEqual({ outpost: ['invoke', 'subscribe'], require: 'undefined', process: 'undefined', ipcRenderer: 'undefined' });
    const unknown = await page.evaluate(() => (window as unknown as OutpostWindow).outpost.invoke('no.such' as never, {} as never));
    expect(unknown).toMatchObject({ ok: false, error: { code: 'invalid_input' } });

    // The CSP comes with every app:// response; the page cannot reach the network.
    const csp = await page.evaluate(() => fetch('app://outpost/index.html').then((r) => r.headers.get('content-security-policy')));
    expect(csp).toContain("script-src 'self'");
    expect(await page.evaluate(() => fetch('https://example.com/').then(() => 'fetched', () => 'refused'))).toBe('refused');
    expect(await page.evaluate(() => Notification.requestPermission())).toBe('denied');

    // Links out go to the OS browser (https only), never into a window. The
    // stub keeps the test from opening a real browser.
    const stubbed = await app.evaluate(({ shell }) => {
      const g = globalThis as unknown as { opened: string[] };
      g.opened = [];
      const stub = async (url: string) => {
        g.opened.push(url);
      };
      try {
        shell.openExternal = stub;
      } catch {
        // a read-only binding: the https half below is skipped
      }
      return shell.openExternal === stub;
    });
    const opened = () => app.evaluate(() => (globalThis as unknown as { opened: string[] }).opened);

    expect(await page.evaluate(() => window.open('http://example.com/') === null)).toBe(true);
    if (stubbed) expect(await page.evaluate(() => window.open('https://example.com/docs') === null)).toBe(true);
    expect(app.windows()).toHaveLength(1);

    await page.evaluate(() => {
      location.href = 'https://example.com/elsewhere';
    });
    await page.evaluate(() => {
      location.href = 'file:///etc/passwd';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toMatch(APP_PAGE);
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((w) => w.webContents.getURL()))).toEqual([
      expect.stringMatching(APP_PAGE),
    ]);
    if (stubbed) expect(await opened()).toEqual(['https://example.com/docs', 'https://example.com/elsewhere']);
  } finally {
    await app.close();
  }
});

test('a menu command reaches the page: Find focuses the user search', async () => {
  const { app, page } = await launch(freshDataDir());
  try {
    // Past the first-run page, which has no search box.
    await page.evaluate(() => (window as unknown as OutpostWindow).outpost.invoke('domains.add', { name: 'menu.example' }));
    await expect(page.getByRole('list', { name: 'Domains' }).getByRole('button', { name: 'menu.example' })).toBeVisible();
    const clicked = await app.evaluate(({ Menu }) => {
      const item = Menu.getApplicationMenu()?.getMenuItemById('app.command.find');
      item?.click();
      return item?.label;
    });
    expect(clicked).toBe('Find');
    await expect(page.getByRole('searchbox', { name: 'Search users' })).toBeFocused();
  } finally {
    await app.close();
  }
});
