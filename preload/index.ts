// The preload of the main window. Runs sandboxed (only `electron` can be
// required at run time; everything else is bundled into out/preload/index.cjs)
// and exposes exactly one thing: window.outpost, an OutpostBridge. Raw
// ipcRenderer never reaches the page.
import { contextBridge, ipcRenderer } from 'electron';
import { createIpcBridge } from './ipc-bridge.js';

contextBridge.exposeInMainWorld('outpost', createIpcBridge(ipcRenderer));
