// Where the Electron-ABI build of better-sqlite3 lives. Node (tests, browser
// mode) loads better-sqlite3's own build in node_modules; Electron has a
// different ABI, so scripts/electron-native.ts builds a second copy into
// .native/electron-<version>/ and the shell passes its path to the backend as
// BackendOptions.nativeBinding. Pure (no `electron` import): shared by the
// shell, the build script, electron-builder.config.cjs's reasoning and tests.
import { join } from 'node:path';

export const NATIVE_DIR = '.native';
export const NATIVE_FILE = 'better_sqlite3.node';
/** Written next to the binary by the build script: what it was built from. */
export const NATIVE_MANIFEST = 'build-info.json';
/** Where electron-builder's extraResources puts the binary inside a packaged app. */
export const PACKAGED_NATIVE_DIR = 'native';

/** .native/electron-<version> under the project root. */
export function nativeBuildDir(projectRoot: string, electronVersion: string): string {
  if (!/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/.test(electronVersion)) {
    throw new Error(`Electron version must look like 45.6.0, got ${JSON.stringify(electronVersion)}`);
  }
  return join(projectRoot, NATIVE_DIR, `electron-${electronVersion}`);
}

export interface RuntimeLocation {
  /** app.isPackaged */
  isPackaged: boolean;
  /** app.getAppPath(): the project root when run unpackaged (`electron .`), …/resources/app.asar when packaged */
  appPath: string;
  /** process.resourcesPath */
  resourcesPath: string;
  /** process.versions.electron */
  electronVersion: string;
}

/**
 * The better_sqlite3.node the running Electron must load. Packaged: the copy
 * that extraResources placed in resources/native/ (outside app.asar, as a
 * native module must be, and built for exactly the Electron that was
 * packaged). Unpackaged: the project's .native build for this Electron version.
 */
export function resolveNativeBinding(where: RuntimeLocation): string {
  return where.isPackaged
    ? join(where.resourcesPath, PACKAGED_NATIVE_DIR, NATIVE_FILE)
    : join(nativeBuildDir(where.appPath, where.electronVersion), NATIVE_FILE);
}

/** What to tell a person whose Electron-ABI build is missing (shown in a dialog and on stderr). */
export function missingNativeBindingMessage(path: string, isPackaged: boolean): string {
  return isPackaged
    ? `Outpost cannot start: its database module is missing (${path}). Reinstall Outpost.`
    : `Outpost cannot start: the Electron build of better-sqlite3 is missing (${path}). Run: npm run build:native-electron`;
}
