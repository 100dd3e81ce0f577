/// <reference types="svelte" />
/// <reference types="vite/client" />
import type { OutpostBridge } from '../../common/ipc/bridge.js';

declare global {
  interface Window {
    /** Installed by the Electron preload; absent in browser mode. */
    outpost?: OutpostBridge;
  }
}
