// JSON answers of the browser-mode bridge. A refusal made before the backend
// is reached (token, origin, size…) still has the shape of an error Result, so
// the page's bridge can hand it on as it is; the status code says which
// refusal it was for anything that is not the page.
import type { ServerResponse } from 'node:http';
import type { ErrorCode, Result } from '../../common/ipc/errors.js';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

export function sendError(
  res: ServerResponse,
  status: number,
  code: ErrorCode,
  message: string,
  headers: Record<string, string> = {},
): void {
  const body: Result<never> = { ok: false, error: { code, message } };
  sendJson(res, status, body, headers);
}
