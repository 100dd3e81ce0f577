// Applies security.ts's decisions to every webContents and to the session:
// no new windows, no navigation away from app://outpost, no <webview>, no
// permissions. Runs for every webContents the app ever creates
// (app 'web-contents-created'), not only the main window.
import type { Session, WebContents } from 'electron';
import { decidePermission, isAllowedNavigation, isSafeExternalUrl } from './security.js';

/** shell.openExternal, looked up at call time (index.ts passes `(url) => shell.openExternal(url)`). */
type OpenExternal = (url: string) => Promise<void>;

function openIfSafe(url: string, openExternal: OpenExternal): void {
  // Only https links with a plain DNS host leave the app, and then to the
  // person's browser, never into an Electron window.
  if (isSafeExternalUrl(url)) void openExternal(url).catch((error: unknown) => console.warn('outpost: could not open', url, error));
}

export function hardenWebContents(contents: WebContents, openExternal: OpenExternal): void {
  contents.setWindowOpenHandler(({ url }) => {
    openIfSafe(url, openExternal);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event) => {
    if (isAllowedNavigation(event.url)) return;
    event.preventDefault();
    openIfSafe(event.url, openExternal);
  });
  contents.on('will-frame-navigate', (event) => {
    if (!isAllowedNavigation(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isAllowedNavigation(event.url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
}

export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(decidePermission(permission, details.requestingUrl));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => decidePermission(permission, requestingOrigin));
  // HID, serial, USB: also refused.
  session.setDevicePermissionHandler(() => false);
}
