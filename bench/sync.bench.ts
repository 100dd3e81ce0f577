// The sync engine against the simulator on loopback, at the size that matters:
// a first full sync of 5,000 domains × 20 users (100,000), an incremental sync
// of 1,000 panel changes, and a push of 10,000 pending changes; and, in the
// same run, the time of merely fetching every page of the feed (the panel
// client with its checks, nothing stored), so that the cost of storing shows
// as the ratio full / fetch-only.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FEED_START } from '../common/panel-api.js';
import { createPanelClient } from '../main/backend/panel/index.js';
import { syncEngine, DEFAULT_SYNC_OPTIONS } from '../main/backend/sync/index.js';
import type { PanelUserKey } from '../common/panel-api.js';
import { openBenchBackend, timedAsync } from './helpers.js';

const DOMAINS = 5_000;
const USERS_PER_DOMAIN = 20;
const INCREMENTAL = 1_000;
const PUSH = 10_000;
const TARGETS = { fullMs: 15_000, incrementalMs: 1_000, pushMs: 30_000, fullOverFetchOnly: 3 };

const seconds = (ms: number) => Math.round(ms) / 1000;

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** The simulator as its own process (`npm run panel`), as a real panel is: it does not share this process' thread. */
async function startPanel(): Promise<{ url: string; username: string; password: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', TSX, path.join(ROOT, 'main/simulator/cli.ts'), '--port', '0', '--domains', String(DOMAINS), '--users', String(USERS_PER_DOMAIN)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.on('exit', (code) => reject(new Error(`the simulator exited with ${code}`)));
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /at (http:\/\/127\.0\.0\.1:\d+) \((\S+) \/ (\S+)\)/.exec(out);
      if (m) resolve({ url: m[1]!, username: m[2]!, password: m[3]!, child });
    });
  });
}

export async function run(): Promise<Record<string, unknown>> {
  const [sim, seedMs] = await timedAsync(() => startPanel());
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'outpost-bench-sync-'));
  const { backend, deps } = openBenchBackend(dataDir, syncEngine({ retry: { retries: 2, minDelayMs: 10 } }));
  const call = async (method: string, input: unknown) => {
    const r = await backend.dispatch(method, input);
    if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
    return r.value as Record<string, unknown>;
  };
  // Waits for the engine's own "not running" event rather than polling the status (which counts the outbox).
  const syncNow = async (panelId: number) => {
    const done = new Promise<{ pending: number; panels: { lastError: string | null }[] }>((resolve) => {
      const off = backend.onEvent((event, payload) => {
        const s = payload as { running: boolean; pending: number; panels: { lastError: string | null }[] };
        if (event === 'sync.status' && !s.running) {
          off();
          resolve(s);
        }
      });
    });
    await call('sync.now', { panelId });
    const s = await done;
    if (s.panels[0]?.lastError) throw new Error(`sync failed: ${s.panels[0].lastError}`);
    return s;
  };

  try {
    // Fetch only: every page of the replay through the panel client, nothing stored.
    const client = createPanelClient({ baseUrl: sim.url, username: sim.username, password: sim.password });
    const [fetched, fetchOnlyMs] = await timedAsync(async () => {
      let since = FEED_START;
      let changes = 0;
      let pages = 0;
      for (;;) {
        const page = await client.changes(since, DEFAULT_SYNC_OPTIONS.pageSize);
        changes += page.changes.length;
        pages++;
        if (!page.more) return { changes, pages };
        since = page.cursor;
      }
    });

    const panel = await call('panels.add', { baseUrl: sim.url, username: sim.username, password: sim.password });
    const panelId = panel.id as number;
    const [, fullMs] = await timedAsync(() => syncNow(panelId));
    const { db } = deps;
    const stored = db.prepare(`SELECT count(*) FROM users`).pluck().get() as number;
    if (stored !== DOMAINS * USERS_PER_DOMAIN) throw new Error(`full sync stored ${stored} users`);

    // 1,000 changes on the panel (settings and locks, made through its API by "someone else"), then an incremental sync.
    const keys = (db.prepare(`SELECT d.name AS domain, u.type, u.login FROM users u JOIN domains d ON d.id = u.domain_id ORDER BY u.id`).all() as PanelUserKey[]);
    const other = createPanelClient({ baseUrl: sim.url, username: sim.username, password: sim.password, maxInFlight: 8 });
    await Promise.all(
      Array.from({ length: INCREMENTAL }, (_, i) => {
        const k = keys[(i * 97) % keys.length]!;
        return i % 10 === 0 ? other.lock(k) : other.setSettings(k, { lock_timeout: 1 + (i % 10_000), max_retry_days: 1 + (i % 30) });
      }),
    );
    const [, incrementalMs] = await timedAsync(() => syncNow(panelId));

    // 10,000 pending changes (one settings entry each), pushed.
    const ids = db.prepare(`SELECT id FROM users ORDER BY id LIMIT ?`).pluck().all(PUSH) as number[];
    for (let i = 0; i < ids.length; i += 1000) {
      await call('users.bulkUpdate', { ids: ids.slice(i, i + 1000), changes: { invalid_recipient_limit: 4242, max_recipients_per_day: 777 } });
    }
    const pending = ((await call('sync.status', {})) as { pending: number }).pending;
    if (pending !== PUSH) throw new Error(`expected ${PUSH} pending changes, got ${pending}`);
    const [afterPush, pushMs] = await timedAsync(() => syncNow(panelId));
    if (afterPush.pending !== 0) throw new Error('the push left changes pending');
    const sample = keys[0]!;
    const check = await other.userGet(sample);
    if (check.settings.invalid_recipient_limit !== 4242) throw new Error('the pushed change is not on the panel');

    const ratio = Math.round((fullMs / fetchOnlyMs) * 100) / 100;
    return {
      domains: DOMAINS,
      users: DOMAINS * USERS_PER_DOMAIN,
      pageSize: DEFAULT_SYNC_OPTIONS.pageSize,
      simulatorStartS: seconds(seedMs),
      fetchOnlyS: seconds(fetchOnlyMs),
      fetchOnlyPages: fetched.pages,
      fullSyncS: seconds(fullMs),
      fullOverFetchOnly: ratio,
      incrementalChanges: INCREMENTAL,
      incrementalS: seconds(incrementalMs),
      pushChanges: PUSH,
      pushS: seconds(pushMs),
      pushPerSecond: Math.round(PUSH / (pushMs / 1000)),
      dbMb: Math.round(fs.statSync(path.join(dataDir, 'outpost.sqlite')).size / 1e5) / 10,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      targets: { fullS: TARGETS.fullMs / 1000, incrementalS: TARGETS.incrementalMs / 1000, pushS: TARGETS.pushMs / 1000, fullOverFetchOnly: TARGETS.fullOverFetchOnly },
      met:
        fullMs < TARGETS.fullMs && incrementalMs < TARGETS.incrementalMs && pushMs < TARGETS.pushMs && ratio <= TARGETS.fullOverFetchOnly,
    };
  } finally {
    await backend.close();
    sim.child.kill('SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
