// Serves the built renderer from one folder and nothing outside it. The path
// is checked segment by segment before it touches the file system (no `..`,
// no encoded separators, no NUL, no hidden files), and the file found is
// checked again after symlinks are resolved.
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, sep } from 'node:path';
import { contentTypeFor } from '../shared/content-types.js';
import { decodePathSegments } from '../shared/path-segments.js';
import { sendError } from './responses.js';

/**
 * The decoded path segments of a request target, or null when the target is
 * not a plain path inside the root. Empty segments (`//`) are dropped.
 */
export function safeSegments(target: string): string[] | null {
  if (!target.startsWith('/')) return null; // absolute-form or asterisk-form targets
  const rawPath = target.split(/[?#]/, 1)[0] ?? '';
  // Malformed escapes, dot segments, encoded separators, NUL, drive letters.
  const decoded = decodePathSegments(rawPath);
  if (!decoded.ok) return null;
  // Stricter here: no hidden files, and no `:` anywhere (alternate data streams).
  if (decoded.segments.some((segment) => segment.startsWith('.') || segment.includes(':'))) return null;
  return decoded.segments;
}

export interface StaticSite {
  /** Answers a GET or HEAD for a file of the site. */
  serve(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

export async function createStaticSite(staticDir: string): Promise<StaticSite> {
  const root = await realpath(staticDir).catch(() => {
    throw new Error(`The folder to serve does not exist: ${staticDir}`);
  });
  const index = join(root, 'index.html');

  /** The real path of a regular file inside root, or null. */
  async function inside(candidate: string): Promise<string | null> {
    try {
      const real = await realpath(candidate);
      if (real !== root && !real.startsWith(root + sep)) return null; // a symlink out
      return (await stat(real)).isFile() ? real : null;
    } catch {
      return null;
    }
  }

  return {
    async serve(req, res) {
      const segments = safeSegments(req.url ?? '');
      if (segments === null) return sendError(res, 400, 'invalid_input', 'This path is not allowed');
      let file = await inside(join(root, ...segments));
      let cache = segments[0] === 'assets' ? 'public, max-age=31536000, immutable' : 'no-cache';
      // Single-page app: a path without a file extension is a view of the page.
      if (file === null && extname(segments.at(-1) ?? '') === '') {
        file = await inside(index);
        cache = 'no-cache';
      }
      if (file === null) return sendError(res, 404, 'not_found', 'No such file');

      const { size } = await stat(file);
      res.writeHead(200, { 'content-type': contentTypeFor(file), 'content-length': size, 'cache-control': cache });
      if (req.method === 'HEAD') return void res.end();
      await new Promise<void>((resolve) => {
        const stream = createReadStream(file);
        stream.once('error', () => {
          res.destroy();
          resolve();
        });
        stream.once('end', resolve);
        stream.pipe(res);
      });
    },
  };
}
