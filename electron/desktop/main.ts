/**
 * The Electron main process: hands the real Electron API and the Electron-backed stores to the
 * app's wiring (electron/desktop/wiring.ts), which a test runs against a stand-in.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// main only hands ipcMain to the IPC layer (electron/desktop/electron-ipc.ts), which registers the channels.
// eslint-disable-next-line no-restricted-imports
import { app, BrowserWindow, Menu, dialog, ipcMain, protocol, session, shell } from 'electron';
import { pickFolder } from './adapters/dialog';
import { createSafeStorageSecretStore } from './adapters/safe-storage';
import { createElectronSettingsStore } from './adapters/settings';
import { startApp } from './wiring';
import { VERSION } from '../version';

void startApp(
  { app, BrowserWindow, Menu, dialog, ipcMain, protocol, session, shell },
  {
    here: path.dirname(fileURLToPath(import.meta.url)),
    argv: process.argv,
    platform: process.platform,
    version: VERSION,
    settingsStore: createElectronSettingsStore,
    secretStore: createSafeStorageSecretStore,
    browseFolder: pickFolder,
  },
).catch((err: unknown) => {
  console.error(`mdsync: the app could not start: ${err instanceof Error ? err.message : String(err)}`);
  app.quit();
});
