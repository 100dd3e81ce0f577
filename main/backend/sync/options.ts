// The engine's knobs, with the values the app runs with. Tests shorten the
// intervals and the retry waits; nothing else differs.
import type { RetryOptions } from '../panel/index.js';

export interface SyncEngineOptions {
  /** change-feed page size (panel-api.md allows 1–5000) */
  pageSize?: number;
  /** a full sync of every panel this often, while the backend runs with autoSync */
  periodicMs?: number;
  /** first probe of a panel that went offline (version/get), doubling up to probeMaxMs */
  probeMinMs?: number;
  probeMaxMs?: number;
  /** with autoSync: push this long after a local change (0: only on the triggers above) */
  pushAfterChangeMs?: number;
  /** per request (panel client) */
  timeoutMs?: number;
  /** "Test connection" and probes: per request */
  testTimeoutMs?: number;
  retry?: RetryOptions;
  /** requests in flight to one panel at once */
  maxInFlight?: number;
}

export const DEFAULT_SYNC_OPTIONS: Required<SyncEngineOptions> = {
  pageSize: 5000,
  periodicMs: 5 * 60_000,
  probeMinMs: 15_000,
  probeMaxMs: 60_000,
  pushAfterChangeMs: 3_000,
  timeoutMs: 15_000,
  testTimeoutMs: 10_000,
  retry: {},
  maxInFlight: 4,
};
