// Reading a panel API request: `/api/{controller}/{action}/format/json/{name}/{value}/…`
// plus, for a POST, an x-www-form-urlencoded body. A name may appear once, in
// the path or in the body, never both; the call's secrets only in the body.
import type { IncomingMessage } from 'node:http';
import { PANEL_CALLS, callForRoute, type FieldError, type PanelCallName } from '../../common/panel-api.js';

export const MAX_BODY_BYTES = 1024 * 1024;

export type ReadRequest =
  | { ok: true; call: PanelCallName; params: Record<string, string>; bodyNames: string[] }
  | { ok: false; status: 400 | 405; errors: FieldError[] };

const bad = (field: string, message: string): ReadRequest => ({ ok: false, status: 400, errors: [{ field, message }] });

export class BodyTooLarge extends Error {}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge(`The body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** `pathname` is raw (still percent-encoded); `body` the raw POST body. */
export function parseApiRequest(method: string, pathname: string, contentType: string | undefined, body: string): ReadRequest {
  if (method !== 'GET' && method !== 'POST') {
    return { ok: false, status: 405, errors: [{ field: 'method', message: 'The panel API takes GET and POST only' }] };
  }
  const segments = pathname.split('/').slice(2); // '', 'api'
  if (segments.length % 2 === 1 && segments.at(-1) === '') segments.pop(); // a trailing slash
  const [controller = '', action = '', ...rest] = segments;
  const call = callForRoute(controller, action);
  if (!call) return bad('call', `Unknown call ${controller}/${action}`);
  if (rest.length % 2 === 1) return bad(safeDecode(rest.at(-1) ?? '') ?? 'parameters', `Parameter ${rest.at(-1)} has no value`);

  // No prototype: a parameter named __proto__ is just an unknown parameter.
  const params = Object.create(null) as Record<string, string>;
  const secrets: readonly string[] = PANEL_CALLS[call].secrets;
  for (let i = 0; i < rest.length; i += 2) {
    const name = safeDecode(rest[i] as string);
    const value = safeDecode(rest[i + 1] as string);
    if (name === null || value === null) return bad(name ?? 'parameters', 'A parameter is not URL-encoded properly');
    if (Object.hasOwn(params, name)) return bad(name, `Parameter ${name} appears more than once`);
    if (secrets.includes(name)) return bad(name, `Parameter ${name} must be sent in the POST body, never in the path`);
    params[name] = value;
  }
  const format = params.format;
  delete params.format;
  if (format !== undefined && format !== 'json') return bad('format', 'Only format json is supported');

  const bodyNames: string[] = [];
  if (method === 'POST' && body !== '') {
    if (!(contentType ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) {
      return bad('body', 'A POST body must be application/x-www-form-urlencoded');
    }
    for (const [name, value] of new URLSearchParams(body)) {
      if (bodyNames.includes(name)) return bad(name, `Parameter ${name} appears more than once`);
      if (Object.hasOwn(params, name) || name === 'format') {
        return bad(name, `Parameter ${name} may not be in both the path and the body`);
      }
      bodyNames.push(name);
      params[name] = value;
    }
  }
  return { ok: true, call, params, bodyNames };
}

function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}
