// Is the Electron runtime (the binary, not the npm wrapper) on this machine,
// and can it be fetched? Reads the files that node_modules/electron/index.js
// reads, without requiring it: requiring it starts a download when the binary
// is missing. Shared by scripts/start.ts and test/electron/run.ts.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const ELECTRON_PACKAGE_DIR = join(PROJECT_ROOT, 'node_modules', 'electron');

export type RuntimeCheck = { available: true; executable: string; version: string } | { available: false; reason: string };

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** The version of the electron npm package (what the Electron-ABI build and the app target). */
export function electronPackageVersion(electronDir = ELECTRON_PACKAGE_DIR): string {
  const version = (JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')) as { version?: unknown }).version;
  if (typeof version !== 'string') throw new Error(`${join(electronDir, 'package.json')} has no version`);
  return version;
}

/**
 * Mirrors node_modules/electron/index.js: path.txt names the executable
 * inside dist/ (or inside ELECTRON_OVERRIDE_DIST_PATH). Pure apart from
 * reading those files.
 */
export function findElectronRuntime(electronDir = ELECTRON_PACKAGE_DIR, env: NodeJS.ProcessEnv = process.env): RuntimeCheck {
  if (!existsSync(join(electronDir, 'package.json'))) return { available: false, reason: 'the electron package is not installed' };
  const version = electronPackageVersion(electronDir);
  const pathTxt = readText(join(electronDir, 'path.txt'));
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const executable = join(override, pathTxt || 'electron');
    return existsSync(executable)
      ? { available: true, executable, version }
      : { available: false, reason: `ELECTRON_OVERRIDE_DIST_PATH is set but ${executable} does not exist` };
  }
  if (!pathTxt) return { available: false, reason: 'node_modules/electron/path.txt is missing: the Electron binary was never downloaded' };
  const executable = join(electronDir, 'dist', pathTxt);
  if (!existsSync(executable)) return { available: false, reason: `${executable} does not exist` };
  const distVersion = readText(join(electronDir, 'dist', 'version'))?.replace(/^v/, '');
  if (distVersion && distVersion !== version) {
    return { available: false, reason: `node_modules/electron/dist holds Electron ${distVersion}, the package wants ${version}` };
  }
  return { available: true, executable, version };
}

/**
 * Runs the electron package's own installer (node install.js), which
 * downloads the binary for this platform, for at most `timeoutMs`.
 */
export function downloadElectronRuntime(
  electronDir = ELECTRON_PACKAGE_DIR,
  timeoutMs = 60_000,
): Promise<{ ok: true } | { ok: false; detail: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(electronDir, 'install.js')], {
      cwd: electronDir,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => done({ ok: false, detail: error.message }));
    child.on('close', (code, signal) => {
      if (code === 0 && findElectronRuntime(electronDir).available) return done({ ok: true });
      done({ ok: false, detail: signal ? `no answer within ${Math.round(timeoutMs / 1000)} s` : firstErrorLine(output) });
    });
  });
}

/** The line of a failed download that says why (e.g. "getaddrinfo ENOTFOUND github.com"). */
export function firstErrorLine(output: string): string {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => /fetch failed|^(Request)?Error|ENOTFOUND|ECONN|ETIMEDOUT|EAI_AGAIN|HTTPError|getaddrinfo/.test(l)) ?? lines[0] ?? 'no output';
}
