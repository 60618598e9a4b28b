/**
 * The administrator's log: one line per event, appended to mdsync.log in the data directory.
 *
 * Callers pass messages that never hold a password; nothing here reads request data on its own.
 */
import fs from 'node:fs';
import path from 'node:path';
import { makePrivateDir } from './private-dir';

/** Log levels, quietest last. */
export type LogLevel = 'error' | 'warn' | 'info';

/** The one logger of a process. */
export interface Logger {
  log(level: LogLevel, message: string): void;
}

/** How often at most the file's identity is compared with the path's, to follow rotation. */
const REOPEN_CHECK_MS = 2000;

/**
 * A logger appending to a file (created on first use); write failures are ignored, never thrown.
 *
 * The file stays open between lines (a service writes a line per logon: opening and closing the
 * file for each cost more than the write), and each line is still written at once, so a crash
 * loses none. When the file is moved away or deleted (log rotation), the next line after at
 * most two seconds goes to a new file at the path.
 */
export function createFileLogger(file: string, now: () => Date = () => new Date()): Logger {
  let fd: number | null = null;
  let ino = 0;
  let checkedAt = 0;

  const open = () => {
    makePrivateDir(path.dirname(file));
    fd = fs.openSync(file, 'a', 0o600);
    ino = fs.fstatSync(fd).ino;
    checkedAt = now().getTime();
  };
  const close = () => {
    if (fd === null) return;
    try {
      fs.closeSync(fd);
    } catch {
      // already gone
    }
    fd = null;
  };
  const rotated = (): boolean => {
    const t = now().getTime();
    if (t - checkedAt < REOPEN_CHECK_MS) return false;
    checkedAt = t;
    try {
      return fs.statSync(file).ino !== ino;
    } catch {
      return true;
    }
  };

  return {
    log(level, message) {
      const line = `${now().toISOString()} ${level.toUpperCase()} ${message.replace(/[\r\n]+/g, ' ')}\n`;
      try {
        if (fd !== null && rotated()) close();
        if (fd === null) open();
        fs.writeSync(fd!, line);
      } catch {
        // A log that cannot be written must not break a logon or a synchronization; the next
        // line tries the file afresh.
        close();
      }
    },
  };
}

/** A logger that keeps lines in memory, for tests. */
export function createMemoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, log: (level, message) => lines.push(`${level} ${message}`) };
}
