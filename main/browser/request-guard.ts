// Who may talk to the browser-mode bridge: a request must name this server in
// its Host header (DNS rebinding: a hostile name resolving to 127.0.0.1 still
// sends its own name), come from this server's own page if it comes from a
// page at all (Origin), and carry the start-up token.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** 32 random bytes, URL-safe, made once per start. */
export function makeToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time: both sides are hashed first so that their lengths match too. */
export function tokenMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(expected), digest(given));
}

/** The Host values this server answers to: its bound address and `localhost`, with its port. */
export function allowedHosts(boundHost: string, port: number): Set<string> {
  const address = boundHost.includes(':') ? `[${boundHost}]` : boundHost;
  return new Set([`${address}:${port}`, `localhost:${port}`]);
}

/** The request's Host if it is one of ours (lower-cased), else null. */
export function checkHost(headers: IncomingHttpHeaders, allowed: Set<string>): string | null {
  const host = headers.host?.toLowerCase();
  return host !== undefined && allowed.has(host) ? host : null;
}

/**
 * A request without Origin is not from a page's script (a same-origin GET, or
 * curl); one with an Origin must be the page this server served under the
 * Host it asked for. `Sec-Fetch-Site`, where the browser sends it, must not
 * say cross-site either.
 */
export function originAllowed(headers: IncomingHttpHeaders, host: string): boolean {
  const site = headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = headers.origin;
  return origin === undefined || origin === `http://${host}`;
}

/** A header may arrive repeated; a repeated token is not a token. */
export function singleHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
}
