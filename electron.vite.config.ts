import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';

// Three bundles: main (Electron shell + the plain-Node backend it hosts),
// preload (one sandbox-safe CommonJS file), renderer (Svelte, served from a
// custom protocol in Electron and by browser mode over HTTP).
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: { index: resolve('main/electron/index.ts') },
        external: ['better-sqlite3', 'electron'],
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload may require only 'electron': bundle zod and common/ in.
      externalizeDeps: false,
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve('preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('renderer'),
    base: './',
    plugins: [svelte()],
    build: {
      outDir: resolve('out/renderer'),
      rollupOptions: { input: { index: resolve('renderer/index.html') } },
    },
  },
});
