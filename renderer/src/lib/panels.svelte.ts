// The panel connections (a handful): shared by the domain dialog, the panels
// view and the first-run screen.
import type { PanelRow } from '../../../common/ipc/contract.js';
import { api } from './bridge.js';
import { onDataChanged } from './events.js';
import { toasts } from './toasts.svelte.js';

class PanelsState {
  items = $state<PanelRow[]>([]);
  loaded = $state(false);

  constructor() {
    onDataChanged(['panels'], () => void this.refresh());
    void this.refresh();
  }

  async refresh(): Promise<void> {
    try {
      this.items = await api.panels.list({});
    } catch (e) {
      toasts.error(e);
    } finally {
      this.loaded = true;
    }
  }

  byId(id: number | null): PanelRow | undefined {
    return id === null ? undefined : this.items.find((p) => p.id === id);
  }
}

export const panels = new PanelsState();
