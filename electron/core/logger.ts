/**
 * The administrator's log: one line per event, appended to mdsync.log in the data directory.
 *
 * Callers pass messages that never hold a password; nothing here reads request data on its own.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Log levels, quietest last. */
export type LogLevel = 'error' | 'warn' | 'info';

/** The one logger of a process. */
export interface Logger {
  log(level: LogLevel, message: string): void;
}

/** A logger appending to a file (created on first use); write failures are ignored, never thrown. */
export function createFileLogger(file: string, now: () => Date = () => new Date()): Logger {
  let ready = false;
  return {
    log(level, message) {
      try {
        if (!ready) {
          fs.mkdirSync(path.dirname(file), { recursive: true });
          ready = true;
        }
        const line = `${now().toISOString()} ${level.toUpperCase()} ${message.replace(/[\r\n]+/g, ' ')}\n`;
        fs.appendFileSync(file, line, { mode: 0o600 });
      } catch {
        // A log that cannot be written must not break a logon or a synchronization.
      }
    },
  };
}

/** A logger that keeps lines in memory, for tests. */
export function createMemoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, log: (level, message) => lines.push(`${level} ${message}`) };
}
