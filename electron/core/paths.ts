/**
 * Where the product keeps its data: the same directory for the app, the CLI and browser mode.
 *
 * It matches Electron's `app.getPath('userData')` for the app name `mdsync`, so the CLI finds
 * the desktop app's settings and database without being told.
 */
import fs from 'node:fs';
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

/**
 * Creates the data directory owner-only (0700) when it does not exist; tells whether other users
 * of the machine can read it (group or other bits, outside Windows) so the caller can warn.
 */
export function ensureDataDir(dataDir: string): { created: boolean; readableByOthers: boolean; mode: string } {
  const created = !fs.existsSync(dataDir);
  if (created) {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    if (process.platform !== 'win32') fs.chmodSync(dataDir, 0o700); // whatever the umask was
  }
  const mode = fs.statSync(dataDir).mode & 0o777;
  return {
    created,
    readableByOthers: process.platform !== 'win32' && (mode & 0o077) !== 0,
    mode: mode.toString(8).padStart(4, '0'),
  };
}
