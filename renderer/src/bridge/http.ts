// OutpostBridge over HTTP, for the page when browser mode serves it. The
// token arrives once in the URL fragment (#token=…): it is moved to
// sessionStorage (so a reload still works, and a new tab does not) and
// removed from the address bar. Events come over one shared server-sent-event
// stream read with fetch, because EventSource cannot send the token header.
// Only DOM APIs and common/: this file runs in the page.
import { HTTP_EVENTS_PATH, HTTP_INVOKE_PREFIX, HTTP_TOKEN_HEADER, type OutpostBridge } from '../../../common/ipc/bridge.js';
import { EVENTS, isEventName, type EventName, type EventPayload, type InputOf, type MethodName, type OutputOf } from '../../../common/ipc/contract.js';
import { ErrorPayloadSchema, type ErrorCode, type Result } from '../../../common/ipc/errors.js';
import { createListeners, type AnyListener } from '../../../common/ipc/listeners.js';

const TOKEN_PARAM = 'token';
/** Where the page keeps the token for reloads (sessionStorage: this tab only). */
export const TOKEN_STORAGE_KEY = 'outpost.token';
const RECONNECT_FIRST_MS = 500;
const RECONNECT_MAX_MS = 30_000;
/** The server writes a heartbeat every 15 s; a stream silent for longer than this is dead. */
const STREAM_SILENCE_MS = 45_000;

const UNAVAILABLE: Result<never> = {
  ok: false,
  error: { code: 'unavailable', message: 'The Outpost backend is not reachable' },
};

/** Every scope of `data.changed`: after a gap in the stream, everything shown may be stale. */
const ALL_SCOPES = EVENTS['data.changed'].shape.scopes.element.options;

/** Takes the token out of the fragment (keeping any other fragment parameters) into sessionStorage. */
export function takeToken(): string | null {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const fromHash = params.get(TOKEN_PARAM);
  if (fromHash) {
    try {
      sessionStorage.setItem(TOKEN_STORAGE_KEY, fromHash);
    } catch {
      // storage disabled: the token lives for this page only
    }
    params.delete(TOKEN_PARAM);
    const rest = params.toString();
    history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
    return fromHash;
  }
  try {
    return sessionStorage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    return null;
  }
}

function failure(code: ErrorCode, message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

/** What the server sent, if it has the shape of a Result (the server's own refusals have it too). */
function asResult(body: unknown): Result<unknown> | null {
  if (typeof body !== 'object' || body === null || !('ok' in body)) return null;
  if (body.ok === true && 'value' in body) return body as Result<unknown>;
  if (body.ok === false && 'error' in body) {
    const error = ErrorPayloadSchema.safeParse(body.error);
    if (error.success) return { ok: false, error: error.data };
  }
  return null;
}

function codeForStatus(status: number): ErrorCode {
  if (status === 401 || status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status >= 400 && status < 500) return 'invalid_input';
  if (status === 502 || status === 503 || status === 504) return 'unavailable';
  return 'internal';
}

export function createHttpBridge() {
  const token = takeToken() ?? '';
  const listeners = createListeners<EventName>();
  const stream = createEventStream(token, (name, payload) => listeners.emit(name, payload));

  return {
    async invoke<M extends MethodName>(method: M, input: InputOf<M>): Promise<Result<OutputOf<M>>> {
      let response: Response;
      try {
        response = await fetch(`${HTTP_INVOKE_PREFIX}${encodeURIComponent(method)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [HTTP_TOKEN_HEADER]: token },
          // undefined is not JSON; null reaches the backend's schema, which names what is missing
          body: JSON.stringify(input) ?? 'null',
          cache: 'no-store',
          credentials: 'omit',
        });
      } catch {
        return UNAVAILABLE;
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        body = undefined;
      }
      const result = asResult(body);
      if (result) return result as Result<OutputOf<M>>;
      return failure(response.ok ? 'internal' : codeForStatus(response.status), `The Outpost backend answered ${method} with HTTP ${response.status}`);
    },

    subscribe<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      if (!isEventName(event)) throw new TypeError(`Unknown event: ${String(event)}`);
      const remove = listeners.add(event, listener as AnyListener);
      stream.demand(true);
      return () => {
        remove();
        if (listeners.isEmpty()) stream.demand(false);
      };
    },
  } satisfies OutpostBridge;
}

/**
 * The one SSE connection of the page: open while anyone listens, reconnected
 * with backoff when it drops. After a reconnect it announces `data.changed`
 * for every scope, since events may have been missed in the gap.
 */
function createEventStream(token: string, dispatch: (name: EventName, payload: unknown) => void) {
  let wanted = false;
  let controller: AbortController | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let delay = RECONNECT_FIRST_MS;
  let connectedBefore = false;

  function scheduleReconnect(): void {
    if (!wanted) return;
    retryTimer = setTimeout(connect, delay);
    delay = Math.min(delay * 2, RECONNECT_MAX_MS);
  }

  async function connect(): Promise<void> {
    if (!wanted || controller) return;
    const current = new AbortController();
    controller = current;
    let silence: ReturnType<typeof setTimeout> | undefined;
    const stillAlive = () => {
      clearTimeout(silence);
      silence = setTimeout(() => current.abort(), STREAM_SILENCE_MS);
    };
    try {
      const response = await fetch(HTTP_EVENTS_PATH, {
        headers: { [HTTP_TOKEN_HEADER]: token, accept: 'text/event-stream' },
        cache: 'no-store',
        credentials: 'omit',
        signal: current.signal,
      });
      if (response.status === 401 || response.status === 403) {
        // A wrong token does not get better by asking again; the page needs its address from the start.
        console.warn('outpost: the event stream was refused; reopen the address that browser mode printed');
        wanted = false;
        return;
      }
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      delay = RECONNECT_FIRST_MS;
      if (connectedBefore) dispatch('data.changed', { scopes: [...ALL_SCOPES] });
      connectedBefore = true;
      stillAlive();
      await readFrames(response.body, (name, data) => {
        stillAlive();
        if (name === null || !isEventName(name)) return;
        let payload: unknown;
        try {
          payload = JSON.parse(data);
        } catch {
          return;
        }
        dispatch(name, payload);
      });
    } catch {
      // dropped, refused or aborted: the finally decides whether to try again
    } finally {
      clearTimeout(silence);
      if (controller === current) controller = null;
      scheduleReconnect();
    }
  }

  return {
    demand(on: boolean): void {
      if (on === wanted) return;
      wanted = on;
      if (on) {
        delay = RECONNECT_FIRST_MS;
        void connect();
      } else {
        clearTimeout(retryTimer);
        controller?.abort();
        controller = null;
      }
    },
  };
}

/**
 * Parses a text/event-stream body: `event:` and `data:` lines, a blank line
 * ends a frame, lines starting with `:` are comments (the heartbeat, which
 * still counts as a sign of life: onFrame gets name null).
 */
async function readFrames(body: ReadableStream<Uint8Array>, onFrame: (name: string | null, data: string) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let name: string | null = null;
  let data: string[] = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let newline: number;
    while ((newline = buffer.search(/\r\n|\r|\n/)) !== -1) {
      if (newline === buffer.length - 1 && buffer.endsWith('\r')) break; // may be half of a \r\n
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
      if (line === '') {
        if (data.length > 0 || name !== null) onFrame(name ?? 'message', data.join('\n'));
        name = null;
        data = [];
      } else if (line.startsWith(':')) {
        onFrame(null, '');
      } else {
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        const text = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') name = text;
        else if (field === 'data') data.push(text);
      }
    }
  }
}
