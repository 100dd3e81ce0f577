// The seam between the backend and the sync engine (issue 3). The backend
// delegates the sync methods to a SyncController; createBackend builds one
// from a factory given the deps below. Until the engine exists, the default
// controller answers status from the outbox and refuses the rest.
//
// What the store expects from the engine (schema: store/migrations/001_initial.ts):
// - Pull: per panel user, in one transaction with its audit rows (origin
//   'remote'): users.remote = the panel's settings, users.revision, the lock
//   columns; users.settings takes the panel's value for every field without a
//   pending edit (the outbox 'settings' row's changes) and keeps the local one
//   for the rest. Then panels.cursor / last_sync_at. user_index follows users
//   by triggers; call services.users.flushSearchIndex() after a big pull.
// - Push: rows of outbox WHERE panel_id = ? AND status = 'pending' ORDER BY id;
//   secrets unseal with secretBox (check secret_storage). When the answer is
//   stored, delete the row in the same transaction — only if its `version` is
//   still the one sent (a local edit meanwhile raised it: merge, do not drop).
// - Refused: status 'failed', error = the panel's message, attempts + 1.
//   Conflict: status 'conflict', panel_values = {field: panel value} for the
//   fields both sides changed, panel_revision; conflicts.resolve does the rest.
// - After writes: events.changed([...scopes], userIds).
import type { OutputOf, ParsedInputOf, SyncStatus } from '../../common/ipc/contract.js';
import { OutpostError } from '../../common/ipc/errors.js';
import type { ServiceContext } from './services/context.js';
import type { BackendEvents } from './services/events.js';
import type { Services } from './services/index.js';
import type { Db } from './store/open.js';
import type { BackendOptions, SecretBox } from './types.js';

type Awaitable<T> = T | Promise<T>;

export interface SyncController {
  status(): Awaitable<SyncStatus>;
  /** Syncs one panel, or every panel; answers the status when it has started (or finished). */
  now(panelId?: number): Awaitable<SyncStatus>;
  cancel(): Awaitable<SyncStatus>;
  test(input: ParsedInputOf<'panels.test'>): Awaitable<OutputOf<'panels.test'>>;
  startDemo(): Awaitable<OutputOf<'panels.startDemo'>>;
  /** Stops timers and finishes or safely abandons a request in flight; called by Backend.close(). */
  close?(): Awaitable<void>;
}

export interface SyncDeps {
  db: Db;
  services: Services;
  events: BackendEvents;
  secretBox: SecretBox;
  /** actor and clock, as the services use them */
  context: ServiceContext;
  options: BackendOptions;
}

export type SyncFactory = (deps: SyncDeps) => SyncController;

export const SYNC_UNAVAILABLE = 'Sync with a panel is not available in this build yet';

/** Status from what the store knows: the outbox's counts; no panel is being synced. */
export function idleStatus(deps: Pick<SyncDeps, 'services'>): SyncStatus {
  const counts = deps.services.outbox.counts();
  const lastSyncAt = deps.services.panels
    .list()
    .map((p) => p.lastSyncAt)
    .filter((t): t is string => t !== null)
    .sort()
    .at(-1);
  return { running: false, online: null, lastSyncAt: lastSyncAt ?? null, ...counts, panels: [] };
}

export const createOfflineSyncController: SyncFactory = (deps) => {
  const unavailable = (): never => {
    throw new OutpostError('unavailable', SYNC_UNAVAILABLE);
  };
  return { status: () => idleStatus(deps), now: unavailable, cancel: () => idleStatus(deps), test: unavailable, startDemo: unavailable };
};
