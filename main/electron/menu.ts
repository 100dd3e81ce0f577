// The application menu as a pure template builder. The usual roles (app,
// File, Edit, View, Window, Help) plus the app's own commands, which the
// renderer carries out: main only tells it which one was chosen (the
// 'app.command' event). Accelerators: see docs/electron.md "Menu".
import type { MenuItemConstructorOptions } from 'electron';
import { APP_COMMANDS, type AppCommand } from '../../common/ipc/contract.js';

type CommandItem = { label: string; accelerator: string; menu: 'file' | 'edit' };

/**
 * One entry per APP_COMMANDS member (the Record type makes a missing one a
 * compile error). CmdOrCtrl+R stays the View menu's reload in development
 * builds, so Sync now does not take it; Shift+S is free because Outpost has
 * no documents to "Save As".
 */
export const COMMAND_ITEMS: Record<AppCommand, CommandItem> = {
  'sync-now': { label: 'Sync now', accelerator: 'CmdOrCtrl+Shift+S', menu: 'file' },
  'add-panel': { label: 'Add panel', accelerator: 'CmdOrCtrl+Shift+N', menu: 'file' },
  find: { label: 'Find', accelerator: 'CmdOrCtrl+F', menu: 'edit' },
};

export interface MenuInput {
  platform: NodeJS.Platform;
  /** production builds drop reload and DevTools */
  isPackaged: boolean;
  appName: string;
  onCommand: (command: AppCommand) => void;
  onOpenDataFolder: () => void;
}

export function buildMenuTemplate(input: MenuInput): MenuItemConstructorOptions[] {
  const isMac = input.platform === 'darwin';
  const commands = (menu: CommandItem['menu']): MenuItemConstructorOptions[] =>
    APP_COMMANDS.filter((c) => COMMAND_ITEMS[c].menu === menu).map((command) => ({
      id: `app.command.${command}`,
      label: COMMAND_ITEMS[command].label,
      accelerator: COMMAND_ITEMS[command].accelerator,
      click: () => input.onCommand(command),
    }));
  const sep: MenuItemConstructorOptions = { type: 'separator' };

  const appMenu: MenuItemConstructorOptions[] = isMac
    ? [
        {
          label: input.appName,
          submenu: [
            { role: 'about' },
            sep,
            { role: 'services' },
            sep,
            { role: 'hide' },
            { role: 'hideOthers' },
            { role: 'unhide' },
            sep,
            { role: 'quit' },
          ],
        },
      ]
    : [];

  return [
    ...appMenu,
    { label: 'File', submenu: [...commands('file'), sep, isMac ? { role: 'close' } : { role: 'quit' }] },
    {
      label: 'Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        sep,
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        ...(isMac ? [{ role: 'pasteAndMatchStyle' } as const] : []),
        { role: 'delete' },
        { role: 'selectAll' },
        sep,
        ...commands('edit'),
      ],
    },
    {
      label: 'View',
      submenu: [
        ...(input.isPackaged ? [] : [{ role: 'reload' } as const, { role: 'forceReload' } as const, { role: 'toggleDevTools' } as const, sep]),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        sep,
        { role: 'togglefullscreen' },
      ],
    },
    {
      role: 'windowMenu',
      submenu: isMac ? [{ role: 'minimize' }, { role: 'zoom' }, sep, { role: 'front' }] : [{ role: 'minimize' }, { role: 'close' }],
    },
    {
      role: 'help',
      submenu: [{ label: 'Open data folder', click: () => input.onOpenDataFolder() }, ...(isMac ? [] : [sep, { role: 'about' } as const])],
    },
  ];
}
