// Builds the renderer alone: `electron-vite build` builds main and preload
// too, which browser mode does not need. Run with the project root as the
// working directory (electron.vite.config.ts resolves its paths from it).
// Started by renderer-build.ts in a child process.
import { resolveConfig } from 'electron-vite';
import { build } from 'vite';

process.env.NODE_ENV_ELECTRON_VITE = 'production'; // what `electron-vite build` sets: relative asset paths
const { config } = await resolveConfig({}, 'build', 'production');
if (!config?.renderer) throw new Error('electron.vite.config.ts has no renderer part');
await build(config.renderer);
