// npm run build:native-electron — builds better-sqlite3 for Electron's ABI
// into .native/electron-<version>/better_sqlite3.node. The Node build in
// node_modules/better-sqlite3/build (tests, browser mode) is never touched:
// the package is copied to a temporary folder and compiled there with
// node-gyp against Electron's headers.
//
//   --force                 rebuild even when the build is current
//   OUTPOST_ELECTRON_HEADERS=/dir   use Electron headers already on disk
//                           (node-gyp --nodedir) instead of downloading them
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NATIVE_FILE, NATIVE_MANIFEST, nativeBuildDir } from '../main/electron/native-binding.js';
import { ELECTRON_PACKAGE_DIR, PROJECT_ROOT, electronPackageVersion, firstErrorLine } from './electron-runtime.js';

export const ELECTRON_HEADERS_URL = 'https://electronjs.org/headers';
const BETTER_SQLITE3_DIR = join(PROJECT_ROOT, 'node_modules', 'better-sqlite3');
const NODE_GYP = join(PROJECT_ROOT, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
const HEADERS_TIMEOUT_MS = 90_000;
const COMPILE_TIMEOUT_MS = 20 * 60_000;

export interface BuildInfo {
  electronVersion: string;
  abi: string;
  betterSqlite3Version: string;
  platform: string;
  arch: string;
}

/** node-gyp's arguments for one Electron target; `headersDir` replaces the download. */
export function nodeGypArgs(command: 'install' | 'rebuild', o: { electronVersion: string; arch: string; devDir: string; headersDir?: string }): string[] {
  const args = [command, `--target=${o.electronVersion}`, `--arch=${o.arch}`, `--devdir=${o.devDir}`];
  args.push(o.headersDir ? `--nodedir=${o.headersDir}` : `--dist-url=${ELECTRON_HEADERS_URL}`);
  if (command === 'rebuild') args.push('--release');
  return args;
}

/** The ABI a compiled addon registers itself for (NODE_MODULE_VERSION), read from the binary. */
export function registeredAbi(binary: Buffer): string | null {
  const match = /node_register_module_v(\d+)/.exec(binary.toString('latin1'));
  return match?.[1] ?? null;
}

/** Whether an existing build was made from exactly these inputs. */
export function isBuildCurrent(existing: Partial<BuildInfo> | null, wanted: BuildInfo): boolean {
  return existing !== null && (Object.keys(wanted) as (keyof BuildInfo)[]).every((k) => existing[k] === wanted[k]);
}

/**
 * The reason in node-gyp's output: its "gyp ERR! stack Error: …" message
 * (which can run over several lines), or the first ERR! line.
 */
export function gypErrorSummary(output: string): string {
  const lines = output.split('\n').map((l) => l.trim());
  const start = lines.findIndex((l) => /^gyp ERR! stack \w*Error: /.test(l));
  if (start >= 0) {
    const message: string[] = [];
    for (const line of lines.slice(start)) {
      const text = line.replace(/^gyp ERR! stack /, '');
      if (!line.startsWith('gyp ERR! stack ') || /^at /.test(text)) break;
      message.push(text.replace(/^\w*Error: /, ''));
    }
    return message.join(' ');
  }
  return lines.find((l) => l.startsWith('gyp ERR!'))?.replace(/^gyp ERR! /, '') ?? firstErrorLine(output);
}

/** Why the headers could not be had, and what to run instead. */
export function headersFailureMessage(electronVersion: string, detail: string): string {
  return [
    `Could not build better-sqlite3 for Electron ${electronVersion}: node-gyp could not download the Electron headers from ${ELECTRON_HEADERS_URL} (${detail}).`,
    'On a machine with network access run: npm run build:native-electron',
    `Offline: unpack node-v${electronVersion}-headers.tar.gz (from ${ELECTRON_HEADERS_URL}/v${electronVersion}/) and run: OUTPOST_ELECTRON_HEADERS=/path/to/node_headers npm run build:native-electron`,
  ].join('\n');
}

function run(args: string[], cwd: string, timeoutMs: number): Promise<{ code: number | null; output: string; timedOut: boolean }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [NODE_GYP, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.length > 200_000) output = output.slice(-100_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error) => done({ code: null, output: error.message, timedOut: false }));
    child.on('close', (code, signal) => done({ code, output, timedOut: signal === 'SIGKILL' }));
  });
}

function readJson<T>(path: string): T | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return null;
  }
}

export type NativeBuildResult = { ok: true; path: string; built: boolean } | { ok: false; message: string };

/** Builds the Electron-ABI copy unless a current one exists. Never throws; the message says what to do. */
export async function ensureElectronNativeBuild(options: { force?: boolean; log?: (line: string) => void } = {}): Promise<NativeBuildResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const electronVersion = electronPackageVersion();
  const wanted: BuildInfo = {
    electronVersion,
    abi: readFileSync(join(ELECTRON_PACKAGE_DIR, 'abi_version'), 'utf8').trim(),
    betterSqlite3Version: (readJson<{ version: string }>(join(BETTER_SQLITE3_DIR, 'package.json')) ?? { version: '?' }).version,
    platform: process.platform,
    arch: process.arch,
  };
  const outDir = nativeBuildDir(PROJECT_ROOT, electronVersion);
  const outFile = join(outDir, NATIVE_FILE);
  if (!options.force && existsSync(outFile) && isBuildCurrent(readJson<BuildInfo>(join(outDir, NATIVE_MANIFEST)), wanted)) {
    return { ok: true, path: outFile, built: false };
  }

  const headersDir = process.env.OUTPOST_ELECTRON_HEADERS ? resolve(process.env.OUTPOST_ELECTRON_HEADERS) : undefined;
  const devDir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'outpost-electron-gyp');
  const gyp = { electronVersion, arch: process.arch, devDir, ...(headersDir ? { headersDir } : {}) };

  if (!headersDir) {
    log(`Fetching the Electron ${electronVersion} headers…`);
    const headers = await run(nodeGypArgs('install', gyp), PROJECT_ROOT, HEADERS_TIMEOUT_MS);
    if (headers.code !== 0) {
      const detail = headers.timedOut ? `no answer within ${HEADERS_TIMEOUT_MS / 1000} s` : gypErrorSummary(headers.output);
      return { ok: false, message: headersFailureMessage(electronVersion, detail) };
    }
  }

  const work = mkdtempSync(join(tmpdir(), 'outpost-native-'));
  try {
    const pkg = join(work, 'better-sqlite3');
    const nodeBuild = join(BETTER_SQLITE3_DIR, 'build');
    cpSync(BETTER_SQLITE3_DIR, pkg, { recursive: true, filter: (src) => src !== nodeBuild && !src.startsWith(nodeBuild + sep) });
    log(`Compiling better-sqlite3 ${wanted.betterSqlite3Version} for Electron ${electronVersion} (ABI ${wanted.abi}); this takes a few minutes…`);
    const build = await run(nodeGypArgs('rebuild', gyp), pkg, COMPILE_TIMEOUT_MS);
    const built = join(pkg, 'build', 'Release', NATIVE_FILE);
    if (build.code !== 0 || !existsSync(built)) {
      const tail = build.output.trim().split('\n').slice(-15).join('\n');
      return {
        ok: false,
        message: `Could not compile better-sqlite3 for Electron ${electronVersion}${build.timedOut ? ' (timed out)' : ''}. node-gyp said:\n${tail}\nA C++20 compiler, make and Python 3 are needed (see docs/electron.md).`,
      };
    }
    const abi = registeredAbi(readFileSync(built));
    if (abi !== wanted.abi) {
      return {
        ok: false,
        message: `The compiled better_sqlite3.node registers ABI ${abi ?? 'unknown'}, but Electron ${electronVersion} needs ABI ${wanted.abi}: the headers used are not Electron's (check OUTPOST_ELECTRON_HEADERS). Nothing was written.`,
      };
    }
    mkdirSync(outDir, { recursive: true });
    cpSync(built, outFile);
    writeFileSync(join(outDir, NATIVE_MANIFEST), `${JSON.stringify({ ...wanted, builtAt: new Date().toISOString() }, null, 2)}\n`);
    return { ok: true, path: outFile, built: true };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await ensureElectronNativeBuild({ force: process.argv.includes('--force') });
  if (result.ok) {
    console.log(result.built ? `Built ${result.path}` : `Up to date: ${result.path} (use --force to rebuild)`);
  } else {
    console.error(result.message);
    process.exitCode = 1;
  }
}
