// The main window: options from window-options.ts, bounds from
// window-state.ts, the page from app://outpost, backend events forwarded.
import { join } from 'node:path';
import { BrowserWindow, screen } from 'electron';
import type { Backend } from '../backend/types.js';
import { APP_ENTRY_URL } from './app-origin.js';
import { forwardBackendEvents } from './ipc.js';
import { mainWindowOptions, MIN_WINDOW_SIZE } from './window-options.js';
import { clampWindowState, readWindowState, writeWindowState } from './window-state.js';

export interface MainWindowDeps {
  /** app.getAppPath(): out/ lives under it, in the project or in app.asar */
  appPath: string;
  userDataDir: string;
  isPackaged: boolean;
  backend: Pick<Backend, 'onEvent'>;
}

export function createMainWindow(deps: MainWindowDeps): BrowserWindow {
  const primary = screen.getPrimaryDisplay();
  const workAreas = [primary, ...screen.getAllDisplays().filter((d) => d.id !== primary.id)].map((d) => d.workArea);
  const state = clampWindowState(readWindowState(deps.userDataDir), workAreas, MIN_WINDOW_SIZE);

  // electronegativity cannot follow the options into window-options.ts; they are
  // asserted there instead (test/unit/electron-window.test.ts), hence:
  const window = new BrowserWindow( // eng-disable CONTEXT_ISOLATION_JS_CHECK SANDBOX_JS_CHECK AUXCLICK_JS_CHECK — see above
    mainWindowOptions({
      preloadPath: join(deps.appPath, 'out', 'preload', 'index.cjs'),
      bounds: state.bounds,
      devTools: !deps.isPackaged,
    }),
  );

  window.once('ready-to-show', () => {
    if (state.maximized) window.maximize();
    window.show();
  });

  const stopForwarding = forwardBackendEvents(deps.backend, window.webContents);
  window.on('close', () => {
    try {
      writeWindowState(deps.userDataDir, { ...window.getNormalBounds(), maximized: window.isMaximized() });
    } catch (error) {
      console.warn('outpost: could not save the window state', error);
    }
  });
  window.on('closed', stopForwarding);

  void window.loadURL(APP_ENTRY_URL);
  return window;
}
