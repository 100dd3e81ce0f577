// A real backend over a real SQLite file in a temp dir, for integration tests.
// The sync seam hands the test the store and services as the sync engine gets them.
import { expect } from 'vitest';
import type { InputOf, MethodName, OutputOf } from '../../common/ipc/contract.js';
import type { ErrorPayload, Result } from '../../common/ipc/errors.js';
import type { CreateBackendOptions } from '../../main/backend/backend.js';
import { createOfflineSyncController, type SyncDeps } from '../../main/backend/sync-controller.js';
import type { EventName, EventPayload } from '../../common/ipc/contract.js';
import { createBackendWithDeps } from './backend-deps.js';
import { makeTempDir } from './temp-dir.js';

export interface TestBackend {
  dataDir: string;
  deps: SyncDeps;
  events: { event: EventName; payload: EventPayload<EventName> }[];
  dispatch(method: string, input: unknown): Promise<Result<unknown>>;
  /** Calls a method and answers its value; fails the test on an error Result. */
  call<M extends MethodName>(method: M, input: InputOf<M>): Promise<OutputOf<M>>;
  /** Calls a method that must fail; answers the error. */
  fail(method: string, input: unknown): Promise<ErrorPayload>;
  close(): Promise<void>;
}

export async function openTestBackend(opts: Partial<CreateBackendOptions> = {}): Promise<TestBackend> {
  const dataDir = opts.dataDir ?? makeTempDir();
  const { backend, deps } = createBackendWithDeps({
    mode: 'browser',
    version: '0.0.0-test',
    actor: 'tester',
    ...opts,
    dataDir,
    sync: opts.sync ?? createOfflineSyncController,
  });
  const events: TestBackend['events'] = [];
  backend.onEvent((event, payload) => events.push({ event, payload }));
  return {
    dataDir,
    deps,
    events,
    dispatch: (method, input) => backend.dispatch(method, input),
    async call(method, input) {
      const r = await backend.dispatch(method, input);
      if (!r.ok) expect.fail(`${method} failed: ${JSON.stringify(r.error)}`);
      return r.value as never;
    },
    async fail(method, input) {
      const r = await backend.dispatch(method, input);
      if (r.ok) expect.fail(`${method} should have failed but answered ${JSON.stringify(r.value).slice(0, 300)}`);
      return r.error;
    },
    close: () => backend.close(),
  };
}

/** A panel connection, a domain under it and one SMTP user: the usual starting point. */
export async function seedPanelUser(t: TestBackend, login = 'alice') {
  const panel = await t.call('panels.add', { baseUrl: 'http://127.0.0.1:9', username: 'admin', password: 'panel-admin-pw' });
  const domain = await t.call('domains.add', { name: 'example.com', panelId: panel.id });
  const user = await t.call('users.add', { domainId: domain.id, type: 'user', login, password: 'first-password' });
  return { panel, domain, user };
}

/**
 * Marks every user as confirmed by the panel with the outbox empty — the state a
 * sync leaves (revision 1, remote = the current settings). Written here the way the
 * sync engine will write it, because that engine is not part of this suite.
 */
export function confirmAll(t: TestBackend): void {
  t.deps.db.exec(`UPDATE users SET revision = 1, remote = settings; DELETE FROM outbox;`);
}
