// npm run test:electron — the Playwright _electron suite, where it can run.
// Without the Electron runtime (as on the machine this was written on) it
// prints one line saying why and exits 0; browser mode's e2e suite still
// covers the UI. With it: builds out/ (electron-vite build), makes the
// Electron-ABI better-sqlite3 if missing, and runs app.spec.ts, under
// xvfb-run on a Linux without a display.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureElectronNativeBuild } from '../../scripts/electron-native.js';
import { findElectronRuntime, PROJECT_ROOT } from '../../scripts/electron-runtime.js';

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: PROJECT_ROOT, stdio: 'inherit', env });
    child.on('error', (error) => {
      console.error(`Could not start ${command}: ${error.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const hasCommand = (name: string) => spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;

async function main(): Promise<number> {
  const runtime = findElectronRuntime();
  if (!runtime.available) {
    console.log(`Electron runtime not available here (${runtime.reason}): skipped the _electron suite`);
    return 0;
  }
  const headless = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
  if (headless && !hasCommand('xvfb-run')) {
    console.log('Electron runtime present but no display and no xvfb-run here: skipped the _electron suite');
    return 0;
  }

  const built = await run(process.execPath, [join(PROJECT_ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build']);
  if (built !== 0) return built;
  const native = await ensureElectronNativeBuild();
  if (!native.ok) {
    console.error(native.message);
    return 1;
  }

  const playwright = [join(PROJECT_ROOT, 'node_modules', '@playwright', 'test', 'cli.js'), 'test', '-c', join('test', 'electron', 'playwright.config.ts'), ...process.argv.slice(2)];
  const env = { ...process.env, OUTPOST_ELECTRON_EXECUTABLE: runtime.executable };
  return headless ? run('xvfb-run', ['-a', process.execPath, ...playwright], env) : run(process.execPath, playwright, env);
}

process.exitCode = await main();
