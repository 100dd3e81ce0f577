// Reads a request body as JSON within a size limit. The refusals are typed so
// that the route can answer each with its own status code.
import type { IncomingMessage } from 'node:http';

/** Large enough for the biggest call (a bulk edit of 100 000 ids), small enough to hold in memory. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

export type BodyResult =
  | { ok: true; value: unknown }
  | { ok: false; status: 400 | 413 | 415; message: string };

// Keys that mean something to JavaScript objects rather than to the contract.
// No method's input has them; an input that does is an attack or a bug.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** `application/json`, optionally with `charset=utf-8`; nothing else. */
export function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const [type, ...params] = header.split(';').map((p) => p.trim().toLowerCase());
  if (type !== 'application/json') return false;
  return params.every((p) => p === '' || p === 'charset=utf-8' || p === 'charset="utf-8"');
}

export async function readJsonBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<BodyResult> {
  if (!isJsonContentType(req.headers['content-type'])) {
    return { ok: false, status: 415, message: 'The request body must be sent as application/json' };
  }
  const tooLarge = { ok: false, status: 413, message: `The request body is larger than ${limit} bytes` } as const;
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return tooLarge;

  const body = await collect(req, limit);
  if (body === 'too-large') return tooLarge;
  if (body === 'aborted') return { ok: false, status: 400, message: 'The request body was cut off' };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    return { ok: false, status: 400, message: 'The request body is not valid UTF-8' };
  }
  if (text.trim() === '') return { ok: false, status: 400, message: 'The request body is empty; send the input as JSON' };
  try {
    return {
      ok: true,
      value: JSON.parse(text, (key, value: unknown) => {
        if (FORBIDDEN_KEYS.has(key)) throw new ForbiddenKeyError(key);
        return value;
      }),
    };
  } catch (error) {
    if (error instanceof ForbiddenKeyError) {
      return { ok: false, status: 400, message: `The request body may not contain the key "${error.key}"` };
    }
    return { ok: false, status: 400, message: 'The request body is not valid JSON' };
  }
}

class ForbiddenKeyError extends Error {
  constructor(readonly key: string) {
    super(`forbidden key ${key}`);
  }
}

/**
 * Events rather than `for await`: leaving an async iterator early destroys
 * the request, and with it the socket the 413 answer has to go out on. Past
 * the limit the rest is read and dropped.
 */
function collect(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.resume();
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', () => resolve('aborted'));
    req.once('close', () => {
      if (!req.complete) resolve('aborted');
    });
  });
}
