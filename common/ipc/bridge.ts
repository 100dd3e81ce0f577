// The bridge: the one interface that window.outpost has, whether the Electron
// preload installed it (over ipcRenderer) or the browser-mode page did (over
// HTTP). Both implementations are checked against it with `satisfies`.
import type { EventName, EventPayload, InputOf, MethodName, OutputOf } from './contract.js';
import { BridgeError, type Result } from './errors.js';

export interface OutpostBridge {
  /** Calls a backend method; never rejects for a backend error — that comes back as `{ ok: false }`. */
  invoke<M extends MethodName>(method: M, input: InputOf<M>): Promise<Result<OutputOf<M>>>;
  /** Listens to a backend event; returns the function that stops listening. */
  subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** The IPC channel names used by the Electron transport; derived, not listed. */
export const IPC_INVOKE_CHANNEL = 'outpost:invoke';
export const IPC_EVENT_CHANNEL = 'outpost:event';

/** The HTTP routes of the browser-mode transport. */
export const HTTP_INVOKE_PREFIX = '/api/invoke/';
export const HTTP_EVENTS_PATH = '/api/events';
export const HTTP_TOKEN_HEADER = 'x-outpost-token';

type Group<M extends string> = M extends `${infer G}.${string}` ? G : never;
type Api = {
  [G in Group<MethodName>]: {
    [M in MethodName as M extends `${G}.${infer A}` ? A : never]: (input: InputOf<M>) => Promise<OutputOf<M>>;
  };
};

/**
 * `api.users.get({ id })` instead of `bridge.invoke('users.get', { id })`:
 * resolves with the value, rejects with a BridgeError. Built by a Proxy so
 * that no method name is written out again.
 */
export type OutpostApi = Api & { call<M extends MethodName>(method: M, input: InputOf<M>): Promise<OutputOf<M>> };

export function createApi(bridge: OutpostBridge): OutpostApi {
  const call = async <M extends MethodName>(method: M, input: InputOf<M>): Promise<OutputOf<M>> => {
    const result = await bridge.invoke(method, input);
    if (!result.ok) throw new BridgeError(result.error);
    return result.value;
  };
  return new Proxy({ call } as unknown as OutpostApi, {
    get(target, group: string | symbol) {
      if (group === 'call') return call;
      if (typeof group !== 'string') return Reflect.get(target, group);
      return new Proxy(
        {},
        { get: (_t, action: string | symbol) => (input: unknown) => call(`${group}.${String(action)}` as MethodName, input as never) },
      );
    },
  });
}
