/**
 * The state of the embedded database's copies (`mdsync db check`) and the explicit way back to
 * one of them (`mdsync db restore --from FILE`), which keeps what it replaces aside.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SqlJsStatic } from 'sql.js';
import { UserError } from '../../../../shared/result';
import { writeFileAtomic } from '../../atomic-file';
import { countUsers, damagedCopies, headerProblem, quickCheckProblem } from './db-check';
import { backupPath } from './db-file';
import { loadSqlJs } from './sqljs';
import { acquireWriterLock, type LockOptions } from './writer-lock';

/** One copy of the database as `db check` reports it. */
export interface CopyState {
  readonly path: string;
  readonly state: 'ok' | 'damaged' | 'missing';
  /** What is wrong (damaged only), or null. */
  readonly problem: string | null;
  /** Users it holds, or null when missing or they cannot be counted. */
  readonly users: number | null;
  readonly bytes: number | null;
  /** Its modification time (ISO 8601), or null when missing. */
  readonly modified: string | null;
}

/** The database file, its backup and the damaged copies moved aside earlier. */
export interface DatabaseState {
  readonly database: CopyState;
  readonly backup: CopyState;
  readonly damaged: CopyState[];
}

/** Checks one copy: header against size, then quick_check, then counts its users. */
export function checkCopy(SQL: SqlJsStatic, file: string): CopyState {
  let bytes: Buffer;
  let modified: string;
  try {
    bytes = fs.readFileSync(file);
    modified = fs.statSync(file).mtime.toISOString();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      return { path: file, state: 'missing', problem: null, users: null, bytes: null, modified: null };
    return {
      path: file,
      state: 'damaged',
      problem: `it cannot be read (${code ?? 'error'})`,
      users: null,
      bytes: null,
      modified: null,
    };
  }
  const base = { path: file, bytes: bytes.length, modified };
  const header = headerProblem(bytes, bytes.length);
  if (header) return { ...base, state: 'damaged', problem: header, users: null };
  let db;
  try {
    db = new SQL.Database(bytes);
  } catch (err) {
    return { ...base, state: 'damaged', problem: `SQLite cannot read it: ${String(err)}`, users: null };
  }
  try {
    const problem = quickCheckProblem(db);
    const users = countUsers(db);
    return { ...base, state: problem ? 'damaged' : 'ok', problem, users };
  } finally {
    db.close();
  }
}

/** The state of a data directory's database file, its backup and the damaged copies beside them. */
export async function databaseState(file: string, wasmPath?: string): Promise<DatabaseState> {
  const SQL = await loadSqlJs(wasmPath);
  return {
    database: checkCopy(SQL, file),
    backup: checkCopy(SQL, backupPath(file)),
    damaged: damagedCopies(file).map((f) => checkCopy(SQL, f)),
  };
}

/** What `restoreDatabase` did. */
export interface Restored {
  readonly restored: CopyState;
  /** Where the database it replaced was kept, or null when there was none. */
  readonly keptAside: string | null;
}

/**
 * Puts a copy back as the database: the copy must pass the checks; under the writer lock the
 * current file (if any) is renamed to `archive.sqlite.replaced-<time>` and the copy written in
 * its place atomically. The copy itself is left where it is.
 */
export async function restoreDatabase(
  file: string,
  lockFile: string,
  from: string,
  opts: { readonly now?: () => Date; readonly lock?: LockOptions; readonly wasmPath?: string } = {},
): Promise<Restored> {
  const SQL = await loadSqlJs(opts.wasmPath);
  const source = path.resolve(from);
  if (source === path.resolve(file)) throw new UserError('usage', `${from} is the database itself; name another copy`);
  const checked = checkCopy(SQL, source);
  if (checked.state === 'missing') throw new UserError('notFound', `there is no file ${from}`);
  if (checked.state === 'damaged')
    throw new UserError('corrupt', `${from} is damaged (${checked.problem}); nothing was changed: name a sound copy`);
  const bytes = fs.readFileSync(source);
  const lock = await acquireWriterLock(lockFile, { waitMs: 5000, ...opts.lock, now: opts.now });
  try {
    let keptAside: string | null = null;
    if (fs.existsSync(file)) {
      const stamp = (opts.now?.() ?? new Date())
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z')
        .replace(/:/g, '-');
      keptAside = `${file}.replaced-${stamp}`;
      fs.renameSync(file, keptAside);
    }
    writeFileAtomic(file, bytes);
    return { restored: { ...checked, path: source }, keptAside };
  } finally {
    lock.release();
  }
}
