// The preload as Electron loads it: out/preload/index.cjs, built with the
// project's electron.vite.config.ts, must be ONE CommonJS file whose only
// run-time require is 'electron' — a sandboxed preload (sandbox: true) can
// require nothing else, so common/ and its dependencies (zod, ipaddr.js)
// have to be bundled in. The bundle is then run in a fresh VM context with
// a require that knows only 'electron'.
//
// MOCK, and why: the Electron binary cannot run here, so 'electron' is a
// hand-made stand-in (contextBridge and ipcRenderer that record calls).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import vm from 'node:vm';
import { resolveConfig } from 'electron-vite';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type OutpostBridge } from '../../common/ipc/bridge.js';

let outDir: string;
let code: string;

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'outpost-preload-bundle-'));
  // What `electron-vite build` does for the preload, into a temp folder.
  process.env.NODE_ENV_ELECTRON_VITE = 'production';
  const { config } = await resolveConfig({ configFile: resolve('electron.vite.config.ts') }, 'build', 'production');
  const preload = config?.preload;
  if (!preload) throw new Error('electron.vite.config.ts has no preload part');
  await build({ ...preload, logLevel: 'silent', build: { ...preload.build, outDir, emptyOutDir: true } });
  const files = readdirSync(outDir);
  expect(files).toEqual(['index.cjs']);
  code = readFileSync(join(outDir, 'index.cjs'), 'utf8');
}, 60_000);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

function runSandboxed() {
  const exposed = new Map<string, unknown>();
  const invokes: unknown[][] = [];
  const listeners: [string, (...args: unknown[]) => void][] = [];
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
    ipcRenderer: {
      invoke: async (...args: unknown[]) => {
        invokes.push(args);
        return { ok: true, value: 'answered' };
      },
      on: (channel: string, listener: (...args: unknown[]) => void) => listeners.push([channel, listener]),
    },
  };
  const module = { exports: {} };
  const requested: string[] = [];
  vm.runInNewContext(code, {
    // What a sandboxed preload has: require (here only 'electron'), module, and the page's web globals.
    require: (id: string) => {
      requested.push(id);
      if (id === 'electron') return electron;
      throw new Error(`module not found: ${id} (a sandboxed preload can only require 'electron')`);
    },
    module,
    exports: module.exports,
    console,
    URL,
    TextEncoder,
    TextDecoder,
    setTimeout,
    clearTimeout,
    queueMicrotask,
    structuredClone,
  });
  return { exposed, invokes, listeners, requested };
}

describe('out/preload/index.cjs', () => {
  it("requires 'electron' and nothing else at run time (common/, zod and ipaddr.js bundled in)", () => {
    const required = new Set([...code.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]));
    expect(
      [...required],
      "the preload bundle requires packages at run time: set preload.build.externalizeDeps to false in electron.vite.config.ts",
    ).toEqual(['electron']);
  });

  it('runs where require knows only electron, and exposes window.outpost', async () => {
    const { exposed, invokes, listeners, requested } = runSandboxed();
    expect(requested).toEqual(['electron']);
    expect([...exposed.keys()]).toEqual(['outpost']);
    const outpost = exposed.get('outpost') as OutpostBridge;
    expect(Object.keys(outpost).sort()).toEqual(['invoke', 'subscribe']);
    expect(listeners.map(([channel]) => channel)).toEqual([IPC_EVENT_CHANNEL]);

    expect(await outpost.invoke('domains.list', {})).toEqual({ ok: true, value: 'answered' });
    expect(invokes).toEqual([[IPC_INVOKE_CHANNEL, 'domains.list', {}]]);
    expect(await outpost.invoke('no.such' as never, {} as never)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(invokes).toHaveLength(1);
  });
});
