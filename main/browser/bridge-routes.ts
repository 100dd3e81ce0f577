// The bridge over HTTP: one POST per call, one server-sent-event stream for
// the backend's events. The caller has already been let in (request-guard);
// these routes only translate between HTTP and the Backend.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isMethodName } from '../../common/ipc/contract.js';
import type { Backend } from '../backend/types.js';
import { readJsonBody } from './json-body.js';
import { sendError, sendJson } from './responses.js';

/** `POST /api/invoke/{method}`: the answer is the backend's Result, 200 whatever it says. */
export async function handleInvoke(backend: Backend, method: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!isMethodName(method)) return sendError(res, 404, 'not_found', `There is no method called "${method.slice(0, 100)}"`);
  const body = await readJsonBody(req);
  if (!body.ok) {
    // Past the limit the rest of the body is not worth reading: answer and hang up.
    const headers: Record<string, string> = body.status === 413 ? { connection: 'close' } : {};
    return sendError(res, body.status, 'invalid_input', body.message, headers);
  }
  let result: unknown;
  try {
    result = await backend.dispatch(method, body.value);
  } catch (error) {
    // dispatch promises never to throw; if it does, that is a bug, logged without the input (it may hold a password).
    console.error(`browser mode: ${method} threw`, error);
    return sendError(res, 500, 'internal', 'The backend failed unexpectedly');
  }
  sendJson(res, 200, result);
}

/** Lets the stream through proxies and idle timers; a comment line, ignored by readers. */
const HEARTBEAT_MS = 15_000;

export interface EventHub {
  /** `GET /api/events`: keeps the response open and writes each backend event to it. */
  attach(req: IncomingMessage, res: ServerResponse): void;
  /** Ends every open stream and stops listening to the backend. */
  close(): void;
}

export function createEventHub(backend: Backend): EventHub {
  const clients = new Set<ServerResponse>();
  const stopListening = backend.onEvent((event, payload) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const res of clients) res.write(frame);
  });
  const heartbeat = setInterval(() => {
    for (const res of clients) res.write(': ping\n\n');
  }, HEARTBEAT_MS);
  heartbeat.unref();

  return {
    attach(req, res) {
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write(': connected\n\n'); // lets the reader know the stream is open before the first event
      clients.add(res);
      req.socket.setNoDelay(true);
      res.once('close', () => clients.delete(res));
      res.on('error', () => clients.delete(res)); // a write to a reader that just left
    },
    close() {
      stopListening();
      clearInterval(heartbeat);
      for (const res of clients) res.end();
      clients.clear();
    },
  };
}
