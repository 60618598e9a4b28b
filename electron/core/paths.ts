/**
 * Where the product keeps its data: the same directory for the app, the CLI and browser mode.
 *
 * It matches Electron's `app.getPath('userData')` for the app name `mdsync`, so the CLI finds
 * the desktop app's settings and database without being told.
 */
import fs from 'node:fs';
import path from 'node:path';
import { makePrivateDir, type PrivateDir } from './private-dir';
import { inspectAccess, type RunProgram } from './windows-acl';

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

/** The data directory once made sure of: whether it was just made, and what the administrator should hear. */
export interface DataDirState {
  readonly created: boolean;
  /** One line when others may read it, or its access list could not be set or read; null when it is owner-only. */
  readonly warning: string | null;
}

/**
 * Creates the data directory owner-only when it does not exist: mode 0700, or on Windows an access
 * list of the running account and SYSTEM only (`windows-acl.ts`). On an existing directory, tells
 * whether other users of the machine can read it, so the caller can warn.
 */
export function ensureDataDir(
  dataDir: string,
  platform: NodeJS.Platform = process.platform,
  runProgram?: RunProgram,
): DataDirState {
  const made = makePrivateDir(dataDir, platform, runProgram);
  if (platform === 'win32') return { created: made.created, warning: windowsWarning(dataDir, made, runProgram) };
  const created = made.created;
  const mode = fs.statSync(dataDir).mode & 0o777;
  if ((mode & 0o077) === 0) return { created, warning: null };
  const octal = mode.toString(8).padStart(4, '0');
  return {
    created,
    warning: `the data directory ${dataDir} can be read by other users of this machine (mode ${octal}); make it owner-only: chmod 700 ${dataDir}`,
  };
}

function windowsWarning(dataDir: string, made: PrivateDir, runProgram: RunProgram | undefined): string | null {
  const acl = made.acl ?? inspectAccess(dataDir, runProgram);
  if (acl.problem)
    return `the access list of the data directory ${dataDir} could not be ${made.created ? 'set' : 'read'} (${acl.problem}); make it readable by the service account only${acl.fix ? `: ${acl.fix}` : ''}`;
  if (acl.otherReaders.length === 0) return null;
  return `the data directory ${dataDir} can be read by other users of this machine (${acl.otherReaders.join(', ')}); make it owner-only: ${acl.fix}`;
}
