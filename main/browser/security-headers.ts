// The response headers every browser-mode answer carries. The page is an admin
// tool holding panel credentials, so it loads nothing from anywhere else, may
// not be framed, and never leaks its address (which could carry the token) in
// a Referer.
import type { ServerResponse } from 'node:http';

/**
 * Scripts and styles only from the server itself, never inline. Svelte 5 sets
 * `style:` directives and dynamic styles through the CSSOM (el.style), which
 * CSP does not govern, and animates with element.animate(); the built
 * renderer has no style attribute in its templates and inserts no <style>
 * element, so styles need no 'unsafe-inline'. (A static `style="…"` in a
 * component would be blocked and show up as a console error in the e2e smoke
 * test.)
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "connect-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=()',
};

export function setSecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
}
