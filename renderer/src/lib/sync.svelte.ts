// The sync engine's state for the status bar: fetched once, then kept current
// by the 'sync.status' event, and refetched after changes that move the counts.
import type { SyncStatus } from '../../../common/ipc/contract.js';
import { api, bridge } from './bridge.js';
import { onDataChanged } from './events.js';
import { toasts } from './toasts.svelte.js';

class SyncState {
  status = $state<SyncStatus | null>(null);

  constructor() {
    bridge.subscribe('sync.status', (s) => {
      this.status = s;
    });
    onDataChanged(['outbox', 'panels'], () => void this.refresh());
    void this.refresh();
  }

  async refresh(): Promise<void> {
    try {
      this.status = await api.sync.status({});
    } catch (e) {
      toasts.error(e);
    }
  }

  async syncNow(panelId?: number): Promise<void> {
    try {
      this.status = await api.sync.now(panelId === undefined ? {} : { panelId });
    } catch (e) {
      toasts.error(e);
    }
  }

  async cancel(): Promise<void> {
    try {
      this.status = await api.sync.cancel({});
    } catch (e) {
      toasts.error(e);
    }
  }

  /** Sync progress in percent over the panels that report a total, or null when unknown. */
  get progress(): number | null {
    const parts = (this.status?.panels ?? []).map((p) => p.progress).filter((p) => p !== null);
    const total = parts.reduce((n, p) => n + (p.total ?? 0), 0);
    if (!parts.length || parts.some((p) => p.total === null) || total === 0) return null;
    const done = parts.reduce((n, p) => n + p.done, 0);
    return Math.min(100, Math.round((done / total) * 100));
  }
}

export const sync = new SyncState();
