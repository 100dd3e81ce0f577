// npm start — Outpost as a desktop app where Electron can run, otherwise in
// the browser. Steps: find the Electron runtime without requiring the
// electron package (that would start a download); if it is missing, try the
// package's own installer for up to 60 s; if that fails, say so once and run
// browser mode instead. With a runtime: build out/ when it is older than the
// sources, make the Electron-ABI better-sqlite3 when missing, launch
// `electron .` (package.json "main" is out/main/index.js).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { buildState } from '../main/shared/build-state.js';
import { ensureElectronNativeBuild } from './electron-native.js';
import { downloadElectronRuntime, findElectronRuntime, PROJECT_ROOT } from './electron-runtime.js';

const DOWNLOAD_TIMEOUT_MS = 60_000;
const BUILD_OUTPUTS = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
const BUILD_INPUTS = ['common', 'main', 'preload', 'renderer', 'electron.vite.config.ts', 'package.json'];
const BROWSER_MODE_COMMAND = 'npm run serve';

/** out/ is stale when one of its bundles is missing or older than any source. */
function isBuildStale(root: string): boolean {
  return buildState(root, BUILD_OUTPUTS, BUILD_INPUTS) !== 'fresh';
}

/**
 * Runs a child with the terminal attached and resolves with its exit code.
 * Ctrl+C reaches the child from the terminal itself (same process group), so
 * SIGINT is only kept from killing this parent early; forwarding it would be
 * a second Ctrl+C, which browser mode takes as "exit without waiting".
 * SIGTERM is sent to this process alone, so it is passed on.
 */
function runAttached(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: PROJECT_ROOT, stdio: 'inherit', env });
    const waitForChild = () => {};
    const forwardTerm = () => child.kill('SIGTERM');
    process.on('SIGINT', waitForChild);
    process.on('SIGTERM', forwardTerm);
    child.on('error', (error) => {
      console.error(`Could not start ${command}: ${error.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => {
      process.off('SIGINT', waitForChild);
      process.off('SIGTERM', forwardTerm);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

const tsxCli = join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

function startBrowserMode(why: string, args: string[]): Promise<number> {
  console.error(`${why}; starting browser mode instead (the same as \`${BROWSER_MODE_COMMAND}\`).`);
  return runAttached(process.execPath, [tsxCli, join('main', 'browser', 'cli.ts'), ...args]);
}

async function main(): Promise<number> {
  // An embedded default: the local store and, where no panel is configured, the demo panel.
  const given = process.argv.slice(2);
  const args = given.includes('--no-demo') ? given.filter((a) => a !== '--no-demo') : ['--demo', ...given];
  let runtime = findElectronRuntime();
  if (!runtime.available) {
    console.error(`Electron runtime not found (${runtime.reason}); trying to download it (up to ${DOWNLOAD_TIMEOUT_MS / 1000} s)…`);
    const download = await downloadElectronRuntime(undefined, DOWNLOAD_TIMEOUT_MS);
    runtime = findElectronRuntime();
    if (!runtime.available) {
      const detail = download.ok ? runtime.reason : download.detail;
      return startBrowserMode(`The Electron runtime could not be downloaded here (${detail})`, args);
    }
  }

  if (isBuildStale(PROJECT_ROOT)) {
    console.error('Building out/ (electron-vite build)…');
    const code = await runAttached(process.execPath, [join(PROJECT_ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build']);
    if (code !== 0) return code;
  }

  const native = await ensureElectronNativeBuild({ log: (line) => console.error(line) });
  if (!native.ok) {
    console.error(native.message);
    return startBrowserMode('The Electron build of better-sqlite3 is missing and could not be made', args);
  }

  // ELECTRON_RUN_AS_NODE from a parent shell would turn the app into plain Node.
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  return runAttached(runtime.executable, [PROJECT_ROOT, ...args], env);
}

process.exitCode = await main();
