// The main window's options, its remembered bounds, the menu and the About
// panel (main/electron/window-options.ts, window-state.ts, menu.ts,
// about.ts). Pure builders: no Electron needed.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { afterEach, describe, expect, it } from 'vitest';
import { APP_COMMANDS, type AppCommand } from '../../common/ipc/contract.js';
import { aboutPanelOptions } from '../../main/electron/about.js';
import { buildMenuTemplate, COMMAND_ITEMS } from '../../main/electron/menu.js';
import { mainWindowOptions, MIN_WINDOW_SIZE } from '../../main/electron/window-options.js';
import { clampWindowState, DEFAULT_SIZE, readWindowState, WINDOW_STATE_FILE, writeWindowState } from '../../main/electron/window-state.js';

describe('mainWindowOptions', () => {
  const options = mainWindowOptions({ preloadPath: '/app/out/preload/index.cjs', bounds: { width: 1000, height: 700 }, devTools: false });
  const web = options.webPreferences ?? {};

  it('isolates and sandboxes the page, with no Node in it', () => {
    expect(web.contextIsolation).toBe(true);
    expect(web.sandbox).toBe(true);
    expect(web.nodeIntegration).toBe(false);
    expect(web.nodeIntegrationInWorker).toBe(false);
    expect(web.nodeIntegrationInSubFrames).toBe(false);
  });

  it('keeps web security on and experimental or Blink features off', () => {
    expect(web.webSecurity).toBe(true);
    expect(web.allowRunningInsecureContent).toBe(false);
    expect(web.experimentalFeatures).toBe(false);
    expect(web).not.toHaveProperty('enableBlinkFeatures');
    expect(web.webviewTag).toBe(false);
    expect(web.navigateOnDragDrop).toBe(false);
    expect(web.disableBlinkFeatures).toContain('Auxclick');
  });

  it('loads the bundled preload and nothing else', () => {
    expect(web.preload).toBe('/app/out/preload/index.cjs');
    expect(web).not.toHaveProperty('additionalArguments');
  });

  it('passes DevTools through (on only in development)', () => {
    expect(web.devTools).toBe(false);
    expect(mainWindowOptions({ preloadPath: 'p', bounds: { width: 1, height: 1 }, devTools: true }).webPreferences?.devTools).toBe(true);
  });

  it('stays hidden until ready-to-show and uses the given bounds', () => {
    expect(options.show).toBe(false);
    expect(options).toMatchObject({ width: 1000, height: 700, minWidth: MIN_WINDOW_SIZE.width, minHeight: MIN_WINDOW_SIZE.height });
  });
});

describe('clampWindowState', () => {
  const laptop = { x: 0, y: 0, width: 1440, height: 900 };
  const rightMonitor = { x: 1440, y: 0, width: 2560, height: 1440 };

  it('first run: the default size, placed by the OS', () => {
    expect(clampWindowState(null, [rightMonitor])).toEqual({ bounds: DEFAULT_SIZE, maximized: false });
  });

  it('first run on a small screen: the default shrunk to fit', () => {
    expect(clampWindowState(null, [{ x: 0, y: 0, width: 1024, height: 700 }]).bounds).toEqual({ width: 1024, height: 700 });
  });

  it('keeps a window that is on screen', () => {
    const saved = { x: 100, y: 80, width: 1200, height: 800, maximized: true };
    expect(clampWindowState(saved, [laptop])).toEqual({ bounds: { x: 100, y: 80, width: 1200, height: 800 }, maximized: true });
  });

  it('keeps a window on a second display', () => {
    const saved = { x: 2000, y: 100, width: 1200, height: 800 };
    expect(clampWindowState(saved, [laptop, rightMonitor]).bounds).toEqual({ x: 2000, y: 100, width: 1200, height: 800 });
  });

  it('centres on the primary display a window saved on a monitor that is gone', () => {
    const saved = { x: 2000, y: 100, width: 1200, height: 800 };
    expect(clampWindowState(saved, [laptop]).bounds).toEqual({ x: 120, y: 50, width: 1200, height: 800 });
  });

  it('pulls a window hanging off the edge fully onto its display', () => {
    const saved = { x: 1000, y: 500, width: 1200, height: 800 };
    expect(clampWindowState(saved, [laptop]).bounds).toEqual({ x: 240, y: 100, width: 1200, height: 800 });
  });

  it('treats a window with only a sliver visible as off screen', () => {
    const saved = { x: 1400, y: 100, width: 1200, height: 800 }; // 40 px on the laptop
    expect(clampWindowState(saved, [laptop]).bounds).toEqual({ x: 120, y: 50, width: 1200, height: 800 });
  });

  it('shrinks a window larger than the display, but not below the minimum the display allows', () => {
    const saved = { x: 0, y: 0, width: 3000, height: 2000 };
    expect(clampWindowState(saved, [laptop], MIN_WINDOW_SIZE).bounds).toEqual({ x: 0, y: 0, width: 1440, height: 900 });
    const tiny = { x: 10, y: 10, width: 200, height: 100 };
    expect(clampWindowState(tiny, [laptop], MIN_WINDOW_SIZE).bounds).toMatchObject({ width: MIN_WINDOW_SIZE.width, height: MIN_WINDOW_SIZE.height });
  });

  it('handles negative coordinates of a display left of the primary', () => {
    const left = { x: -1920, y: 0, width: 1920, height: 1080 };
    const saved = { x: -1800, y: 50, width: 1000, height: 700 };
    expect(clampWindowState(saved, [laptop, left]).bounds).toEqual({ x: -1800, y: 50, width: 1000, height: 700 });
  });
});

describe('readWindowState / writeWindowState (a real file)', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('round-trips, rounding to whole pixels', () => {
    dir = mkdtempSync(join(tmpdir(), 'outpost-winstate-'));
    writeWindowState(dir, { x: 10.4, y: -20.6, width: 1000.2, height: 700, maximized: true });
    expect(readWindowState(dir)).toEqual({ x: 10, y: -21, width: 1000, height: 700, maximized: true });
    expect(JSON.parse(readFileSync(join(dir, WINDOW_STATE_FILE), 'utf8'))).toMatchObject({ width: 1000 });
  });

  it('answers null for no file, bad JSON or values it did not write', () => {
    dir = mkdtempSync(join(tmpdir(), 'outpost-winstate-'));
    expect(readWindowState(dir)).toBeNull();
    writeFileSync(join(dir, WINDOW_STATE_FILE), '{ not json');
    expect(readWindowState(dir)).toBeNull();
    writeFileSync(join(dir, WINDOW_STATE_FILE), JSON.stringify({ x: 0, y: 0, width: -5, height: 'tall' }));
    expect(readWindowState(dir)).toBeNull();
  });
});

describe('buildMenuTemplate', () => {
  const flatten = (items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] =>
    items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flatten(i.submenu) : [])]);
  const build = (platform: NodeJS.Platform, isPackaged: boolean, sent: AppCommand[] = []) =>
    buildMenuTemplate({ platform, isPackaged, appName: 'Outpost', onCommand: (c) => sent.push(c), onOpenDataFolder: () => {} });

  it.each(['darwin', 'linux', 'win32'] as const)('has every app command once, which sends it to the renderer (%s)', (platform) => {
    const sent: AppCommand[] = [];
    const items = flatten(build(platform, true, sent));
    for (const command of APP_COMMANDS) {
      const matching = items.filter((i) => i.id === `app.command.${command}`);
      expect(matching).toHaveLength(1);
      expect(matching[0]?.label).toBe(COMMAND_ITEMS[command].label);
      expect(matching[0]?.accelerator).toBe(COMMAND_ITEMS[command].accelerator);
      (matching[0]?.click as () => void)();
    }
    expect(sent).toEqual([...APP_COMMANDS]);
  });

  it('gives the commands the labels the renderer and docs use', () => {
    expect(Object.values(COMMAND_ITEMS).map((c) => c.label)).toEqual(['Sync now', 'Add panel', 'Find']);
  });

  it('has the usual top-level menus (and the app menu on macOS only)', () => {
    const tops = (platform: NodeJS.Platform) => build(platform, true).map((i) => i.label ?? i.role);
    expect(tops('darwin')).toEqual(['Outpost', 'File', 'Edit', 'View', 'windowMenu', 'help']);
    expect(tops('linux')).toEqual(['File', 'Edit', 'View', 'windowMenu', 'help']);
  });

  it('keeps reload and DevTools out of packaged builds', () => {
    const roles = (isPackaged: boolean) => flatten(build('linux', isPackaged)).map((i) => i.role);
    expect(roles(true)).not.toContain('reload');
    expect(roles(true)).not.toContain('toggleDevTools');
    expect(roles(false)).toEqual(expect.arrayContaining(['reload', 'forceReload', 'toggleDevTools']));
  });

  it('gives no two items the same accelerator, and none of those the roles take by default', () => {
    // Defaults of the roles used (Electron's role table): reload, forceReload,
    // toggleDevTools, zoom, undo/redo, cut/copy/paste, selectAll, quit, close.
    const taken = ['CmdOrCtrl+R', 'Shift+CmdOrCtrl+R', 'CmdOrCtrl+Shift+R', 'CmdOrCtrl+Shift+I', 'Alt+CmdOrCtrl+I', 'CmdOrCtrl+0', 'CmdOrCtrl+Plus', 'CmdOrCtrl+-', 'CmdOrCtrl+Z', 'Shift+CmdOrCtrl+Z', 'CmdOrCtrl+X', 'CmdOrCtrl+C', 'CmdOrCtrl+V', 'CmdOrCtrl+A', 'CmdOrCtrl+Q', 'CmdOrCtrl+W', 'CmdOrCtrl+M', 'CmdOrCtrl+H'];
    const accelerators = flatten(build('linux', false)).flatMap((i) => (i.accelerator ? [String(i.accelerator)] : []));
    expect(new Set(accelerators).size).toBe(accelerators.length);
    for (const a of accelerators) expect(taken).not.toContain(a);
  });
});

describe('aboutPanelOptions', () => {
  it('names the app version and the Electron, Chrome and Node versions', () => {
    const options = aboutPanelOptions('0.1.0', { electron: '45.6.0', chrome: '142.0.1', node: '22.20.0' });
    expect(options.applicationName).toBe('Outpost');
    expect(options.applicationVersion).toBe('0.1.0');
    expect(options.version).toBe('Electron 45.6.0 · Chrome 142.0.1 · Node 22.20.0');
  });
});
