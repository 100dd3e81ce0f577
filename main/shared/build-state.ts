// Whether a build is there and newer than what it is built from, by file
// modification times. Shared by browser mode (main/browser/renderer-build.ts:
// out/renderer alone) and `npm start` (scripts/start.ts: all of out/).
// Plain Node fs; imports neither electron nor the backend.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type BuildState = 'missing' | 'stale' | 'fresh';

/**
 * 'missing' when one of `outputs` does not exist, 'stale' when any of `inputs`
 * (files or folders, searched through) changed after the oldest output,
 * otherwise 'fresh'. Paths are relative to `root`; an input that does not exist counts as never changed.
 */
export function buildState(root: string, outputs: readonly string[], inputs: readonly string[]): BuildState {
  const outputPaths = outputs.map((p) => join(root, p));
  if (!outputPaths.every((p) => existsSync(p))) return 'missing';
  const builtAt = Math.min(...outputPaths.map((p) => statSync(p).mtimeMs));
  return inputs.some((p) => newestMtime(join(root, p)) > builtAt) ? 'stale' : 'fresh';
}

/** The newest modification time in a file or folder tree, leaving out node_modules and dot entries. */
function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry.name)));
  }
  return newest;
}
