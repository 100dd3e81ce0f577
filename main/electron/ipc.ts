// The one place that maps the contract onto Electron IPC. Renderer → main:
// ipcRenderer.invoke(IPC_INVOKE_CHANNEL, method, input) arrives here, the
// sender frame is checked, and backend.dispatch answers a Result (it parses
// the input with the method's schema). Main → renderer: backend events (and
// menu commands) go out on IPC_EVENT_CHANNEL. Electron objects come in as
// arguments (type-only import), so a test can drive this with fakes.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../common/ipc/bridge.js';
import type { EventName, EventPayload } from '../../common/ipc/contract.js';
import type { Result } from '../../common/ipc/errors.js';
import type { Backend } from '../backend/types.js';
import { isAppUrl } from './app-origin.js';
import { isTrustedSender } from './security.js';

/** What the handler reads of an invoke event. */
export type InvokeEventLike = Pick<IpcMainInvokeEvent, 'sender'> & {
  readonly senderFrame: { readonly url: string; readonly parent: unknown } | null;
};
/** The part of ipcMain used here (Electron's ipcMain satisfies it). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler: IpcMain['removeHandler'];
}
export type EventTarget = Pick<WebContents, 'send' | 'isDestroyed' | 'getURL'>;

const FORBIDDEN: Result<never> = {
  ok: false,
  error: { code: 'forbidden', message: 'This frame may not call the Outpost backend' },
};

/** The sender frame's URL and whether it is a main frame; a disposed frame counts as untrusted. */
function describeFrame(frame: InvokeEventLike['senderFrame']): { url: string | undefined; isMainFrame: boolean } {
  try {
    return frame ? { url: frame.url, isMainFrame: frame.parent === null } : { url: undefined, isMainFrame: false };
  } catch {
    return { url: undefined, isMainFrame: false };
  }
}

/**
 * Answers invokes from the app's own windows only: `isOwnWindow` says whether
 * the sending webContents is one the shell created, and the frame must be
 * that page's main frame on app://outpost. Returns the function that removes
 * the handler.
 */
export function registerInvokeHandler(
  ipcMain: IpcMainLike,
  backend: Pick<Backend, 'dispatch'>,
  isOwnWindow: (sender: InvokeEventLike['sender']) => boolean,
): () => void {
  ipcMain.handle(IPC_INVOKE_CHANNEL, async (event: InvokeEventLike, method: unknown, input: unknown) => {
    const frame = describeFrame(event.senderFrame);
    if (!isOwnWindow(event.sender) || !isTrustedSender(frame.url, frame.isMainFrame)) {
      console.warn(`outpost: refused IPC ${String(method).slice(0, 64)} from ${frame.url ?? 'a disposed frame'}`);
      return FORBIDDEN;
    }
    if (typeof method !== 'string') {
      return { ok: false, error: { code: 'invalid_input', message: 'The method name must be a string' } } satisfies Result<never>;
    }
    return backend.dispatch(method, input);
  });
  return () => ipcMain.removeHandler(IPC_INVOKE_CHANNEL);
}

/** Sends one event to a window, only while it shows the app's own page. */
export function sendEvent<E extends EventName>(target: EventTarget, event: E, payload: EventPayload<E>): void {
  if (target.isDestroyed() || !isAppUrl(target.getURL())) return;
  target.send(IPC_EVENT_CHANNEL, event, payload);
}

/** Forwards every backend event to the window; returns the function that stops it. */
export function forwardBackendEvents(backend: Pick<Backend, 'onEvent'>, target: EventTarget): () => void {
  return backend.onEvent((event, payload) => sendEvent(target, event, payload));
}
