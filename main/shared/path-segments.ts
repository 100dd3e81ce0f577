// The path-segment checks both hosts of the renderer share: browser mode's
// static files (main/browser/static-files.ts) and Electron's app:// protocol
// (main/electron/protocol.ts). Works on the raw path text, before anything
// could fold `..` away, and refuses rather than repairs. Each host keeps its
// own stricter rules on top (browser mode: no dotfiles, no `:`; Electron:
// scheme, host, raw backslashes). Imports neither electron nor the backend.
import { isAbsolute } from 'node:path';

/** Why a path was refused, in the order the checks run on each segment. */
export type SegmentRefusal =
  | 'malformed-escape' // percent-encoding that does not decode
  | 'dot-segment' // `.` or `..`, plain or percent-encoded
  | 'separator-or-nul' // an encoded `/` or `\`, or NUL
  | 'absolute'; // a drive letter (`C:`) or an absolute path

export type SegmentsResult = { ok: true; segments: string[] } | { ok: false; refusal: SegmentRefusal };

/**
 * The percent-decoded segments of a raw path (no query or hash), each decoded
 * once; empty segments (`//`) are dropped. The first segment that fails a
 * check decides the refusal.
 */
export function decodePathSegments(rawPath: string): SegmentsResult {
  const segments: string[] = [];
  for (const raw of rawPath.split('/')) {
    if (raw === '') continue;
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return { ok: false, refusal: 'malformed-escape' };
    }
    if (segment === '.' || segment === '..') return { ok: false, refusal: 'dot-segment' };
    if (/[/\\\u0000]/.test(segment)) return { ok: false, refusal: 'separator-or-nul' };
    if (/^[a-z]:/i.test(segment) || isAbsolute(segment)) return { ok: false, refusal: 'absolute' };
    segments.push(segment);
  }
  return { ok: true, segments };
}
