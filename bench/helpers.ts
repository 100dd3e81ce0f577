// What the benchmarks share: a backend in browser mode on a data folder with
// the sync seam tapped (so that seeding goes through the services), and
// wall-clock timing. bench/run.ts runs only *.bench.ts; this is not one.
import type { SyncFactory } from '../main/backend/sync-controller.js';
import { createBackendWithDeps } from '../test/helpers/backend-deps.js';

/** The backend a benchmark drives, with the SyncDeps its sync factory got. */
export function openBenchBackend(dataDir: string, sync: SyncFactory) {
  return createBackendWithDeps({ dataDir, mode: 'browser', version: 'bench', actor: 'bench', sync });
}

/** The value and how long fn took, in ms. */
export function timed<T>(fn: () => T): [T, number] {
  const t = process.hrtime.bigint();
  const value = fn();
  return [value, Number(process.hrtime.bigint() - t) / 1e6];
}

/** The value and how long fn took until it settled, in ms. */
export async function timedAsync<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = process.hrtime.bigint();
  const value = await fn();
  return [value, Number(process.hrtime.bigint() - t) / 1e6];
}
