// createBackend with the sync seam tapped: the factory is handed the store
// and services (SyncDeps) as the sync engine gets them, and so is the caller,
// who can then seed or inspect through them. No vitest here: the benchmarks
// (bench/) use it too.
import { createBackend, type CreateBackendOptions } from '../../main/backend/backend.js';
import type { SyncDeps, SyncFactory } from '../../main/backend/sync-controller.js';
import type { Backend } from '../../main/backend/types.js';

export function createBackendWithDeps(opts: CreateBackendOptions & { sync: SyncFactory }): { backend: Backend; deps: SyncDeps } {
  let deps: SyncDeps | undefined;
  const backend = createBackend({
    ...opts,
    sync: (d) => {
      deps = d;
      return opts.sync(d);
    },
  });
  // createBackend calls the factory before it returns.
  return { backend, deps: deps! };
}
