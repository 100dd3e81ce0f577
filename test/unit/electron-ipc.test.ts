// The Electron IPC path end to end: preload/index.ts (window.outpost over
// ipcRenderer) → main/electron/ipc.ts (sender check, backend.dispatch) → the
// real backend on a real SQLite file in a temp folder, and backend events
// back to the page.
//
// MOCK, and why: the Electron binary cannot run on this machine, so the
// `electron` module is replaced by the hand-made stand-in below — ipcMain,
// ipcRenderer, contextBridge and one webContents, connected in memory, with
// every message passed through structuredClone as Electron's IPC does.
// Nothing else is faked; the Playwright suite in test/electron covers the
// real runtime where it exists.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { OutpostBridge } from '../../common/ipc/bridge.js';
import { IPC_INVOKE_CHANNEL } from '../../common/ipc/bridge.js';
import { DOMAIN_MESSAGE } from '../../common/model.js';
import { createBackend } from '../../main/backend/backend.js';
import type { Backend } from '../../main/backend/types.js';
import { forwardBackendEvents, registerInvokeHandler, sendEvent, type InvokeEventLike } from '../../main/electron/ipc.js';

type Handler = (event: InvokeEventLike, ...args: unknown[]) => unknown;
type RendererListener = (event: { sender: unknown }, ...args: unknown[]) => void;

const fake = vi.hoisted(() => {
  const handlers = new Map<string, Handler>();
  const rendererListeners = new Map<string, Set<RendererListener>>();
  const exposed = new Map<string, unknown>();
  const state = {
    invokes: 0,
    frame: { url: 'app://outpost/index.html', parent: null as unknown } as InvokeEventLike['senderFrame'],
    sender: { id: 1 },
    pageUrl: 'app://outpost/index.html',
    destroyed: false,
  };
  const ipcRenderer = {
    async invoke(channel: string, ...args: unknown[]) {
      state.invokes++;
      const handler = handlers.get(channel);
      if (!handler) throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
      const event = { sender: state.sender, senderFrame: state.frame } as unknown as InvokeEventLike;
      return structuredClone(await handler(event, ...structuredClone(args)));
    },
    on(channel: string, listener: RendererListener) {
      if (!rendererListeners.has(channel)) rendererListeners.set(channel, new Set());
      rendererListeners.get(channel)!.add(listener);
      return ipcRenderer;
    },
  };
  return {
    state,
    handlers,
    exposed,
    ipcMain: {
      handle(channel: string, handler: Handler) {
        if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
        handlers.set(channel, handler);
      },
      removeHandler(channel: string) {
        handlers.delete(channel);
      },
    },
    ipcRenderer,
    contextBridge: {
      exposeInMainWorld(key: string, api: unknown) {
        if (exposed.has(key)) throw new Error(`Cannot bind an API on top of an existing property on the window object: ${key}`);
        exposed.set(key, api);
      },
    },
    webContents: {
      send(channel: string, ...args: unknown[]) {
        for (const listener of rendererListeners.get(channel) ?? []) listener({ sender: ipcRenderer }, ...structuredClone(args));
      },
      isDestroyed: () => state.destroyed,
      getURL: () => state.pageUrl,
    },
  };
});

vi.mock('electron', () => ({ ipcRenderer: fake.ipcRenderer, contextBridge: fake.contextBridge }));

let dataDir: string;
let backend: Backend;
let outpost: OutpostBridge;
let removeHandler: () => void;
let stopForwarding: () => void;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'outpost-electron-ipc-'));
  backend = createBackend({ dataDir, mode: 'electron', version: 'test', autoSync: false });
  removeHandler = registerInvokeHandler(fake.ipcMain, backend, (sender) => sender.id === 1);
  stopForwarding = forwardBackendEvents(backend, fake.webContents);
  await import('../../preload/index.js');
  outpost = fake.exposed.get('outpost') as OutpostBridge;
});

afterAll(async () => {
  stopForwarding();
  removeHandler();
  await backend.close();
  rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  fake.state.frame = { url: 'app://outpost/index.html', parent: null };
  fake.state.sender = { id: 1 };
  fake.state.pageUrl = 'app://outpost/index.html';
  fake.state.destroyed = false;
});

const domainCount = async () => {
  const result = await outpost.invoke('domains.list', {});
  if (!result.ok) throw new Error(result.error.message);
  return result.value.total;
};

describe('the preload', () => {
  it('exposes one thing, window.outpost, with invoke and subscribe and no ipcRenderer', () => {
    expect([...fake.exposed.keys()]).toEqual(['outpost']);
    expect(Object.keys(outpost).sort()).toEqual(['invoke', 'subscribe']);
    expect(typeof outpost.invoke).toBe('function');
    expect(typeof outpost.subscribe).toBe('function');
    expect(JSON.stringify(Object.getOwnPropertyNames(outpost))).not.toContain('ipc');
  });

  it('refuses a method outside the contract before anything is sent', async () => {
    const before = fake.state.invokes;
    const result = await outpost.invoke('system.exec' as never, {} as never);
    expect(result).toEqual({ ok: false, error: { code: 'invalid_input', message: 'Unknown method: system.exec' } });
    expect(fake.state.invokes).toBe(before);
  });

  it('answers a Result (never rejects) when main has no handler', async () => {
    removeHandler();
    try {
      const result = await outpost.invoke('domains.list', {});
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('internal');
    } finally {
      removeHandler = registerInvokeHandler(fake.ipcMain, backend, (sender) => sender.id === 1);
    }
  });

  it('refuses to subscribe to an event outside the contract', () => {
    expect(() => outpost.subscribe('nope' as never, () => {})).toThrow(/Unknown event: nope/);
  });
});

describe('invoke through main to the backend (real SQLite)', () => {
  it('adds a domain and lists it', async () => {
    const added = await outpost.invoke('domains.add', { name: 'Example.COM' });
    expect(added).toMatchObject({ ok: true, value: { name: 'example.com', panelId: null } });
    const listed = await outpost.invoke('domains.list', { query: 'example' });
    expect(listed.ok && listed.value.items.map((d) => d.name)).toEqual(['example.com']);
  });

  it("passes the backend's field errors through unchanged, and changes nothing", async () => {
    const before = await domainCount();
    const result = await outpost.invoke('domains.add', { name: 'not a domain' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('invalid_input');
      expect(result.error.issues?.[0]?.message).toBe(DOMAIN_MESSAGE);
    }
    expect(await domainCount()).toBe(before);
  });
});

describe('the sender check in main', () => {
  /** Counts with the trusted page, makes one call as `bad`, counts again: a refused call writes nothing. */
  const expectForbidden = async (bad: () => void, name: string) => {
    const before = await domainCount();
    bad();
    const result = await outpost.invoke('domains.add', { name });
    fake.state.frame = { url: 'app://outpost/index.html', parent: null };
    fake.state.sender = { id: 1 };
    expect(result).toEqual({ ok: false, error: { code: 'forbidden', message: 'This frame may not call the Outpost backend' } });
    expect(await domainCount()).toBe(before);
  };
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  afterAll(() => warn.mockRestore());

  it('refuses a page on another origin', async () => {
    await expectForbidden(() => (fake.state.frame = { url: 'https://evil.example/', parent: null }), 'evil-origin.example');
  });

  it('refuses a file:// page', async () => {
    await expectForbidden(() => (fake.state.frame = { url: 'file:///tmp/index.html', parent: null }), 'file-page.example');
  });

  it('refuses a subframe, even on the app origin', async () => {
    await expectForbidden(
      () => (fake.state.frame = { url: 'app://outpost/index.html', parent: { url: 'app://outpost/index.html' } }),
      'subframe.example',
    );
  });

  it('refuses a frame that is gone (senderFrame null, or disposed)', async () => {
    await expectForbidden(() => (fake.state.frame = null), 'gone.example');
    await expectForbidden(
      () =>
        (fake.state.frame = {
          get url(): string {
            throw new Error('Render frame was disposed before WebFrameMain could be accessed');
          },
          parent: null,
        }),
      'disposed.example',
    );
  });

  it('refuses a webContents the shell did not create', async () => {
    await expectForbidden(() => (fake.state.sender = { id: 99 }), 'stranger.example');
  });

  it('answers a non-string method name from a trusted frame as invalid input', async () => {
    const handler = fake.handlers.get(IPC_INVOKE_CHANNEL)!;
    const event = { sender: { id: 1 }, senderFrame: { url: 'app://outpost/', parent: null } } as unknown as InvokeEventLike;
    expect(await handler(event, 42, {})).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});

describe('events to the page', () => {
  it("forwards the backend's data.changed after a write", async () => {
    const seen: unknown[] = [];
    const stop = outpost.subscribe('data.changed', (payload) => seen.push(payload));
    await outpost.invoke('domains.add', { name: 'events.example' });
    stop();
    await outpost.invoke('domains.add', { name: 'after-stop.example' });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ scopes: expect.arrayContaining(['domains']) });
  });

  it('fans one event out to every subscriber; a failing one does not stop the rest', () => {
    const a: string[] = [];
    const b: string[] = [];
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const stops = [
      outpost.subscribe('app.command', ({ command }) => a.push(command)),
      outpost.subscribe('app.command', () => {
        throw new Error('listener bug');
      }),
      outpost.subscribe('app.command', ({ command }) => b.push(command)),
    ];
    sendEvent(fake.webContents, 'app.command', { command: 'sync-now' });
    for (const stop of stops) stop();
    sendEvent(fake.webContents, 'app.command', { command: 'find' });
    error.mockRestore();
    expect(a).toEqual(['sync-now']);
    expect(b).toEqual(['sync-now']);
  });

  it('sends nothing to a window that shows another page or is destroyed', () => {
    const seen: string[] = [];
    const stop = outpost.subscribe('app.command', ({ command }) => seen.push(command));
    fake.state.pageUrl = 'https://evil.example/';
    sendEvent(fake.webContents, 'app.command', { command: 'add-panel' });
    fake.state.pageUrl = 'app://outpost/index.html';
    fake.state.destroyed = true;
    sendEvent(fake.webContents, 'app.command', { command: 'add-panel' });
    fake.state.destroyed = false;
    sendEvent(fake.webContents, 'app.command', { command: 'find' });
    stop();
    expect(seen).toEqual(['find']);
  });
});
