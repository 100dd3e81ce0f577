// The About panel: the app's version and the runtime it runs on, which is
// what a bug report needs. Pure builder; index.ts calls app.setAboutPanelOptions.
import type { AboutPanelOptionsOptions } from 'electron';

export interface RuntimeVersions {
  electron?: string | undefined;
  chrome?: string | undefined;
  node?: string | undefined;
}

export function aboutPanelOptions(appVersion: string, versions: RuntimeVersions): AboutPanelOptionsOptions {
  const runtime = `Electron ${versions.electron ?? '?'} · Chrome ${versions.chrome ?? '?'} · Node ${versions.node ?? '?'}`;
  return {
    applicationName: 'Outpost',
    applicationVersion: appVersion,
    // macOS shows `version` in parentheses after applicationVersion; elsewhere it is a line of its own.
    version: runtime,
    credits: runtime,
    copyright: 'Outpost: outbound mail filtering, offline, audited, synced.',
  };
}
