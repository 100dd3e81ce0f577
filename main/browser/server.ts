// Browser mode's HTTP server: the built renderer and the bridge, on loopback
// only. The page gets the token in the URL fragment (never sent to a server,
// so never in a log or a Referer) and sends it back in a header with every
// bridge request; a hostile page elsewhere can neither read the token nor
// get past the Host and Origin checks.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import ipaddr from 'ipaddr.js';
import { HTTP_EVENTS_PATH, HTTP_INVOKE_PREFIX, HTTP_TOKEN_HEADER } from '../../common/ipc/bridge.js';
import type { Backend } from '../backend/types.js';
import { createEventHub, handleInvoke } from './bridge-routes.js';
import { allowedHosts, checkHost, makeToken, originAllowed, singleHeader, tokenMatches } from './request-guard.js';
import { sendError } from './responses.js';
import { setSecurityHeaders } from './security-headers.js';
import { createStaticSite } from './static-files.js';

export interface BrowserServerOptions {
  backend: Backend;
  /** the built renderer (out/renderer) */
  staticDir: string;
  /** 0: any free port */
  port: number;
  /** a loopback address; default 127.0.0.1 */
  host?: string;
}

export interface BrowserServer {
  /** the address to open, with the token in its fragment */
  url: string;
  token: string;
  /** `http://127.0.0.1:{port}` */
  origin: string;
  /**
   * Stops accepting, ends the event streams, lets calls in flight finish (up
   * to a few seconds) and closes every connection. The backend stays open:
   * whoever created it closes it.
   */
  close(): Promise<void>;
}

/** How long close() waits for calls in flight before cutting their connections. */
const DRAIN_MS = 5_000;

export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const host = options.host ?? '127.0.0.1';
  if (!ipaddr.isValid(host) || ipaddr.parse(host).range() !== 'loopback') {
    throw new Error(`Browser mode listens on a loopback address only (such as 127.0.0.1), not on "${host}"`);
  }
  const site = await createStaticSite(options.staticDir);
  const token = makeToken();
  const hub = createEventHub(options.backend);
  const inFlight = new Set<Promise<void>>();
  let hosts = new Set<string>();
  let closing = false;

  /** Token and Origin; answers the refusal itself and says whether to go on. */
  function admitted(req: IncomingMessage, res: ServerResponse, requestHost: string): boolean {
    if (!originAllowed(req.headers, requestHost)) {
      sendError(res, 403, 'forbidden', 'Requests from other sites are not allowed');
      return false;
    }
    if (!tokenMatches(token, singleHeader(req.headers, HTTP_TOKEN_HEADER))) {
      sendError(res, 401, 'forbidden', 'The access token is missing or wrong; open the address that browser mode printed at start');
      return false;
    }
    return true;
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    setSecurityHeaders(res);
    if (closing) return sendError(res, 503, 'unavailable', 'Outpost is shutting down', { connection: 'close' });
    const requestHost = checkHost(req.headers, hosts);
    if (requestHost === null) return sendError(res, 403, 'forbidden', 'This server answers only to its own address (127.0.0.1 or localhost with its port)');
    const path = (req.url ?? '').split('?', 1)[0] ?? '';

    if (path.startsWith(HTTP_INVOKE_PREFIX)) {
      if (req.method !== 'POST') return sendError(res, 405, 'invalid_input', 'Call a method with POST', { allow: 'POST' });
      if (!admitted(req, res, requestHost)) return;
      return handleInvoke(options.backend, methodFromPath(path.slice(HTTP_INVOKE_PREFIX.length)), req, res);
    }
    if (path === HTTP_EVENTS_PATH) {
      if (req.method !== 'GET') return sendError(res, 405, 'invalid_input', 'Read events with GET', { allow: 'GET' });
      if (!admitted(req, res, requestHost)) return;
      return hub.attach(req, res);
    }
    if (path === '/api' || path.startsWith('/api/')) return sendError(res, 404, 'not_found', 'No such API route');
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'invalid_input', 'Only GET and HEAD', { allow: 'GET, HEAD' });
    return site.serve(req, res);
  }

  const server = createServer((req, res) => {
    const done = route(req, res)
      .catch((error: unknown) => {
        console.error('browser mode: request failed', error);
        if (!res.headersSent) sendError(res, 500, 'internal', 'The server failed unexpectedly');
        else res.destroy();
      })
      .finally(() => inFlight.delete(done));
    inFlight.add(done);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  hosts = allowedHosts(host, port);
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let closed: Promise<void> | undefined;
  return {
    url: `${origin}/#token=${token}`,
    token,
    origin,
    close() {
      closed ??= (async () => {
        closing = true;
        hub.close();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          Promise.allSettled([...inFlight]),
          new Promise((resolve) => {
            timer = setTimeout(resolve, DRAIN_MS);
          }),
        ]);
        clearTimeout(timer);
        server.closeAllConnections();
        await stopped;
      })();
      return closed;
    },
  };
}

function methodFromPath(rest: string): string {
  try {
    return decodeURIComponent(rest);
  } catch {
    return rest;
  }
}
