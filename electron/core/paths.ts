/**
 * Where the product keeps its data: the same directory for the app, the CLI and browser mode.
 *
 * It matches Electron's `app.getPath('userData')` for the app name `mdsync`, so the CLI finds
 * the desktop app's settings and database without being told.
 */
import path from 'node:path';

/** The app name that names the data directory. */
export const APP_NAME = 'mdsync';

/** Electron's userData directory for `mdsync` on a platform, from its environment. */
export function defaultDataDir(
  platform: NodeJS.Platform,
  env: Readonly<Record<string, string | undefined>>,
  homeDir: string,
): string {
  if (platform === 'win32') {
    const appData = env.APPDATA ?? path.win32.join(homeDir, 'AppData', 'Roaming');
    return path.win32.join(appData, APP_NAME);
  }
  if (platform === 'darwin') return path.posix.join(homeDir, 'Library', 'Application Support', APP_NAME);
  const config =
    env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.length > 0 ? env.XDG_CONFIG_HOME : path.posix.join(homeDir, '.config');
  return path.posix.join(config, APP_NAME);
}

/** Files inside the data directory. */
export function dataFiles(dataDir: string) {
  return {
    /** The settings document, in electron-store's (conf's) format and file name. */
    settings: path.join(dataDir, 'config.json'),
    /** Secrets encrypted with Electron's safeStorage. */
    secrets: path.join(dataDir, 'secrets.json'),
    /** The archive's user database (SQLite). */
    database: path.join(dataDir, 'archive.sqlite'),
    /** The one-writer lock of the database. */
    lock: path.join(dataDir, 'archive.lock'),
    /** The administrator's log. */
    log: path.join(dataDir, 'mdsync.log'),
  };
}
