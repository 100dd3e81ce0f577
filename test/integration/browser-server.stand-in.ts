// A stand-in Backend for tests of browser mode's transport (the server, the
// page's HTTP bridge), written against the Backend interface: it parses input
// with the contract's schemas and answers with what it got, and lets the test
// emit events. The tests that run browser mode on the real backend are
// browser-server-backend.test.ts and browser-server-cli.test.ts.
import { isMethodName, METHODS, type EventName, type EventPayload } from '../../common/ipc/contract.js';
import { invalidInput, issuesFromZod, type Result } from '../../common/ipc/errors.js';
import type { Backend, BackendListener } from '../../main/backend/types.js';

export function standInBackend() {
  const listeners = new Set<BackendListener>();
  const calls: { method: string; input: unknown }[] = [];
  const backend: Backend = {
    async dispatch(method, input): Promise<Result<unknown>> {
      calls.push({ method, input });
      if (!isMethodName(method)) return { ok: false, error: { code: 'not_found', message: `no method ${method}` } };
      const parsed = METHODS[method].input.safeParse(input);
      if (!parsed.success) return { ok: false, error: invalidInput(issuesFromZod(parsed.error)).toPayload() };
      return { ok: true, value: { method, input: parsed.data } };
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {},
  };
  const emit = <E extends EventName>(event: E, payload: EventPayload<E>) => {
    for (const listener of listeners) listener(event, payload);
  };
  return { backend, calls, listeners, emit };
}
