// The demo panel: the panel simulator run in-process on 127.0.0.1, seeded with
// 5 domains of 20 outgoing users, its state kept in <dataDir>/demo-panel.json
// so that it survives restarts. It is added as a panel connection like any
// other (demo: true), with random credentials sealed like any panel's. When
// the backend starts again, the simulator is started again on the same state —
// on the same port when it is free, else on a new one (the connection's base
// URL follows; the cursor stays valid because the state file keeps the
// simulator's cursor secret).
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { PanelRow } from '../../../common/ipc/contract.js';
import type { Services } from '../services/index.js';
import type { Db } from '../store/open.js';
import { startPanelSimulator, type PanelSimulator } from '../../simulator/server.js';

export const DEMO_STATE_FILE = 'demo-panel.json';
export const DEMO_PANEL_NAME = 'Demo panel';
export const DEMO_SEED = { domains: 5, users: 20 } as const;
const DEMO_ADMIN = 'demo';

export interface DemoPanels {
  /** Starts the demo panel and adds its connection, or answers the one there is (running it if needed). */
  start(): Promise<PanelRow>;
  /** Makes sure the simulator behind a demo connection runs; a no-op for other panels. */
  ensureRunning(panelId: number): Promise<void>;
  close(): Promise<void>;
}

function portOf(baseUrl: string): number {
  try {
    return Number(new URL(baseUrl).port) || 0;
  } catch {
    return 0;
  }
}

export function createDemoPanels(deps: { db: Db; services: Services; dataDir: string }): DemoPanels {
  const { db, services } = deps;
  const stateFile = path.join(deps.dataDir, DEMO_STATE_FILE);
  const isDemo = db.prepare(`SELECT demo FROM panels WHERE id = ?`).pluck();
  // Not panels.update: that forgets the cursor when the address changes, and the feed here is the same one.
  const moveTo = db.prepare(`UPDATE panels SET base_url = ? WHERE id = ?`);
  let sim: PanelSimulator | null = null;
  let starting: Promise<PanelSimulator> | null = null;
  let closed = false;

  async function launch(opts: { port: number; username: string; password: string }): Promise<PanelSimulator> {
    const common = { domains: DEMO_SEED.domains, users: DEMO_SEED.users, stateFile, username: opts.username, password: opts.password, name: 'Outpost demo panel' };
    try {
      return await startPanelSimulator({ ...common, port: opts.port });
    } catch (e) {
      if (opts.port === 0 || (e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
      return startPanelSimulator({ ...common, port: 0 });
    }
  }

  /** One simulator at a time; concurrent callers share the start. */
  async function running(opts: { port: number; username: string; password: string }): Promise<PanelSimulator> {
    if (closed) throw new Error('The demo panel is shutting down');
    if (sim) return sim;
    starting ??= launch(opts).then(
      (s) => {
        sim = s;
        starting = null;
        return s;
      },
      (e: unknown) => {
        starting = null;
        throw e;
      },
    );
    return starting;
  }

  return {
    async start() {
      const existing = services.panels.list().find((p) => p.demo);
      if (existing) {
        await this.ensureRunning(existing.id);
        return services.panels.row(existing.id);
      }
      // A simulator still running for a demo connection that was removed: start afresh.
      if (sim) {
        await sim.close();
        sim = null;
      }
      const s = await running({ port: 0, username: DEMO_ADMIN, password: randomBytes(18).toString('base64url') });
      try {
        return services.panels.add({ name: DEMO_PANEL_NAME, baseUrl: s.url, username: s.username, password: s.password }, { demo: true });
      } catch (e) {
        await s.close();
        sim = null;
        throw e;
      }
    },

    async ensureRunning(panelId) {
      if (isDemo.get(panelId) !== 1) return;
      const conn = services.panels.connection(panelId);
      const s = await running({ port: portOf(conn.baseUrl), username: conn.username, password: conn.password });
      if (s.url !== conn.baseUrl) moveTo.run(s.url, panelId);
    },

    async close() {
      closed = true;
      const s = sim ?? (await starting?.catch(() => null)) ?? null;
      sim = null;
      await s?.close();
    },
  };
}
