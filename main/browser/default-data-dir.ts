// Where Outpost keeps its data when no --data-dir is given: the folder that
// Electron's app.getPath('userData') names for this app, so that browser mode
// and the desktop app open the same store. Pure (no `electron`): scripts/start.ts
// and the browser-mode CLI both use it.
import { homedir } from 'node:os';
import { posix, win32 } from 'node:path';

/** productName in package.json; Electron names the userData folder after it. */
export const APP_NAME = 'Outpost';

/**
 * Electron's appData folder per OS (%APPDATA%, ~/Library/Application Support,
 * $XDG_CONFIG_HOME or ~/.config) joined with the app name; OUTPOST_USER_DATA_DIR
 * overrides it.
 */
export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): string {
  // The same override the Electron shell honours (main/electron/index.ts), so `npm start` uses one folder either way.
  if (env.OUTPOST_USER_DATA_DIR) return env.OUTPOST_USER_DATA_DIR;
  if (platform === 'win32') return win32.join(env.APPDATA || win32.join(home, 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return posix.join(home, 'Library', 'Application Support', APP_NAME);
  return posix.join(env.XDG_CONFIG_HOME || posix.join(home, '.config'), APP_NAME);
}
