// The shell's security decisions as pure functions (no `electron` import), so
// that each rule is unit-tested here and index.ts only wires them to events.
// See docs/electron.md "Security model".
import { isAppUrl } from './app-origin.js';

/** Navigation (will-navigate, will-redirect) is allowed only within the app's own origin. */
export function isAllowedNavigation(url: string): boolean {
  return isAppUrl(url);
}

const MAX_EXTERNAL_URL = 2048;
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Whether a link may be handed to the OS (shell.openExternal): https only, no
 * credentials, a DNS host name of at least two labels (no IP literals, no
 * "localhost", no single-label intranet names), nothing that the URL parser
 * would silently repair (whitespace, control characters, backslashes).
 */
export function isSafeExternalUrl(url: string): boolean {
  if (typeof url !== 'string' || url.length > MAX_EXTERNAL_URL) return false;
  if (/[\u0000-\u0020\u007f\\]/.test(url)) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' || parsed.username !== '' || parsed.password !== '') return false;
  if (!url.toLowerCase().startsWith('https://')) return false; // "https:host" is repaired by the parser
  const host = parsed.hostname;
  if (host.length > 253 || host.startsWith('[')) return false; // IPv6 literal
  const labels = host.split('.');
  if (labels.length < 2 || !labels.every((l) => DNS_LABEL.test(l))) return false;
  if (/^\d+$/.test(labels[labels.length - 1] ?? '')) return false; // an IPv4 literal, in any notation the parser accepted
  return true;
}

/**
 * The Content-Security-Policy of every response of the app:// protocol.
 * The renderer talks to the backend only over IPC, so it needs no network:
 * connect-src is 'self' (its own assets) and nothing else. Scripts: only the
 * bundled files, no eval, no inline. Styles allow 'unsafe-inline' because
 * Svelte templates may carry static style attributes; a style cannot run code.
 */
export const CSP_DIRECTIVES = {
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'worker-src': ["'self'"],
  'manifest-src': ["'self'"],
  'media-src': ["'none'"],
  'object-src': ["'none'"],
  'frame-src': ["'none'"],
  'child-src': ["'none'"],
  'frame-ancestors': ["'none'"],
  'form-action': ["'none'"],
  'base-uri': ["'none'"],
} as const satisfies Record<string, readonly string[]>;

export function buildCsp(directives: Record<string, readonly string[]> = CSP_DIRECTIVES): string {
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

/**
 * Every permission (camera, notifications, clipboard-read, geolocation, …) is
 * refused: the app needs none, and a request is a sign that something other
 * than the app's own code is running in the page.
 */
export function decidePermission(_permission: string, _requestingUrl?: string): false {
  return false;
}

/**
 * Whether an IPC message may reach the backend: it must come from the main
 * frame (not an iframe) of a page on the app's own origin. `frameUrl` is
 * undefined when the frame is gone (navigated away or destroyed).
 */
export function isTrustedSender(frameUrl: string | undefined | null, isMainFrame: boolean): boolean {
  return isMainFrame === true && typeof frameUrl === 'string' && isAppUrl(frameUrl);
}
