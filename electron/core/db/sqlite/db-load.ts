/**
 * Loading the database file, checked: what a damaged or missing file means for a reading
 * connection (a sentence, nothing changed) and for a writing one (the damage moved aside, never
 * overwritten, and the backup used, with how many users each copy holds).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SqlJsStatic } from 'sql.js';
import { UserError } from '../../../../shared/result';
import { fsyncDir } from '../../atomic-file';
import { countUsers, damagedPath, signsOfHistory, usersPhrase } from './db-check';
import { backupPath, openChecked, readWithRoom, stampOf } from './db-file';
import type { Database } from 'sql.js';
import type { FileStamp } from './db-file';
import type { DbFallback } from '../../../../shared/db-notice';

/** A database read from disk. */
export interface LoadedDatabase {
  /** null when neither the file nor its backup exists (a new data directory). */
  readonly db: Database | null;
  /** Bytes the in-memory file holds before it must grow (0 without a database). */
  readonly capacity: number;
  /** The stamp of the main file as it was when read (null when missing or moved aside). */
  readonly stamp: FileStamp | null;
  /** True when the content came from the backup because the main file was missing or damaged. */
  readonly fromBackup: boolean;
  /** What an administrator should hear about (a damaged file moved aside), or null. */
  readonly warning: string | null;
  /** The same as facts for the administrators' banner, or null. */
  readonly fallback?: DbFallback | null;
}

/** How to load: a reading connection never moves or replaces a file, a writing one may. */
export interface LoadOptions {
  /** `read`: damage or a missing file is reported, nothing else; `write`: damage is moved aside and the backup used. */
  readonly mode: 'read' | 'write';
  readonly now?: () => Date;
  /** Make a new database even where the data directory shows it had one (`--new-database`). */
  readonly allowNew?: boolean;
}

const WHAT_TO_DO = 'see "mdsync db check", and "mdsync db restore --from FILE" to put a good copy back';

/** Refuses to make a new, empty database where the data directory shows it had one. */
function refuseNew(file: string, opts: LoadOptions): void {
  if (opts.allowNew) return;
  const signs = signsOfHistory(file);
  if (signs.length === 0) return;
  throw new UserError(
    'corrupt',
    `the user database ${file} and its backup are missing, though ${path.dirname(file)} has had one (${signs.join(', ')}); ` +
      `nothing was made: put a copy back with "mdsync db restore --from FILE", or start an empty one with "mdsync db init"`,
  );
}

/**
 * The users a damaged image still shows, for messages (null when it cannot tell). A damaged
 * magic string (the first 16 bytes) is put right in a copy first: the pages after it may be sound.
 */
function usersIn(SQL: SqlJsStatic, bytes: Uint8Array): number | null {
  const count = (image: Uint8Array): number | null => {
    try {
      const db = new SQL.Database(image);
      try {
        return countUsers(db);
      } finally {
        db.close();
      }
    } catch {
      return null;
    }
  };
  const direct = count(bytes);
  if (direct !== null || bytes.length < 100) return direct;
  const patched = Uint8Array.from(bytes);
  patched.set(Buffer.from('SQLite format 3\u0000', 'latin1'), 0);
  return count(patched);
}

/** Renames a damaged main file aside (kept until an administrator removes it); returns its new path. */
function moveAside(file: string, now: Date): string {
  const aside = damagedPath(file, now);
  try {
    fs.renameSync(file, aside);
  } catch (err) {
    throw new UserError(
      'unreadable',
      `cannot move the damaged user database ${file} aside: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
  fsyncDir(path.dirname(file));
  return aside;
}

/**
 * Reads the database, checked. A reading connection reports a damaged or missing file in one
 * sentence and changes nothing; a writing one moves a damaged file aside (never overwriting it)
 * and falls back to the backup, saying how many users each copy holds. Nothing on disk and no
 * sign of an earlier database: db null (a new data directory).
 */
export function loadDatabase(SQL: SqlJsStatic, file: string, opts: LoadOptions = { mode: 'write' }): LoadedDatabase {
  const stamp = stampOf(file);
  const bytes = readWithRoom(file);
  let problem: string | null = null;
  if (bytes) {
    const opened = openChecked(SQL, bytes);
    if (!('problem' in opened)) return { ...opened, stamp, fromBackup: false, warning: null };
    problem = opened.problem;
  }
  const bak = backupPath(file);
  const none = { db: null, capacity: 0, stamp, fromBackup: false, warning: null };
  if (opts.mode === 'read') {
    if (problem !== null)
      throw new UserError(
        'corrupt',
        `the user database ${file} is damaged (${problem}); nothing was changed: ${WHAT_TO_DO}`,
      );
    if (fs.existsSync(bak))
      throw new UserError(
        'corrupt',
        `the user database ${file} is missing but its backup is there; nothing was changed: ${WHAT_TO_DO}`,
      );
    refuseNew(file, opts);
    return none;
  }
  const bakBytes = readWithRoom(bak);
  if (!bakBytes) {
    if (problem === null) {
      refuseNew(file, opts);
      return none;
    }
    throw new UserError(
      'corrupt',
      `the user database ${file} is damaged (${problem}) and there is no backup; nothing was changed: ${WHAT_TO_DO}`,
    );
  }
  const opened = openChecked(SQL, bakBytes);
  if ('problem' in opened) {
    const main = problem === null ? 'is missing' : `is damaged (${problem})`;
    throw new UserError(
      'corrupt',
      `the user database ${file} ${main} and its backup is damaged too (${opened.problem}); nothing was changed: ${WHAT_TO_DO}`,
    );
  }
  const now = opts.now?.() ?? new Date();
  const backupCount = countUsers(opened.db);
  const backupUsers = usersPhrase(backupCount);
  let fallback: DbFallback = {
    at: now.toISOString(),
    database: path.basename(file),
    problem: null,
    damagedCopy: null,
    damagedUsers: null,
    backup: path.basename(bak),
    backupUsers: backupCount,
  };
  let warning = `the user database ${path.basename(file)} is missing; its backup ${path.basename(bak)} (${backupUsers}) is used from now on (changes made since it are lost)`;
  if (bytes && problem !== null) {
    const damagedCount = usersIn(SQL, bytes);
    const damagedUsers = usersPhrase(damagedCount);
    const aside = moveAside(file, now);
    fallback = { ...fallback, problem, damagedCopy: path.basename(aside), damagedUsers: damagedCount };
    warning =
      `the user database ${path.basename(file)} is damaged (${problem}): it was moved aside to ${path.basename(aside)} (${damagedUsers}) ` +
      `and its backup ${path.basename(bak)} (${backupUsers}) is used from now on; ` +
      `"mdsync db restore --from ${aside}" puts the damaged copy back`;
  }
  return { ...opened, stamp: null, fromBackup: true, warning, fallback };
}
