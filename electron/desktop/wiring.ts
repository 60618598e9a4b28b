/**
 * The Electron main process's wiring, given Electron's API as an object: electron/desktop/main.ts passes
 * the real module, and a test passes a recording stand-in and runs the same wiring in plain Node
 * (window options, the app:// protocol, the permission, navigation and window-open handlers, the
 * IPC registration) where no Electron binary can be had.
 *
 * One instance; one window serving the renderer from app://mdsync with a strict CSP; the IPC
 * contract registered over the same services as browser mode and the CLI, or forwarded to an
 * `mdsync server` when one is chosen on the logon screen.
 */
import fs from 'node:fs';
import path from 'node:path';
import { EVENT_NAMES } from '../../shared/contract';
import { createFileLogger, type Logger } from '../core/logger';
import { dataFiles } from '../core/paths';
import { createConnectionManager, type ConnectionManager } from '../core/remote/connection-manager';
import { createServerStore } from '../core/remote/server-store';
import type { SecretStore } from '../core/secret-store';
import type { SettingsStore } from '../core/settings-store';
import {
  APP_SCHEME,
  guardContents,
  rendererResponse,
  windowPreferences,
  type GuardedContents,
} from './wiring-renderer';
import { menuTemplate } from './wiring-menu';
import { createHandlers } from '../api/handlers';
import { desktopConnectionHandlers } from '../api/handlers/connection';
import { APP_ORIGIN, registerIpc, type IpcMainLike, type IpcRegistration } from './electron-ipc';
import { createServices, type Services } from '../app/services';

/** A window, as far as the wiring uses it. */
export interface WindowLike {
  isMinimized(): boolean;
  restore(): void;
  focus(): void;
  show(): void;
  once(event: 'ready-to-show', listener: () => void): unknown;
  loadURL(url: string): Promise<void>;
}

/** The parts of Electron's API the main process uses. */
export interface ElectronApi {
  readonly app: {
    setPath(name: 'userData', path: string): void;
    getPath(name: 'userData'): string;
    requestSingleInstanceLock(): boolean;
    quit(): void;
    on(event: string, listener: (...args: never[]) => void): unknown;
    whenReady(): Promise<unknown>;
  };
  readonly BrowserWindow: {
    new (options: Electron.BrowserWindowConstructorOptions): WindowLike;
    getAllWindows(): WindowLike[];
  };
  readonly Menu: {
    buildFromTemplate(template: Electron.MenuItemConstructorOptions[]): unknown;
    setApplicationMenu(menu: never): void;
  };
  readonly protocol: {
    registerSchemesAsPrivileged(schemes: Electron.CustomScheme[]): void;
    handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
  };
  readonly session: {
    readonly defaultSession: {
      setPermissionRequestHandler(
        handler: (wc: unknown, permission: string, callback: (granted: boolean) => void) => void,
      ): void;
      setPermissionCheckHandler(handler: () => boolean): void;
    };
  };
  readonly shell: { openPath(path: string): Promise<string> };
  readonly dialog: { showMessageBox(win: never, options: Electron.MessageBoxOptions): Promise<unknown> };
  readonly ipcMain: IpcMainLike;
}

/** What is not Electron's API: where the bundle lives, and the stores only Electron can back. */
export interface WiringDeps {
  /** The directory of the main bundle (dist/electron): the renderer and preload are found from it. */
  readonly here: string;
  readonly argv: readonly string[];
  readonly platform: NodeJS.Platform;
  readonly version: string;
  readonly settingsStore: (dataDir: string) => SettingsStore;
  readonly secretStore: (file: string) => SecretStore;
  readonly browseFolder?: (start: string) => Promise<string | null>;
}

/** The running app (for the tests and quitting). */
export interface RunningApp {
  readonly win: WindowLike;
  readonly services: Services;
  readonly connection: ConnectionManager;
  readonly ipc: IpcRegistration;
  readonly logger: Logger;
}

/** Wires the app; resolves with the running app once its window loads (null for a second instance). */
export function startApp(e: ElectronApi, deps: WiringDeps): Promise<RunningApp | null> {
  const dataDirArg = deps.argv.find((a) => a.startsWith('--data-dir='))?.slice('--data-dir='.length);
  if (dataDirArg) e.app.setPath('userData', path.resolve(dataDirArg));

  e.protocol.registerSchemesAsPrivileged([{ ...APP_SCHEME, privileges: { ...APP_SCHEME.privileges } }]);

  if (!e.app.requestSingleInstanceLock()) {
    e.app.quit();
    return Promise.resolve(null);
  }
  e.app.on('second-instance', () => {
    const win = e.BrowserWindow.getAllWindows()[0];
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  e.app.on('window-all-closed', () => e.app.quit());
  e.app.on('web-contents-created', (_event: unknown, contents: GuardedContents) => guardContents(contents));
  return e.app.whenReady().then(() => start(e, deps));
}

async function start(e: ElectronApi, deps: WiringDeps): Promise<RunningApp> {
  const rendererDir = path.resolve(deps.here, '../renderer');
  const iconPath = path.resolve(deps.here, '../icon.png');
  const sampleDir = path.resolve(deps.here, '../../build-resources/sample-app');
  const dataDir = e.app.getPath('userData');
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const logger = createFileLogger(dataFiles(dataDir).log);
  e.session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  e.session.defaultSession.setPermissionCheckHandler(() => false);
  e.protocol.handle('app', (request) => rendererResponse(rendererDir, request.url));

  const services = await createServices({
    mode: 'electron',
    dataDir,
    version: deps.version,
    platform: deps.platform,
    logger,
    settings: deps.settingsStore(dataDir),
    secrets: deps.secretStore(dataFiles(dataDir).secrets),
    browseFolder: deps.browseFolder,
    sampleAppDir: fs.existsSync(path.join(sampleDir, 'USERLIST.DAT')) ? sampleDir : null,
  });

  const events = new Set<string>(EVENT_NAMES);
  let ipc: IpcRegistration | null = null;
  const connection = createConnectionManager({
    store: createServerStore(dataDir, (w) => logger.log('warn', w)),
    logger,
    onEvent: (event, payload) => {
      if (events.has(event)) ipc?.broadcast(event, payload);
    },
    onTargetChanged: () => ipc?.endLocalSessions(),
  });
  ipc = registerIpc({
    ipcMain: e.ipcMain,
    handlers: { ...createHandlers(services), ...desktopConnectionHandlers(connection) },
    logger,
    onSession: (session, emit) => services.trackSession(session, emit),
    remote: async () => {
      await connection.settled();
      return connection.remote();
    },
  });
  void connection.restore();

  const win = new e.BrowserWindow({
    width: 1180,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'mdsync',
    show: false,
    icon: fs.existsSync(iconPath) ? iconPath : undefined,
    webPreferences: windowPreferences(path.join(deps.here, 'preload.cjs')),
  });
  const menu = menuTemplate({
    platform: deps.platform,
    version: deps.version,
    dataDir,
    openPath: (p) => void e.shell.openPath(p),
    about: (message, detail) =>
      void e.dialog.showMessageBox(win as never, { type: 'info', title: 'About mdsync', message, detail }),
  });
  e.Menu.setApplicationMenu(e.Menu.buildFromTemplate(menu) as never);
  win.once('ready-to-show', () => win.show());
  e.app.on('before-quit', () => {
    connection.close();
    void services.close();
  });
  await win.loadURL(`${APP_ORIGIN}/`);
  return { win, services, connection, ipc, logger };
}
