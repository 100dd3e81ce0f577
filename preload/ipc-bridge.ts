// OutpostBridge over Electron IPC. Kept apart from index.ts so that it takes
// the ipcRenderer it needs as an argument: index.ts hands it the real one,
// the unit test a fake (the Electron binary cannot run there).
import type { IpcRenderer, IpcRendererEvent } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type OutpostBridge } from '../common/ipc/bridge.js';
import {
  isEventName,
  isMethodName,
  type EventName,
  type EventPayload,
  type InputOf,
  type MethodName,
  type OutputOf,
} from '../common/ipc/contract.js';
import type { ErrorPayload, Result } from '../common/ipc/errors.js';
import { createListeners, type AnyListener } from '../common/ipc/listeners.js';

export type IpcRendererLike = Pick<IpcRenderer, 'invoke' | 'on'>;

function failure(code: ErrorPayload['code'], message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

export function createIpcBridge(ipc: IpcRendererLike) {
  const listeners = createListeners<EventName>();

  // One channel listener for all events: the renderer never gets the
  // IpcRendererEvent (it carries `sender`, i.e. ipcRenderer itself).
  ipc.on(IPC_EVENT_CHANNEL, (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
    if (typeof name !== 'string' || !isEventName(name)) return;
    listeners.emit(name, payload);
  });

  return {
    async invoke<M extends MethodName>(method: M, input: InputOf<M>): Promise<Result<OutputOf<M>>> {
      // Only names of the contract reach main: a typo or a probe ends here.
      if (typeof method !== 'string' || !isMethodName(method)) {
        return failure('invalid_input', `Unknown method: ${String(method)}`);
      }
      try {
        return (await ipc.invoke(IPC_INVOKE_CHANNEL, method, input)) as Result<OutputOf<M>>;
      } catch (error) {
        // invoke() rejects only when main failed outside the registry (no
        // handler yet, a value that cannot be cloned): keep the promise of
        // OutpostBridge, which never rejects.
        return failure('internal', `The call ${method} did not reach the app: ${error instanceof Error ? error.message : String(error)}`);
      }
    },

    subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
      if (typeof event !== 'string' || !isEventName(event)) throw new TypeError(`Unknown event: ${String(event)}`);
      if (typeof listener !== 'function') throw new TypeError('subscribe needs a listener function');
      return listeners.add(event, listener as AnyListener);
    },
  } satisfies OutpostBridge;
}
