// Fixtures of the e2e suite. `app` is Outpost in browser mode as a real child
// process (`main/browser/cli.ts` on a fresh data folder, any free port), the
// same program a person starts with `npm run serve`. Import `test` and
// `expect` from here, not from @playwright/test.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test as base, expect } from '@playwright/test';

export { expect };

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

/** The line browser mode prints on stdout, with the address to open. */
export const APP_URL_LINE = /^Outpost \(browser mode\) is running at (http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+)$/;

export interface CliProcess {
  /** the first stdout line that matched */
  match: RegExpMatchArray;
  /** everything the process wrote to stderr so far (for failure reports) */
  stderr(): string;
  /** SIGTERM, then waits for the exit; answers the exit code (null: killed by a signal) */
  stop(): Promise<number | null>;
}

/**
 * Starts `script` (TypeScript, through tsx's loader in one process, so that a
 * signal reaches the program itself) and waits for the stdout line matching
 * `ready`. For any of the project's CLIs that announce themselves on one line:
 * browser mode, and the panel simulator.
 */
export function startCli(script: string, args: string[], ready: RegExp): Promise<CliProcess> {
  const child = spawn(process.execPath, ['--import', TSX, join(ROOT, script), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  return new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not print its address within ${START_TIMEOUT_MS} ms.\nstderr:\n${stderr}`));
    }, START_TIMEOUT_MS);
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
      for (const line of stdout.split('\n').slice(0, -1)) {
        const match = ready.exec(line);
        if (!match) continue;
        clearTimeout(timer);
        resolve({ match, stderr: () => stderr, stop: () => stopChild(child, exited, script) });
        return;
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (code ${code}) before printing its address.\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    });
  });
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>, script: string): Promise<number | null> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
  });
  const outcome = await Promise.race([exited, timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    child.kill('SIGKILL');
    throw new Error(`${script} did not stop within ${STOP_TIMEOUT_MS} ms of SIGTERM`);
  }
  return outcome;
}

export interface OutpostApp {
  /** the address to open (token in the fragment); changes with restart() */
  readonly url: string;
  /** the data folder, fresh per test, kept across restart() */
  readonly dataDir: string;
  /** SIGTERM, wait for a clean exit, start again on the same data folder; answers the new url */
  restart(): Promise<string>;
  /** SIGTERM and wait for a clean exit (also done after each test) */
  stop(): Promise<void>;
}

export interface OutpostFixtures {
  /** extra flags for `main/browser/cli.ts`, e.g. test.use({ appArgs: ['--no-demo'] }) */
  appArgs: string[];
  app: OutpostApp;
  /** the panel simulator (main/simulator/cli.ts) as a child process, on a fixed port and state file */
  panel: PanelProcess;
}

/** The line the panel simulator prints on stdout once it listens. */
export const PANEL_URL_LINE = /^Panel simulator at (http:\/\/127\.0\.0\.1:\d+) \((\S+) \/ (\S+)\)/;

export interface PanelProcess {
  /** http://127.0.0.1:PORT, the same across stop() and start() */
  readonly url: string;
  readonly username: string;
  readonly password: string;
  /** whether the simulator runs now */
  readonly running: boolean;
  /** SIGTERM and wait (its state is written to the state file first) */
  stop(): Promise<void>;
  /** starts it again on the same port and state */
  start(): Promise<void>;
  /** a panel API call as another admin of the panel would make it (path after /api/, e.g. 'domainslist/get'); answers the envelope's result */
  api<T = unknown>(path: string, body?: Record<string, string>): Promise<T>;
}

/** A port that is free now (the OS picks it; it is closed again at once). */
async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function startApp(dataDir: string, extra: string[]): Promise<CliProcess> {
  return startCli('main/browser/cli.ts', ['--data-dir', dataDir, '--port', '0', ...extra], APP_URL_LINE);
}

export const test = base.extend<OutpostFixtures>({
  appArgs: [[], { option: true }],

  panel: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-e2e-panel-'));
    const port = await freePort();
    const username = 'admin';
    const password = `e2e-${Math.random().toString(36).slice(2, 12)}`;
    const args = ['--port', String(port), '--state-file', join(dir, 'panel.json'), '--domains', '2', '--users', '3', '--username', username, '--password', password];
    let current: CliProcess | null = null;
    const url = `http://127.0.0.1:${port}`;
    const auth = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    const panel: PanelProcess = {
      url,
      username,
      password,
      get running() {
        return current !== null;
      },
      async start() {
        if (!current) current = await startCli('main/simulator/cli.ts', args, PANEL_URL_LINE);
      },
      async stop() {
        const running = current;
        current = null;
        if (running && (await running.stop()) !== 0) throw new Error(`the panel simulator did not exit cleanly:\n${running.stderr()}`);
      },
      async api<T>(path: string, body?: Record<string, string>) {
        const response = await fetch(`${url}/api/${path.replace(/^\/+/, '')}`, {
          method: body ? 'POST' : 'GET',
          headers: { authorization: auth, ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
          ...(body ? { body: new URLSearchParams(body).toString() } : {}),
        });
        const json = (await response.json()) as { result: T; messages: { error: string[] } };
        if (!response.ok) throw new Error(`panel ${path}: HTTP ${response.status} ${json.messages.error.join('; ')}`);
        return json.result;
      },
    };
    try {
      await panel.start();
      await use(panel);
    } finally {
      await panel.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  },

  app: async ({ appArgs }, use, testInfo) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'outpost-e2e-'));
    let current: CliProcess | null = await startApp(dataDir, appArgs);
    let url = current.match[1]!;
    const stderrLog: string[] = [];

    /** Stops the running app; an exit other than 0 after SIGTERM is a failure of the app. */
    const stop = async () => {
      if (!current) return;
      const running = current;
      current = null;
      const code = await running.stop();
      stderrLog.push(running.stderr());
      if (code !== 0) throw new Error(`browser mode exited with code ${code} after SIGTERM.\nstderr:\n${running.stderr()}`);
    };

    try {
      await use({
        get url() {
          return url;
        },
        dataDir,
        async restart() {
          await stop();
          current = await startApp(dataDir, appArgs);
          url = current.match[1]!;
          return url;
        },
        stop,
      });
      await stop();
    } finally {
      await stop().catch(() => undefined);
      if (testInfo.status !== testInfo.expectedStatus && stderrLog.length > 0) {
        await testInfo.attach('browser-mode stderr', { body: stderrLog.join('\n---\n'), contentType: 'text/plain' });
      }
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
});
