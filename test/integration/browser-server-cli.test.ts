// `npm run serve` (main/browser/cli.ts) as a child process on a real data
// folder: one line on stdout with the address, a working bridge behind it,
// SIGTERM/SIGINT → the store closed cleanly and exit 0, bad flags → exit 2.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HTTP_INVOKE_PREFIX, HTTP_TOKEN_HEADER } from '../../common/ipc/bridge.js';
import { DATABASE_FILE_NAME } from '../../main/backend/backend.js';
import { parseServeArgs, UsageError } from '../../main/browser/cli-args.js';
import { defaultDataDir } from '../../main/browser/default-data-dir.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'main/browser/cli.ts');
const require = createRequire(import.meta.url);
const TSX_LOADER = pathToFileURL(require.resolve('tsx')).href;
const TSX_CLI = require.resolve('tsx/cli');
const URL_LINE = /^Outpost \(browser mode\) is running at (http:\/\/127\.0\.0\.1:(\d+)\/#token=([\w-]{43}))$/;

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs the CLI in one process (tsx as a loader), or through the `tsx` command itself. */
function run(args: string[], via: 'loader' | 'tsx-command' = 'loader'): Run {
  const runner = via === 'loader' ? ['--import', TSX_LOADER, CLI] : [TSX_CLI, CLI];
  const child = spawn(process.execPath, [...runner, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (t: string) => (stdout += t));
  child.stderr!.setEncoding('utf8').on('data', (t: string) => (stderr += t));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

async function waitForUrl(r: Run): Promise<{ url: string; origin: string; token: string }> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const match = URL_LINE.exec(r.stdout().split('\n')[0] ?? '');
    if (match && r.stdout().includes('\n')) return { url: match[1]!, origin: `http://127.0.0.1:${match[2]}`, token: match[3]! };
    if (r.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no address line.\nstdout: ${r.stdout()}\nstderr: ${r.stderr()}`);
}

describe('the flags of npm run serve', () => {
  it('takes the data folder, port and static folder; port 0 by default', () => {
    expect(parseServeArgs(['--data-dir', '/d', '--port', '8080', '--static-dir', '/s'])).toEqual({
      dataDir: '/d',
      port: 8080,
      staticDir: '/s',
      demo: false,
      help: false,
    });
    expect(parseServeArgs([])).toEqual({ dataDir: undefined, port: 0, staticDir: undefined, demo: false, help: false });
    expect(parseServeArgs(['--demo']).demo).toBe(true);
  });

  it.each([
    [['--port', 'abc'], /--port must be a whole number from 0 to 65535, not "abc"/],
    [['--port', '70000'], /--port must be a whole number from 0 to 65535/],
    [['--port', '1.5'], /--port must be a whole number/],
    [['--port=-1'], /--port must be a whole number/],
    [['--port'], /--port/],
    [['--bogus'], /--bogus/],
    [['--data-dir'], /--data-dir/],
    [['--data-dir', ''], /--data-dir needs a folder/],
    [['extra'], /extra/],
  ])('refuses %j, naming the flag', (args, message) => {
    expect(() => parseServeArgs(args)).toThrow(UsageError);
    expect(() => parseServeArgs(args)).toThrow(message);
  });
});

describe('the default data folder (Electron userData for "Outpost")', () => {
  it.each([
    ['linux', {}, '/home/ann/.config/Outpost'],
    ['linux', { XDG_CONFIG_HOME: '/xdg' }, '/xdg/Outpost'],
    ['linux', { XDG_CONFIG_HOME: '/xdg', OUTPOST_USER_DATA_DIR: '/srv/outpost' }, '/srv/outpost'],
    ['darwin', {}, '/home/ann/Library/Application Support/Outpost'],
    ['win32', { APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' }, 'C:\\Users\\ann\\AppData\\Roaming\\Outpost'],
  ] as const)('on %s %j: %s', (platform, env, expected) => {
    expect(defaultDataDir(platform, env, '/home/ann')).toBe(expected);
  });
});

describe('npm run serve (main/browser/cli.ts)', () => {
  let dir: string;
  let dataDir: string;
  let site: string;
  const running: Run[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'outpost-serve-'));
    dataDir = join(dir, 'data');
    site = join(dir, 'site');
    mkdirSync(site);
    writeFileSync(join(site, 'index.html'), '<title>Outpost</title>');
  });

  afterEach(() => {
    for (const r of running.splice(0)) if (r.child.exitCode === null) r.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  const start = (args: string[], via?: 'loader' | 'tsx-command') => {
    const r = run(args, via);
    running.push(r);
    return r;
  };
  const domainNames = () => {
    const db = new Database(join(dataDir, DATABASE_FILE_NAME), { readonly: true });
    try {
      return (db.prepare('SELECT name FROM domains').all() as { name: string }[]).map((row) => row.name);
    } finally {
      db.close();
    }
  };

  it.each([
    ['SIGTERM', 'loader'],
    ['SIGINT', 'loader'],
    ['SIGTERM', 'tsx-command'],
  ] as const)('prints one line with the address, serves the bridge, and on %s (%s) closes the store and exits 0', async (signal, via) => {
    const r = start(['--data-dir', dataDir, '--port', '0', '--static-dir', site], via);
    const { origin, token } = await waitForUrl(r);

    const page = await fetch(`${origin}/`);
    expect(await page.text()).toContain('<title>Outpost</title>');
    const added = await fetch(`${origin}${HTTP_INVOKE_PREFIX}domains.add`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [HTTP_TOKEN_HEADER]: token },
      body: JSON.stringify({ name: 'cli.example' }),
    });
    expect(await added.json()).toMatchObject({ ok: true, value: { name: 'cli.example' } });
    expect(existsSync(join(dataDir, `${DATABASE_FILE_NAME}-wal`))).toBe(true);

    r.child.kill(signal);
    expect(await r.exit).toEqual({ code: 0, signal: null });
    expect(r.stdout().split('\n')).toEqual([expect.stringMatching(URL_LINE), '']);
    expect(r.stderr()).toContain(`${signal}: stopping`);
    expect(r.stderr()).not.toContain(token);
    // closed cleanly: the WAL was checkpointed into the file and removed; the data is there
    expect(existsSync(join(dataDir, `${DATABASE_FILE_NAME}-wal`))).toBe(false);
    expect(domainNames()).toEqual(['cli.example']);
    await expect(fetch(`${origin}/`)).rejects.toThrow();
  });

  it('--demo connects the demo panel once, and not again when a panel exists', async () => {
    const panels = async (origin: string, token: string) =>
      (
        (await (
          await fetch(`${origin}${HTTP_INVOKE_PREFIX}panels.list`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', [HTTP_TOKEN_HEADER]: token },
            body: '{}',
          })
        ).json()) as { value: { demo: boolean }[] }
      ).value;
    const first = start(['--data-dir', dataDir, '--port', '0', '--static-dir', site, '--demo']);
    const a = await waitForUrl(first);
    await expect.poll(() => first.stderr()).toContain('Connected the demo panel.');
    expect((await panels(a.origin, a.token)).map((p) => p.demo)).toEqual([true]);
    first.child.kill('SIGTERM');
    expect(await first.exit).toEqual({ code: 0, signal: null });

    const second = start(['--data-dir', dataDir, '--port', '0', '--static-dir', site, '--demo']);
    const b = await waitForUrl(second);
    expect((await panels(b.origin, b.token)).map((p) => p.demo)).toEqual([true]);
    expect(second.stderr()).not.toContain('Connected the demo panel.');
    second.child.kill('SIGTERM');
    expect(await second.exit).toEqual({ code: 0, signal: null });
  });

  it('starts again on the same data folder with a new token', async () => {
    const first = start(['--data-dir', dataDir, '--port', '0', '--static-dir', site]);
    const a = await waitForUrl(first);
    first.child.kill('SIGTERM');
    expect((await first.exit).code).toBe(0);
    const second = start(['--data-dir', dataDir, '--port', '0', '--static-dir', site]);
    const b = await waitForUrl(second);
    expect(b.token).not.toBe(a.token);
    second.child.kill('SIGTERM');
    expect((await second.exit).code).toBe(0);
  });

  it('refuses a bad flag with the message and the usage, exit code 2, before opening anything', async () => {
    const r = start(['--static-dir', site, '--data-dir', dataDir, '--port', 'abc']);
    expect((await r.exit).code).toBe(2);
    expect(r.stderr()).toMatch(/--port must be a whole number from 0 to 65535/);
    expect(r.stderr()).toContain('Usage: npm run serve');
    expect(r.stdout()).toBe('');
    expect(existsSync(dataDir)).toBe(false);
  });

  it('refuses a --static-dir without index.html (exit 2)', async () => {
    const r = start(['--data-dir', dataDir, '--static-dir', join(dir, 'nowhere')]);
    expect((await r.exit).code).toBe(2);
    expect(r.stderr()).toMatch(/has no index.html/);
  });

  it('exits 1 with a message when the port is taken, leaving the store closed', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = start(['--data-dir', dataDir, '--port', String(port), '--static-dir', site]);
      expect((await r.exit).code).toBe(1);
      expect(r.stderr()).toMatch(/EADDRINUSE/);
      expect(r.stdout()).toBe('');
      expect(existsSync(join(dataDir, `${DATABASE_FILE_NAME}-wal`))).toBe(false);
    } finally {
      blocker.close();
    }
  });
});
