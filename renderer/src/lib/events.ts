// One subscription to 'data.changed' for the whole renderer, fanned out to the
// views that show the data. The renderer's own writes announce themselves the
// same way (announce), so a view refetches through a single path whether the
// change came from a pull, another window or this one. Bursts are coalesced.
import type { EventPayload } from '../../../common/ipc/contract.js';
import { bridge } from './bridge.js';

export type DataChange = EventPayload<'data.changed'>;
export type Scope = DataChange['scopes'][number];
/** userIds: the users named by the changes, or 'all' when some change did not say. */
export type Coalesced = { scopes: Set<Scope>; userIds: Set<number> | 'all' };

type Listener = { scopes: Scope[]; fn: (c: Coalesced) => void; pending: Coalesced | null; timer: ReturnType<typeof setTimeout> | null };
const listeners = new Set<Listener>();
const COALESCE_MS = 40;

function deliver(change: DataChange): void {
  for (const l of listeners) {
    const hit = change.scopes.filter((s) => l.scopes.includes(s));
    if (!hit.length) continue;
    const p = (l.pending ??= { scopes: new Set(), userIds: new Set() });
    for (const s of hit) p.scopes.add(s);
    if (!change.userIds) p.userIds = 'all';
    else if (p.userIds !== 'all') for (const id of change.userIds) p.userIds.add(id);
    l.timer ??= setTimeout(() => {
      const c = l.pending;
      l.pending = null;
      l.timer = null;
      if (c && listeners.has(l)) l.fn(c);
    }, COALESCE_MS);
  }
}

bridge.subscribe('data.changed', deliver);

/** Calls fn (coalesced) when data in one of the scopes changes; returns the unsubscribe. */
export function onDataChanged(scopes: Scope[], fn: (c: Coalesced) => void): () => void {
  const l: Listener = { scopes, fn, pending: null, timer: null };
  listeners.add(l);
  return () => {
    if (l.timer) clearTimeout(l.timer);
    listeners.delete(l);
  };
}

/** Tells the views about a change this renderer made itself. */
export function announce(scopes: Scope[], userIds?: number[]): void {
  deliver(userIds ? { scopes, userIds } : { scopes });
}

export function touches(c: Coalesced, userId: number): boolean {
  return c.userIds === 'all' || c.userIds.has(userId);
}
