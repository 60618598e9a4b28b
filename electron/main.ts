/**
 * The Electron main process: composition root of the desktop app.
 *
 * One instance; one window serving the renderer from app://mdsync with a strict CSP; the IPC
 * contract registered over the same services as browser mode and the CLI.
 */
import path from 'node:path';
import fs from 'node:fs';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, Menu, protocol, session, shell, dialog } from 'electron';
import { createFileLogger } from './core/logger';
import { dataFiles } from './core/paths';
import { createServices } from './services';
import { createHandlers } from './ipc/handlers';
import { APP_ORIGIN, registerIpc } from './ipc/electron-ipc';
import { createSafeStorageSecretStore } from './adapters/safe-storage';
import { createElectronSettingsStore } from './adapters/settings';
import { pickFolder } from './adapters/dialog';
import { contentType } from './web/content-types';
import { buildCsp, injectNonce } from './web/csp';
import { VERSION } from './version';

const here = path.dirname(fileURLToPath(import.meta.url));
const rendererDir = path.resolve(here, '../renderer');
const iconPath = path.resolve(here, '../icon.png');
const sampleDir = path.resolve(here, '../../build-resources/sample-app');

const dataDirArg = process.argv.find((a) => a.startsWith('--data-dir='))?.slice('--data-dir='.length);
if (dataDirArg) app.setPath('userData', path.resolve(dataDirArg));

protocol.registerSchemesAsPrivileged([
  { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    const win = BrowserWindow.getAllWindows()[0];
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  app.on('window-all-closed', () => app.quit());
  app.on('web-contents-created', (_e, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-navigate', (event, url) => {
      if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
  void app.whenReady().then(start);
}

function serveRenderer(): void {
  protocol.handle('app', (request) => {
    const url = new URL(request.url);
    if (url.host !== 'mdsync') return new Response('not found', { status: 404 });
    const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
    const file = path.normalize(path.join(rendererDir, rel));
    if (!file.startsWith(rendererDir + path.sep) || !fs.existsSync(file))
      return new Response('not found', { status: 404 });
    if (rel === 'index.html') {
      const nonce = crypto.randomBytes(16).toString('base64');
      return new Response(injectNonce(fs.readFileSync(file, 'utf8'), nonce), {
        headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': buildCsp(nonce) },
      });
    }
    return new Response(fs.readFileSync(file), { headers: { 'content-type': contentType(file) } });
  });
}

function buildMenu(win: BrowserWindow): void {
  const template: Electron.MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
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
        {
          label: 'Open Data Directory',
          click: () => void shell.openPath(app.getPath('userData')),
        },
        {
          label: 'About mdsync',
          click: () =>
            void dialog.showMessageBox(win, {
              type: 'info',
              title: 'About mdsync',
              message: `mdsync ${VERSION}`,
              detail: `Keeps the archive's users in step with MDaemon.\nData: ${app.getPath('userData')}`,
            }),
        },
      ],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

async function start(): Promise<void> {
  const dataDir = app.getPath('userData');
  fs.mkdirSync(dataDir, { recursive: true });
  const logger = createFileLogger(dataFiles(dataDir).log);
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  serveRenderer();

  const services = await createServices({
    mode: 'electron',
    dataDir,
    version: VERSION,
    platform: process.platform,
    logger,
    settings: createElectronSettingsStore(dataDir),
    secrets: createSafeStorageSecretStore(dataFiles(dataDir).secrets),
    browseFolder: pickFolder,
    sampleAppDir: fs.existsSync(path.join(sampleDir, 'USERLIST.DAT')) ? sampleDir : null,
  });
  registerIpc(createHandlers(services), logger, (session, emit) => services.trackSession(session, emit));

  const win = new BrowserWindow({
    width: 1180,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'mdsync',
    show: false,
    icon: fs.existsSync(iconPath) ? iconPath : undefined,
    webPreferences: {
      preload: path.join(here, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  buildMenu(win);
  win.once('ready-to-show', () => win.show());
  app.on('before-quit', () => void services.close());
  await win.loadURL(`${APP_ORIGIN}/`);
}
