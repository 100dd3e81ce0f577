// The BrowserWindow options of the main window, as a pure function, so that
// the security-relevant webPreferences are asserted by a unit test rather
// than trusted. Type-only import of `electron`.
import type { BrowserWindowConstructorOptions, Rectangle } from 'electron';

export interface WindowOptionsInput {
  /** absolute path of out/preload/index.cjs */
  preloadPath: string;
  bounds: Partial<Rectangle> & { width: number; height: number };
  /** DevTools only in development builds */
  devTools: boolean;
  backgroundColor?: string;
}

export const MIN_WINDOW_SIZE = { width: 900, height: 600 } as const;

export function mainWindowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    ...input.bounds,
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    title: 'Outpost',
    // Shown on ready-to-show: no white flash, and no window before the page is ours.
    show: false,
    backgroundColor: input.backgroundColor ?? '#1e1f22',
    webPreferences: {
      preload: input.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      // Middle-click would open links in new windows; setWindowOpenHandler denies those anyway.
      disableBlinkFeatures: 'Auxclick',
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: input.devTools,
    },
  };
}
