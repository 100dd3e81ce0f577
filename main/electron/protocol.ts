// The app:// protocol: serves the built renderer (out/renderer) to the window.
// resolveAssetPath is the one place that turns a request URL into a file, and
// it refuses anything that could leave the renderer folder. The wiring takes
// Electron's `protocol` as an argument (type-only import), so this module
// loads under plain Node for its tests.
import { readFile, stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import type { CustomScheme, Protocol } from 'electron';
import { contentTypeFor } from '../shared/content-types.js';
import { decodePathSegments, type SegmentRefusal } from '../shared/path-segments.js';
import { APP_HOST, APP_SCHEME } from './app-origin.js';

/** Must be registered before app `ready`: a standard, secure scheme with fetch, like https. */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  // corsEnabled: Vite's <script type="module" crossorigin> is fetched in CORS mode.
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true },
};

export type AssetResolution = { ok: true; path: string } | { ok: false; status: 400 | 403 | 404; reason: string };

const refuse = (status: 400 | 403 | 404, reason: string): AssetResolution => ({ ok: false, status, reason });

const SEGMENT_REFUSALS: Record<SegmentRefusal, [status: 400 | 403, reason: string]> = {
  'malformed-escape': [400, 'malformed percent-encoding'],
  'dot-segment': [403, 'dot segment in path'],
  'separator-or-nul': [403, 'encoded separator or NUL in path'],
  absolute: [403, 'absolute path'],
};

/**
 * Maps `app://outpost/<path>` to a file under `root`. Works on the raw URL
 * text, before any normaliser could fold `..` away, and refuses rather than
 * repairs: another scheme or host, credentials or a port, `.`/`..` segments
 * (plain or percent-encoded), encoded slashes or backslashes, NUL, drive
 * letters, malformed escapes. `/` means index.html; query and hash are ignored.
 */
export function resolveAssetPath(root: string, requestUrl: string): AssetResolution {
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)/i.exec(requestUrl);
  if (!match) return refuse(400, 'not an absolute URL');
  const [, scheme = '', authority = '', rawPath = ''] = match;
  if (scheme.toLowerCase() !== APP_SCHEME) return refuse(403, `scheme ${scheme} is not served`);
  if (authority.toLowerCase() !== APP_HOST) return refuse(403, `host ${authority} is not served`);
  if (rawPath.includes('\\')) return refuse(403, 'backslash in path');

  const decoded = decodePathSegments(rawPath);
  if (!decoded.ok) return refuse(...SEGMENT_REFUSALS[decoded.refusal]);
  const { segments } = decoded;
  if (segments.length === 0 || rawPath.endsWith('/')) segments.push('index.html');

  const base = resolve(root);
  const path = resolve(base, ...segments);
  // Belt and braces: whatever the checks above missed, the result stays inside root.
  if (!path.startsWith(base + sep)) return refuse(403, 'path leaves the renderer folder');
  return { ok: true, path };
}


/** Security headers of every app:// response. */
export function responseHeaders(path: string, csp: string): Record<string, string> {
  return {
    'content-type': contentTypeFor(path),
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
  };
}

function textResponse(status: number, text: string, csp: string): Response {
  return new Response(text, { status, headers: { ...responseHeaders('x.txt', csp) } });
}

/** The handler of app://, separate from protocol.handle so that it can run (and be tested) under Node. */
export function createAssetHandler(root: string, csp: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return textResponse(405, 'Method not allowed', csp);
    const resolved = resolveAssetPath(root, request.url);
    if (!resolved.ok) return textResponse(resolved.status, resolved.reason, csp);
    try {
      // fs here is Electron's, which reads inside app.asar when packaged.
      if (!(await stat(resolved.path)).isFile()) return textResponse(404, 'Not found', csp);
      const body = request.method === 'HEAD' ? null : await readFile(resolved.path);
      return new Response(body, { status: 200, headers: responseHeaders(resolved.path, csp) });
    } catch {
      return textResponse(404, 'Not found', csp);
    }
  };
}

/** Serves `root` on app://outpost/ (call after app `ready`). */
export function serveRenderer(protocol: Pick<Protocol, 'handle'>, root: string, csp: string): void {
  protocol.handle(APP_SCHEME, createAssetHandler(root, csp));
}
