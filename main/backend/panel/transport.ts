// One HTTP request to the panel: Basic auth, a timeout, the caller's cancel
// signal, and the answer read in full and interpreted.
//
// Keep-alive: Node's global fetch (undici) keeps connections open and reuses
// them per origin by default, so no Agent is configured here (Node 20 does not
// expose undici's Agent as a built-in module, and nothing is installed for it).
// test/integration/panel-client.test.ts counts the simulator's connections to
// confirm the reuse.
import type { PanelCallName, PanelRequest, ResultOf } from '../../../common/panel-api.js';
import { PanelError } from './errors.js';
import { describe, interpretResponse } from './response.js';

export type TransportOptions = { authorization: string; timeoutMs: number };

export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}

/** Sends `req` once. Throws PanelError, or the caller's abort reason when `signal` was aborted. */
export async function sendOnce<C extends PanelCallName>(
  options: TransportOptions,
  call: C,
  req: PanelRequest,
  signal?: AbortSignal,
): Promise<ResultOf<C>> {
  signal?.throwIfAborted();
  // Own controller and timer rather than AbortSignal.any/timeout: we know which
  // one fired, and nothing stays attached to a long-lived caller signal.
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });

  const failed = (cause: unknown): never => {
    if (signal?.aborted) throw signal.reason;
    if (timedOut) {
      throw new PanelError('timeout', describe('timeout', call, `no answer within ${options.timeoutMs} ms`), { call, cause });
    }
    throw new PanelError('network', describe('network', call, networkDetail(cause)), { call, cause });
  };

  try {
    let res: Response;
    try {
      res = await fetch(req.url, {
        method: req.method,
        headers: {
          authorization: options.authorization,
          accept: 'application/json',
          ...(req.body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
        },
        ...(req.body === undefined ? {} : { body: req.body }),
        // A redirect would carry the admin's credentials somewhere else (or drop them); refuse it.
        redirect: 'manual',
        signal: controller.signal,
      });
    } catch (e) {
      return failed(e);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (e) {
      return failed(e);
    }
    return interpretResponse(call, res.status, res.headers, text);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

function networkDetail(cause: unknown): string {
  const inner = (cause as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  return inner?.code ?? inner?.message ?? (cause instanceof Error ? cause.message : String(cause));
}
