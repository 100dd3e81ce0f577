// The Electron-ABI build of better-sqlite3: where the shell finds it
// (main/electron/native-binding.ts), how the build script drives node-gyp
// and checks what it built (scripts/electron-native.ts), and how the runtime
// is found without requiring the electron package (scripts/electron-runtime.ts).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { missingNativeBindingMessage, NATIVE_FILE, nativeBuildDir, resolveNativeBinding } from '../../main/electron/native-binding.js';
import { gypErrorSummary, headersFailureMessage, isBuildCurrent, nodeGypArgs, registeredAbi, type BuildInfo } from '../../scripts/electron-native.js';
import { findElectronRuntime, firstErrorLine } from '../../scripts/electron-runtime.js';

describe('resolveNativeBinding', () => {
  it('unpackaged (electron .): the project .native build for this Electron version', () => {
    expect(resolveNativeBinding({ isPackaged: false, appPath: '/work/outpost', resourcesPath: '/ignored', electronVersion: '45.6.0' })).toBe(
      join('/work/outpost', '.native', 'electron-45.6.0', NATIVE_FILE),
    );
  });

  it('packaged: resources/native, beside app.asar, where extraResources puts it', () => {
    expect(
      resolveNativeBinding({
        isPackaged: true,
        appPath: '/opt/Outpost/resources/app.asar',
        resourcesPath: '/opt/Outpost/resources',
        electronVersion: '45.6.0',
      }),
    ).toBe(join('/opt/Outpost/resources', 'native', NATIVE_FILE));
  });

  it('agrees with electron-builder.config.cjs about the packaged location', () => {
    const config = createRequire(import.meta.url)('../../electron-builder.config.cjs') as {
      extraResources: { from: string; to: string; filter: string[] }[];
      npmRebuild: boolean;
    };
    const version = (createRequire(import.meta.url)('electron/package.json') as { version: string }).version;
    expect(config.extraResources).toContainEqual({ from: `.native/electron-${version}`, to: 'native', filter: [NATIVE_FILE] });
    expect(config.npmRebuild).toBe(false); // its rebuild would overwrite the Node build in node_modules
  });

  it('refuses a version that could smuggle a path', () => {
    expect(() => nativeBuildDir('/p', '../../etc')).toThrow(/Electron version must look like/);
    expect(() => nativeBuildDir('/p', '')).toThrow(/Electron version/);
    expect(nativeBuildDir('/p', '46.0.0-beta.3')).toBe(join('/p', '.native', 'electron-46.0.0-beta.3'));
  });

  it('tells a developer what to run and a user to reinstall', () => {
    expect(missingNativeBindingMessage('/x.node', false)).toContain('npm run build:native-electron');
    expect(missingNativeBindingMessage('/x.node', true)).toContain('Reinstall Outpost');
  });
});

describe('nodeGypArgs', () => {
  const base = { electronVersion: '45.6.0', arch: 'x64', devDir: '/cache/gyp' };

  it('downloads the headers from electronjs.org into the dev dir', () => {
    expect(nodeGypArgs('install', base)).toEqual([
      'install',
      '--target=45.6.0',
      '--arch=x64',
      '--devdir=/cache/gyp',
      '--dist-url=https://electronjs.org/headers',
    ]);
  });

  it('rebuilds in release mode, against local headers when given', () => {
    expect(nodeGypArgs('rebuild', { ...base, headersDir: '/h' })).toEqual(['rebuild', '--target=45.6.0', '--arch=x64', '--devdir=/cache/gyp', '--nodedir=/h', '--release']);
  });
});

describe('registeredAbi', () => {
  it("reads the ABI of node_modules' own better-sqlite3 build: Node's, not Electron's", () => {
    const require = createRequire(import.meta.url);
    const nodeBuild = join(dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', NATIVE_FILE);
    expect(registeredAbi(readFileSync(nodeBuild))).toBe(process.versions.modules);
    const electronAbi = readFileSync(join(dirname(require.resolve('electron/package.json')), 'abi_version'), 'utf8').trim();
    expect(electronAbi).not.toBe(process.versions.modules); // why a second build is needed at all
  });

  it('answers null for a file that is no addon', () => {
    expect(registeredAbi(Buffer.from('just text'))).toBeNull();
  });
});

describe('isBuildCurrent', () => {
  const wanted: BuildInfo = { electronVersion: '45.6.0', abi: '150', betterSqlite3Version: '12.11.1', platform: 'linux', arch: 'x64' };

  it('is current only when every input matches', () => {
    expect(isBuildCurrent({ ...wanted }, wanted)).toBe(true);
    expect(isBuildCurrent(null, wanted)).toBe(false);
    expect(isBuildCurrent({ ...wanted, betterSqlite3Version: '12.10.0' }, wanted)).toBe(false);
    expect(isBuildCurrent({ ...wanted, arch: 'arm64' }, wanted)).toBe(false);
    expect(isBuildCurrent({ electronVersion: '45.6.0' }, wanted)).toBe(false);
  });
});

describe('failure messages', () => {
  // What node-gyp 12 printed here, with no route to electronjs.org.
  const offline = [
    'gyp info it worked if it ends with ok',
    'gyp http GET https://electronjs.org/headers/v45.6.0/node-v45.6.0-headers.tar.gz',
    'gyp WARN install got an error, rolling back install',
    'gyp ERR! install error ',
    'gyp ERR! stack Error: This is most likely not a problem with node-gyp or the package itself and',
    'gyp ERR! stack is related to network connectivity. In most cases you are behind a proxy or have bad',
    'gyp ERR! stack network settings.',
    'gyp ERR! stack at go (/work/main/node_modules/node-gyp/lib/install.js:244:21)',
    'gyp ERR! not ok',
  ].join('\n');

  it("takes node-gyp's reason, not its banner", () => {
    expect(gypErrorSummary(offline)).toBe(
      'This is most likely not a problem with node-gyp or the package itself and is related to network connectivity. In most cases you are behind a proxy or have bad network settings.',
    );
    expect(gypErrorSummary('gyp info start\ngyp ERR! configure error\ngyp ERR! not ok')).toBe('configure error');
  });

  it('says why the build cannot be made and what to run', () => {
    const message = headersFailureMessage('45.6.0', 'offline');
    expect(message).toContain('Electron 45.6.0');
    expect(message).toContain('https://electronjs.org/headers');
    expect(message).toContain('npm run build:native-electron');
    expect(message).toContain('OUTPOST_ELECTRON_HEADERS=');
  });

  it("finds the line of a failed runtime download that says why", () => {
    expect(firstErrorLine('Downloading…\nTypeError: fetch failed\n    at x')).toBe('TypeError: fetch failed');
    expect(firstErrorLine('RequestError: getaddrinfo ENOTFOUND github.com')).toBe('RequestError: getaddrinfo ENOTFOUND github.com');
  });
});

describe('findElectronRuntime (a fake node_modules/electron in a temp folder)', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const makePackage = () => {
    dir = mkdtempSync(join(tmpdir(), 'outpost-electron-pkg-'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'electron', version: '45.6.0' }));
    return dir;
  };

  it('is absent when the binary was never downloaded (the wrapper alone, as here)', () => {
    const pkg = makePackage();
    expect(findElectronRuntime(pkg, {})).toEqual({ available: false, reason: expect.stringContaining('path.txt is missing') });
  });

  it('is present when path.txt names an executable inside dist/ of the right version', () => {
    const pkg = makePackage();
    writeFileSync(join(pkg, 'path.txt'), 'electron');
    mkdirSync(join(pkg, 'dist'));
    writeFileSync(join(pkg, 'dist', 'electron'), '');
    writeFileSync(join(pkg, 'dist', 'version'), 'v45.6.0');
    expect(findElectronRuntime(pkg, {})).toEqual({ available: true, executable: join(pkg, 'dist', 'electron'), version: '45.6.0' });
  });

  it('is absent when dist/ holds another version', () => {
    const pkg = makePackage();
    writeFileSync(join(pkg, 'path.txt'), 'electron');
    mkdirSync(join(pkg, 'dist'));
    writeFileSync(join(pkg, 'dist', 'electron'), '');
    writeFileSync(join(pkg, 'dist', 'version'), '44.0.0');
    expect(findElectronRuntime(pkg, {})).toMatchObject({ available: false, reason: expect.stringContaining('44.0.0') });
  });

  it('follows ELECTRON_OVERRIDE_DIST_PATH like the electron package does', () => {
    const pkg = makePackage();
    const override = join(pkg, 'elsewhere');
    mkdirSync(override);
    writeFileSync(join(override, 'electron'), '');
    expect(findElectronRuntime(pkg, { ELECTRON_OVERRIDE_DIST_PATH: override })).toMatchObject({ available: true, executable: join(override, 'electron') });
    expect(findElectronRuntime(pkg, { ELECTRON_OVERRIDE_DIST_PATH: join(pkg, 'nope') })).toMatchObject({ available: false });
  });

  it('reports the real node_modules/electron of this project without requiring it', () => {
    // Requiring 'electron' here would start a download; this only reads files.
    const result = findElectronRuntime();
    expect(typeof result.available).toBe('boolean');
  });
});
