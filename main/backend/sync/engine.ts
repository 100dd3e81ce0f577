// The sync engine (issue 3): a SyncController that keeps every panel
// connection in step with its panel. Per panel one sync at a time: pull the
// change feed, then push the outbox (docs/sync.md). A sync runs in the
// background; the controller answers at once and reports through
// 'sync.status' and 'data.changed' events. Reachability comes from real
// requests and, where the host has it, BackendOptions.isOnline.
import type { PanelSyncStateSchema, SyncStatus } from '../../../common/ipc/contract.js';
import type { z } from 'zod';
import { OutpostError } from '../../../common/ipc/errors.js';
import { createPanelClient, PanelError } from '../panel/index.js';
import type { DataScope } from '../services/events.js';
import type { SyncController, SyncDeps, SyncFactory } from '../sync-controller.js';
import { createDemoPanels, type DemoPanels } from '../demo/demo-panel.js';
import { createUserApplier } from './apply-user.js';
import { testConnection } from './connection-test.js';
import { isNoAnswer, panelErrorMessage } from './messages.js';
import { DEFAULT_SYNC_OPTIONS, type SyncEngineOptions } from './options.js';
import { createPageStore, PanelChangedError, type PageResult } from './page-store.js';
import { pull } from './pull.js';
import { push, PushStopped } from './push.js';
import { createPushStore } from './push-store.js';

type PanelSyncState = z.infer<typeof PanelSyncStateSchema>;
type PanelState = PanelSyncState['state'];

interface Runtime {
  state: PanelState;
  /** reachability: null until a request said either way */
  online: boolean | null;
  progress: PanelSyncState['progress'];
  run: Promise<void> | null;
  /** asked to sync again while a sync was running */
  again: boolean;
  abort: AbortController | null;
  probe: { timer: NodeJS.Timeout | null; delay: number; abort: AbortController | null };
}

const ALL_SCOPES: DataScope[] = ['domains', 'users', 'outbox', 'audit', 'panels'];
const PROGRESS_EVERY_MS = 100;

export function syncEngine(overrides: SyncEngineOptions = {}): SyncFactory {
  const opts = { ...DEFAULT_SYNC_OPTIONS, ...overrides };
  return (deps) => startEngine(deps, opts);
}

/** The default SyncFactory: the engine with the app's intervals. */
export const createSyncEngine: SyncFactory = syncEngine();

function startEngine(deps: SyncDeps, opts: Required<SyncEngineOptions>): SyncController {
  const { db, services, events, secretBox, context, options } = deps;
  const applier = createUserApplier(context, services.audit);
  const pages = createPageStore(context, { audit: services.audit, applier });
  const pushes = createPushStore(context, { audit: services.audit, applier });
  const demo: DemoPanels = createDemoPanels({ db, services, dataDir: options.dataDir });
  const panelMeta = db.prepare(`SELECT name, updated_at AS updatedAt, cursor, last_error AS lastError, demo FROM panels WHERE id = ?`);
  const lastErrors = db.prepare(`SELECT id, last_error FROM panels`);
  const writeError = db.prepare(`UPDATE panels SET last_error = ? WHERE id = ?`);
  const finished = db.prepare(`UPDATE panels SET last_sync_at = ?, last_error = ? WHERE id = ? AND updated_at = ?`);
  const hostOnline = () => options.isOnline?.() !== false;

  const runtimes = new Map<number, Runtime>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  let ownChange = false;

  function runtime(id: number): Runtime {
    let rt = runtimes.get(id);
    if (!rt) {
      rt = { state: 'idle', online: null, progress: null, run: null, again: false, abort: null, probe: { timer: null, delay: opts.probeMinMs, abort: null } };
      runtimes.set(id, rt);
    }
    return rt;
  }

  function status(): SyncStatus {
    const errors = new Map((lastErrors.all() as { id: number; last_error: string | null }[]).map((r) => [r.id, r.last_error]));
    const panels: PanelSyncState[] = services.panels.list().map((p) => {
      const rt = runtimes.get(p.id);
      return {
        panelId: p.id,
        name: p.name,
        state: rt?.state ?? 'idle',
        online: rt?.online ?? null,
        lastSyncAt: p.lastSyncAt,
        lastError: errors.get(p.id) ?? null,
        progress: rt?.progress ?? null,
      };
    });
    const lastSyncAt = panels.map((p) => p.lastSyncAt).filter((t): t is string => t !== null).sort().at(-1) ?? null;
    // Online when some panel can be worked with; offline when none can and one is known not to be.
    const usable = panels.some((p) => p.online === true && p.state !== 'offline');
    const down = !hostOnline() || panels.some((p) => p.state === 'offline');
    return {
      // state too: a sync's first event goes out before its promise is stored in rt.run
      running: [...runtimes.values()].some((rt) => rt.run !== null || rt.state === 'syncing'),
      online: usable ? true : down ? false : null,
      lastSyncAt,
      ...services.outbox.counts(),
      panels,
    };
  }

  const emitStatus = () => {
    lastProgressAt = performance.now();
    if (!closed) events.emit('sync.status', status());
  };
  // Progress is announced at most every PROGRESS_EVERY_MS: status() counts the outbox, and a push of
  // 10,000 entries announcing each one spent more time counting than sending. Changes of state always go out.
  let lastProgressAt = 0;
  const emitProgress = () => {
    if (performance.now() - lastProgressAt >= PROGRESS_EVERY_MS) emitStatus();
  };
  const announce = (scopes: DataScope[], userIds?: number[]) => {
    ownChange = true;
    try {
      events.changed(scopes, userIds);
    } finally {
      ownChange = false;
    }
  };

  function setError(id: number, message: string | null): void {
    try {
      writeError.run(message, id);
    } catch {
      /* the store is closing */
    }
  }

  function clientFor(conn: { baseUrl: string; username: string; password: string }) {
    return createPanelClient({ ...conn, timeoutMs: opts.timeoutMs, maxInFlight: opts.maxInFlight, retry: opts.retry });
  }

  // ---- one sync of one panel

  async function syncOnce(id: number, rt: Runtime): Promise<void> {
    if (!hostOnline()) {
      rt.state = 'offline';
      rt.online = false;
      setError(id, 'This computer is offline; changes wait until it is back online.');
      scheduleProbe(id, rt);
      return;
    }
    let meta = panelMeta.get(id) as { name: string; updatedAt: string; cursor: string | null; demo: number } | undefined;
    if (!meta) return void runtimes.delete(id);
    const abort = new AbortController();
    rt.abort = abort;
    rt.state = 'syncing';
    rt.progress = { phase: 'pull', done: 0, total: null };
    emitStatus();
    let baseUrl = '';
    try {
      if (meta.demo === 1) {
        await demo.ensureRunning(id);
        meta = panelMeta.get(id) as typeof meta;
        if (!meta) return;
      }
      const conn = services.panels.connection(id);
      baseUrl = conn.baseUrl;
      const client = clientFor(conn);
      const panel = { id, name: meta.name, updatedAt: meta.updatedAt };
      const pulled = await pull({
        client,
        store: pages,
        panel,
        cursor: meta.cursor,
        pageSize: opts.pageSize,
        signal: abort.signal,
        onPage: (result: PageResult, received: number) => {
          rt.online = true;
          rt.progress = { phase: 'pull', done: received, total: null };
          if (result.changed > 0) announce(ALL_SCOPES, result.userIds);
          emitProgress();
        },
      });
      rt.online = true;
      // The search index follows users through a queue (store/migrations); apply it once after a pull, not per page.
      if (pulled.changed > 0) services.users.flushSearchIndex();
      rt.progress = { phase: 'push', done: 0, total: null };
      emitStatus();
      pages.checkStamp(panel);
      const pushed = await push({
        db,
        client,
        store: pushes,
        applier,
        secretBox,
        panelId: id,
        actor: meta.name,
        maxInFlight: opts.maxInFlight,
        signal: abort.signal,
        onProgress: (done, total) => {
          rt.progress = { phase: 'push', done, total };
          emitProgress();
        },
      });
      if (pushed.total > 0) announce(ALL_SCOPES);
      const note = pulled.skippedDomains.length
        ? `Not synced, because a local-only domain or another panel has the same name: ${pulled.skippedDomains.slice(0, 5).join(', ')}${pulled.skippedDomains.length > 5 ? ` and ${pulled.skippedDomains.length - 5} more` : ''}`
        : null;
      finished.run(context.now(), note, id, meta.updatedAt);
      rt.state = 'idle';
      stopProbe(rt);
      announce(['panels']);
    } catch (e) {
      const reason = e instanceof PushStopped ? e.reason : e;
      if (abort.signal.aborted) {
        rt.state = 'idle'; // cancelled: what was stored stays stored
      } else if (reason instanceof PanelChangedError) {
        rt.state = 'idle';
        rt.again = true; // edited, reset or removed meanwhile: start over with what it is now
      } else if (reason instanceof PanelError) {
        rt.online = !isNoAnswer(reason);
        rt.state = reason.retryable ? 'offline' : 'error';
        setError(id, panelErrorMessage(reason, baseUrl));
        if (reason.retryable) scheduleProbe(id, rt);
      } else if (reason instanceof OutpostError) {
        rt.state = 'error'; // e.g. the saved password cannot be read here: the message says what to do
        setError(id, reason.message);
      } else {
        rt.state = 'error';
        setError(id, `Sync failed: ${reason instanceof Error ? reason.message : String(reason)}`);
        console.error('[outpost] sync of panel', id, 'failed:', reason);
      }
      announce(['panels', 'outbox']);
    } finally {
      rt.progress = null;
      rt.abort = null;
    }
  }

  function start(id: number): void {
    if (closed) return;
    const rt = runtime(id);
    if (rt.run) {
      rt.again = true;
      return;
    }
    rt.run = (async () => {
      try {
        do {
          rt.again = false;
          await syncOnce(id, rt);
        } while (rt.again && !closed && panelMeta.get(id) !== undefined);
      } finally {
        rt.run = null;
        emitStatus();
      }
    })();
    emitStatus();
  }

  const startAll = () => {
    for (const p of services.panels.list()) start(p.id);
  };

  // ---- reachability: probe an offline panel until it answers, then sync it

  function stopProbe(rt: Runtime): void {
    if (rt.probe.timer) clearTimeout(rt.probe.timer);
    rt.probe.abort?.abort();
    rt.probe = { timer: null, delay: opts.probeMinMs, abort: null };
  }

  function scheduleProbe(id: number, rt: Runtime): void {
    if (closed || rt.probe.timer) return;
    const delay = rt.probe.delay;
    rt.probe.delay = Math.min(delay * 2, opts.probeMaxMs);
    rt.probe.timer = setTimeout(() => void probe(id, rt), delay);
    rt.probe.timer.unref();
  }

  async function probe(id: number, rt: Runtime): Promise<void> {
    rt.probe.timer = null;
    if (closed || rt.run) return;
    if (!panelMeta.get(id)) return void runtimes.delete(id);
    if (!hostOnline()) return scheduleProbe(id, rt);
    const abort = new AbortController();
    rt.probe.abort = abort;
    try {
      await demo.ensureRunning(id);
      const conn = services.panels.connection(id);
      await createPanelClient({ ...conn, timeoutMs: opts.testTimeoutMs, retry: { retries: 0 } }).version({ signal: abort.signal });
      rt.online = true;
      start(id);
    } catch {
      if (!abort.signal.aborted) scheduleProbe(id, rt);
    } finally {
      rt.probe.abort = null;
    }
  }

  // ---- triggers

  const restoringDemo = (async () => {
    const demoPanel = services.panels.list().find((p) => p.demo);
    if (!demoPanel) return;
    try {
      await demo.ensureRunning(demoPanel.id);
    } catch (e) {
      setError(demoPanel.id, `The demo panel could not be started: ${e instanceof Error ? e.message : String(e)}`);
    }
  })();

  if (options.autoSync) {
    const first = setTimeout(() => void restoringDemo.then(startAll), 0);
    first.unref();
    timers.add(first);
    const periodic = setInterval(startAll, opts.periodicMs);
    periodic.unref();
    timers.add(periodic);
    if (opts.pushAfterChangeMs > 0) {
      // A local edit goes out soon, not only at the next interval; the engine's own writes do not count.
      let soon: NodeJS.Timeout | null = null;
      events.on((event, payload) => {
        if (ownChange || event !== 'data.changed' || !(payload as { scopes: string[] }).scopes.includes('outbox')) return;
        if (soon) return;
        soon = setTimeout(() => {
          soon = null;
          timers.delete(t);
          startAll();
        }, opts.pushAfterChangeMs);
        const t = soon;
        t.unref();
        timers.add(t);
      });
    }
  }

  return {
    status,

    now(panelId) {
      if (panelId !== undefined) {
        services.panels.record(panelId); // not_found for an unknown id
        start(panelId);
      } else startAll();
      return status();
    },

    cancel() {
      for (const rt of runtimes.values()) {
        rt.again = false;
        rt.abort?.abort(new Error('Sync cancelled'));
      }
      return status();
    },

    async test(input) {
      if ('id' in input) {
        services.panels.record(input.id);
        await demo.ensureRunning(input.id).catch(() => undefined);
        return testConnection(services.panels.connection(input.id), { timeoutMs: opts.testTimeoutMs });
      }
      return testConnection(input, { timeoutMs: opts.testTimeoutMs });
    },

    async startDemo() {
      const row = await demo.start().catch((e: unknown) => {
        throw new OutpostError('unavailable', `The demo panel could not be started: ${e instanceof Error ? e.message : String(e)}`);
      });
      announce(['panels', 'audit']);
      start(row.id);
      return services.panels.row(row.id);
    },

    async close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const rt of runtimes.values()) {
        stopProbe(rt);
        rt.again = false;
        // Every store write is one synchronous transaction, so aborting leaves nothing half-written;
        // a request the panel may already have applied is simply sent again next time (and applies once).
        rt.abort?.abort(new Error('Outpost is shutting down'));
      }
      await Promise.allSettled([...runtimes.values()].map((rt) => rt.run));
      await restoringDemo;
      await demo.close();
    },
  };
}
