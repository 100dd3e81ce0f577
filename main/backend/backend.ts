// createBackend(): opens <dataDir>/outpost.sqlite, wires the services, the
// sync controller and the method registry, and hands the host a Backend.
import fs from 'node:fs';
import path from 'node:path';
import type { OutputOf } from '../../common/ipc/contract.js';
import { createHandlers } from './ipc/handlers.js';
import { createRegistry } from './ipc/registry.js';
import { createKeyFileSecretBox } from './secrets/key-file.js';
import { isoNow, osActor, type ServiceContext } from './services/context.js';
import { createEvents } from './services/events.js';
import { createServices } from './services/index.js';
import { openDatabase, type Db } from './store/open.js';
import type { SyncFactory } from './sync-controller.js';
import { createSyncEngine } from './sync/index.js';
import type { Backend, BackendOptions, SecretBox } from './types.js';

export const DATABASE_FILE_NAME = 'outpost.sqlite';

export interface CreateBackendOptions extends BackendOptions {
  /** builds the sync engine; default: the engine of main/backend/sync (tests pass one with shorter waits) */
  sync?: SyncFactory;
}

export function createBackend(opts: CreateBackendOptions): Backend {
  fs.mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const secretBox = opts.secretBox ?? createKeyFileSecretBox(opts.dataDir);
  const db = openDatabase(path.join(opts.dataDir, DATABASE_FILE_NAME), opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {});
  try {
    return wire(opts, db, secretBox);
  } catch (err) {
    db.close(); // a factory that failed must not leave the file open
    throw err;
  }
}

function wire(opts: CreateBackendOptions, db: Db, secretBox: SecretBox): Backend {
  const events = createEvents();
  const context: ServiceContext = { db, secretBox, actor: opts.actor ?? osActor(), now: isoNow, events };
  const services = createServices(context);
  const { sync: factory = createSyncEngine, ...options } = opts;
  const sync = factory({ db, services, events, secretBox, context, options });
  const appInfo = (): OutputOf<'app.info'> => ({
    version: opts.version,
    mode: opts.mode,
    dataDir: opts.dataDir,
    actor: context.actor,
    platform: process.platform,
  });
  const dispatch = createRegistry(createHandlers({ services, sync, appInfo }));

  let closed: Promise<void> | null = null;
  return {
    dispatch: async (method, input) =>
      closed ? { ok: false, error: { code: 'unavailable', message: 'Outpost is shutting down' } } : dispatch(method, input),
    onEvent: (listener) => events.on(listener),
    close() {
      closed ??= (async () => {
        try {
          await sync.close?.();
        } finally {
          db.close();
        }
      })();
      return closed;
    },
  };
}
