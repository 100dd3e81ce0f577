// electron-builder configuration (npm run dist). Needs the Electron-ABI build
// of better-sqlite3 first: npm run build:native-electron. See docs/electron.md.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { version: electronVersion } = require('electron/package.json');

// Mirrors main/electron/native-binding.ts (nativeBuildDir, PACKAGED_NATIVE_DIR).
const nativeDir = `.native/electron-${electronVersion}`;

/** @type {import('electron-builder').Configuration} */
module.exports = {
  appId: 'app.outpost.desktop',
  productName: 'Outpost',
  copyright: 'Outpost',
  directories: { output: 'dist', buildResources: 'build' },

  // The bundles only; production dependencies (better-sqlite3's JS, zod, …) are
  // added by electron-builder. better-sqlite3's own build/ is the Node-ABI one:
  // the app loads the Electron-ABI copy from resources/native instead.
  files: [
    'out/**',
    'package.json',
    '!**/node_modules/better-sqlite3/build/**',
    '!**/node_modules/better-sqlite3/deps/**',
    '!**/node_modules/better-sqlite3/src/**',
  ],
  asar: true,
  // A native module cannot be loaded from inside app.asar.
  asarUnpack: ['**/*.node'],
  extraResources: [{ from: nativeDir, to: 'native', filter: ['better_sqlite3.node'] }],
  // electron-builder's rebuild runs in the project's node_modules and would
  // replace the Node build that tests and browser mode use; the Electron build
  // is made apart by scripts/electron-native.ts.
  npmRebuild: false,
  nodeGypRebuild: false,

  electronFuses: {
    runAsNode: false,
    enableNodeOptionsEnvironmentVariable: false,
    // Also what Playwright's _electron launcher needs (--inspect=0): the suite
    // therefore drives the unpackaged app with the dev runtime, never this build.
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    enableCookieEncryption: true,
    loadBrowserProcessSpecificV8Snapshot: false,
    // The app is served from app://, never file://.
    grantFileProtocolExtraPrivileges: false,
  },

  beforePack: async () => {
    if (!existsSync(join(__dirname, nativeDir, 'better_sqlite3.node'))) {
      throw new Error(`${nativeDir}/better_sqlite3.node is missing: run npm run build:native-electron before npm run dist`);
    }
  },

  linux: {
    target: ['AppImage', 'deb'],
    category: 'Network',
    maintainer: 'Outpost',
    synopsis: 'Desktop admin for outbound mail filtering',
  },
  mac: { target: ['dmg'], category: 'public.app-category.utilities', hardenedRuntime: true },
  win: { target: ['nsis'] },
  nsis: { oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true },
};
