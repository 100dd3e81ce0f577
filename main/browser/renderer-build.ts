// Whether out/renderer is there and current, and building it when it is not.
// The build runs in a child process: electron-vite's config loader sets
// NODE_ENV for the whole process, which the backend beside it should not see.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildState, type BuildState } from '../shared/build-state.js';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RENDERER_OUT_DIR = join(PROJECT_ROOT, 'out', 'renderer');

/** What the renderer bundle is made from: its own sources, common/, and the build config. */
const RENDERER_SOURCES = ['renderer', 'common', 'electron.vite.config.ts'];

export type RendererBuildState = BuildState;

export function rendererBuildState(root: string = PROJECT_ROOT): RendererBuildState {
  return buildState(root, [join('out', 'renderer', 'index.html')], RENDERER_SOURCES);
}

/**
 * Builds only the renderer, with the renderer part of electron.vite.config.ts
 * (the same output `npm run build` gives it). Its output goes to stderr: a
 * caller's stdout may be a protocol (the CLI prints one line there).
 */
export function buildRenderer(root: string = PROJECT_ROOT): Promise<void> {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const script = fileURLToPath(new URL('./build-renderer.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsx, script], { cwd: root, stdio: ['ignore', 2, 2] });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`Building the renderer failed (${signal ?? `exit code ${code}`})`)),
    );
  });
}
