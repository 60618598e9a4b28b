/** The application menu: File, Edit, View and Help (data directory, About). */

/** What the menu needs from Electron and the app. */
export interface MenuDeps {
  readonly platform: NodeJS.Platform;
  readonly version: string;
  readonly dataDir: string;
  openPath(path: string): void;
  about(message: string, detail: string): void;
}

/** The menu template (Menu.buildFromTemplate's input). */
export function menuTemplate(d: MenuDeps): Electron.MenuItemConstructorOptions[] {
  return [
    ...(d.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    { label: 'File', submenu: [{ role: 'quit' }] },
    {
      label: 'Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    {
      label: 'Help',
      submenu: [
        { label: 'Open Data Directory', click: () => d.openPath(d.dataDir) },
        {
          label: 'About mdsync',
          click: () =>
            d.about(`mdsync ${d.version}`, `Keeps the archive's users in step with MDaemon.\nData: ${d.dataDir}`),
        },
      ],
    },
  ];
}
