// The handler of every method: a thin map from the contract to the services
// and the sync controller. Inputs arrive parsed (registry.ts).
import type { OutputOf } from '../../../common/ipc/contract.js';
import type { Services } from '../services/index.js';
import type { SyncController } from '../sync-controller.js';
import type { Handlers } from './registry.js';

export function createHandlers(deps: { services: Services; sync: SyncController; appInfo: () => OutputOf<'app.info'> }): Handlers {
  const { domains, users, audit, outbox, conflicts, panels } = deps.services;
  const { sync } = deps;
  return {
    'app.info': () => deps.appInfo(),

    'domains.list': (i) => domains.list(i),
    'domains.add': (i) => domains.add(i),
    'domains.assignPanel': (i) => domains.assignPanel(i),

    'users.list': (i) => users.list(i),
    'users.get': (i) => users.get(i.id),
    'users.add': (i) => users.add(i),
    'users.remove': (i) => users.remove(i.id),
    'users.updateSettings': (i) => users.updateSettings(i.id, i.changes),
    'users.bulkUpdate': (i) => users.bulkUpdate(i.ids, i.changes),
    'users.setPassword': (i) => users.setPassword(i.id, i.password),
    'users.lock': (i) => users.lock(i.id),
    'users.unlock': (i) => users.unlock(i.id),

    'audit.list': (i) => {
      if (i.domainId !== undefined) domains.require(i.domainId);
      return audit.list(i);
    },

    'outbox.list': (i) => outbox.list(i),
    'outbox.discard': (i) => outbox.discard(i.id),
    'outbox.retry': (i) => outbox.retry(i.id),

    'conflicts.list': (i) => conflicts.list(i),
    'conflicts.resolve': (i) => conflicts.resolve(i),

    'panels.list': () => panels.list(),
    'panels.add': (i) => panels.add(i),
    'panels.update': (i) => panels.update(i),
    'panels.test': (i) => sync.test(i),
    'panels.remove': (i) => panels.remove(i),
    'panels.reset': (i) => panels.reset(i.id),
    'panels.startDemo': () => sync.startDemo(),

    'sync.status': () => sync.status(),
    'sync.now': (i) => sync.now(i.panelId),
    'sync.cancel': () => sync.cancel(),
  };
}
