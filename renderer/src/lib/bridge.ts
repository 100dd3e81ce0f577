// The one place that picks the transport: the Electron preload's window.outpost
// when present, otherwise browser mode's HTTP bridge.
import { createApi, type OutpostBridge } from '../../../common/ipc/bridge.js';
import { createHttpBridge } from '../bridge/http.js';

export function getBridge(): OutpostBridge {
  return window.outpost ?? createHttpBridge();
}

export const bridge = getBridge();
export const api = createApi(bridge);
