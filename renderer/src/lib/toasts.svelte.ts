// Non-blocking messages: errors (role="alert") and confirmations. A message
// already on screen is not repeated, so a burst of identical failures (the
// sync engine being unavailable, say) shows once.
import { BridgeError } from '../../../common/ipc/errors.js';

export type Toast = { id: number; kind: 'error' | 'info'; text: string };

export function errorMessage(e: unknown): string {
  if (e instanceof BridgeError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

class Toasts {
  items = $state<Toast[]>([]);
  #next = 1;

  show(text: string, kind: Toast['kind'] = 'info'): void {
    if (this.items.some((t) => t.text === text)) return;
    const id = this.#next++;
    this.items = [...this.items.slice(-4), { id, kind, text }];
    setTimeout(() => this.dismiss(id), kind === 'error' ? 12_000 : 4_000);
  }

  error = (e: unknown): void => {
    this.show(errorMessage(e), 'error');
  };

  dismiss(id: number): void {
    this.items = this.items.filter((t) => t.id !== id);
  }
}

export const toasts = new Toasts();
