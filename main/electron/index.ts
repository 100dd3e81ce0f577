// Entry of the Electron main process (out/main/index.js). A thin shell: it
// hosts the plain-Node backend, shows one hardened window on app://outpost,
// and maps IPC onto backend.dispatch. Order matters: the scheme and the
// sandbox are set up before `ready`, the backend before the window loads.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Menu, net, protocol, safeStorage, session, shell } from 'electron';
import type { AppCommand } from '../../common/ipc/contract.js';
import { createBackend } from '../backend/backend.js';
import { connectDemoWhereNoPanel } from '../backend/demo/connect-demo.js';
import type { Backend } from '../backend/types.js';
import { aboutPanelOptions } from './about.js';
import { denyAllPermissions, hardenWebContents } from './hardening.js';
import { registerInvokeHandler, sendEvent } from './ipc.js';
import { createMainWindow } from './main-window.js';
import { buildMenuTemplate } from './menu.js';
import { missingNativeBindingMessage, resolveNativeBinding } from './native-binding.js';
import { APP_SCHEME_PRIVILEGES, serveRenderer } from './protocol.js';
import { createSafeStorageSecretBox } from './secret-box.js';
import { buildCsp } from './security.js';

/** How long quitting waits for backend.close() (a sync request in flight) before giving up. */
const CLOSE_TIMEOUT_MS = 20_000;

// A separate profile for tests and for running two copies side by side;
// must be set before the single-instance lock, which lives in userData.
if (process.env.OUTPOST_USER_DATA_DIR) app.setPath('userData', process.env.OUTPOST_USER_DATA_DIR);

protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
// Every renderer sandboxed, whatever its webPreferences say.
app.enableSandbox();

/** Tells the person why the app cannot run, then exits (no half-started app). */
function fatal(title: string, message: string): void {
  console.error(`${title}: ${message}`);
  dialog.showErrorBox(title, message);
  app.exit(1);
}

function main(): void {
  let backend: Backend | undefined;
  let mainWindow: BrowserWindow | null = null;
  const ownWindows = new Set<number>();

  // hardening.ts calls this only for a URL that passed isSafeExternalUrl (https, DNS host, no credentials).
  const openExternal = (url: string) => shell.openExternal(url); // eng-disable OPEN_EXTERNAL_JS_CHECK — checked before every call, see above
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, openExternal));

  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  const openWindow = (b: Backend) => {
    const window = createMainWindow({
      appPath: app.getAppPath(),
      userDataDir: app.getPath('userData'),
      isPackaged: app.isPackaged,
      backend: b,
    });
    const id = window.webContents.id;
    ownWindows.add(id);
    window.on('closed', () => {
      ownWindows.delete(id);
      if (mainWindow === window) mainWindow = null;
    });
    mainWindow = window;
  };

  const sendCommand = (command: AppCommand) => {
    const target = mainWindow ?? BrowserWindow.getFocusedWindow();
    if (target) sendEvent(target.webContents, 'app.command', { command });
  };

  app.whenReady().then(async () => {
    const userDataDir = app.getPath('userData');
    app.setAboutPanelOptions(aboutPanelOptions(app.getVersion(), process.versions));
    denyAllPermissions(session.defaultSession);
    serveRenderer(protocol, join(app.getAppPath(), 'out', 'renderer'), buildCsp());

    const nativeBinding = resolveNativeBinding({
      isPackaged: app.isPackaged,
      appPath: app.getAppPath(),
      resourcesPath: process.resourcesPath,
      electronVersion: process.versions.electron,
    });
    if (!existsSync(nativeBinding)) return fatal('Outpost cannot start', missingNativeBindingMessage(nativeBinding, app.isPackaged));

    let ready: Backend;
    try {
      ready = await createBackend({
        dataDir: userDataDir,
        mode: 'electron',
        version: app.getVersion(),
        secretBox: createSafeStorageSecretBox(safeStorage, process.platform),
        isOnline: () => net.isOnline(),
        nativeBinding,
        autoSync: true,
      });
    } catch (error) {
      return fatal('Outpost cannot open its data', `${error instanceof Error ? error.message : String(error)}\n\nData folder: ${userDataDir}`);
    }
    backend = ready;
    // `npm start` asks for the demo panel where no real one is configured.
    if (process.argv.includes('--demo')) {
      const done = await connectDemoWhereNoPanel(ready);
      if (done) console.error(done);
    }

    registerInvokeHandler(ipcMain, ready, (sender) => ownWindows.has(sender.id));
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        buildMenuTemplate({
          platform: process.platform,
          isPackaged: app.isPackaged,
          appName: app.getName(),
          onCommand: sendCommand,
          onOpenDataFolder: () => void shell.openPath(userDataDir),
        }),
      ),
    );
    openWindow(ready);

    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) openWindow(ready);
    });
  }).catch((error: unknown) => fatal('Outpost failed to start', error instanceof Error ? (error.stack ?? error.message) : String(error)));

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // Clean shutdown: quitting waits for backend.close(), which finishes or
  // safely stops a running sync and closes the database, then quits for real.
  let shutdown: 'running' | 'closing' | 'closed' = 'running';
  app.on('before-quit', (event) => {
    if (shutdown === 'closed' || !backend) return;
    event.preventDefault();
    if (shutdown === 'closing') return;
    shutdown = 'closing';
    const closing = backend.close();
    const timeout = new Promise<void>((_resolve, reject) => {
      setTimeout(() => reject(new Error(`backend.close() took longer than ${CLOSE_TIMEOUT_MS / 1000} s`)), CLOSE_TIMEOUT_MS).unref();
    });
    Promise.race([closing, timeout])
      .catch((error: unknown) => console.error('outpost: shutdown was not clean', error))
      .finally(() => {
        shutdown = 'closed';
        app.quit();
      });
  });
  // Ctrl+C in the terminal of `npm start`, or a service manager: the same clean path.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());
}

if (app.requestSingleInstanceLock()) main();
else app.quit();
