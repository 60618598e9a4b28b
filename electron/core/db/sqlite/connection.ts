/**
 * One process's connection to the user database file: an in-memory sql.js database kept in
 * step with the file, all-or-nothing commits, and the cross-process writer lock.
 *
 * sql.js works on memory, so a commit is: run the body inside BEGIN/COMMIT, export, persist the
 * whole file crash-safely. A failing body or a failing write leaves memory and disk as they were.
 * Before every read and under the lock before every write the file's stamp is checked, and a
 * file another process rewrote (the CLI while the app runs) is reloaded.
 *
 * A transaction about to add much (a first synchronization) says so through Sql.reserve before
 * its first write; when the in-memory file lacks the room, the connection reopens the same
 * committed image with the room after it (db-file.ts tells why that matters).
 */
import path from 'node:path';
import type { Database, SqlJsStatic } from 'sql.js';
import { UserError } from '../../../../shared/result';
import type { DbFallback, LockTakeover } from '../../../../shared/db-notice';
import { loadSqlJs } from './sqljs';
import { SCHEMA_VERSION } from '../store-common';
import { checkForeignKeys, configureConnection, migrate, schemaVersion } from './schema';
import { type FileStamp, cleanLeftovers, openImage, persistDatabase, sameStamp, stampOf } from './db-file';
import { fileHeaderProblem } from './db-check';
import { loadDatabase } from './db-load';
import { acquireWriterLock } from './writer-lock';
import type { RepositoryOptions } from '../port';
import { Sql } from './sql';
import { makePrivateDir } from '../../private-dir';

/** The body of a transaction: synchronous, given the statements helper and the commit's time. */
export type TxBody<T> = (sql: Sql, now: string) => T;

/** What a holder of the writer lock can do: commit transactions without re-locking. */
export interface WriterSession {
  transaction<T>(fn: TxBody<T>): T;
}

/**
 * How to open a connection: the repository's own options (wasm binary, clock, lock, warnings; a
 * reading connection never creates, migrates on disk, moves aside or falls back, and its only
 * write is a commit onto a file that passed the checks, or into an empty directory), and where.
 */
export interface ConnectionOptions extends Pick<
  RepositoryOptions,
  'wasmPath' | 'now' | 'lock' | 'onWarning' | 'readOnly' | 'allowNew'
> {
  /** The database file (dataFiles(dir).database). */
  readonly file: string;
  /** The lock file (dataFiles(dir).lock). */
  readonly lockFile: string;
}

/** Below this many bytes a reservation is not worth reopening the database for. */
const MIN_RESERVE = 1 << 20;

function firstNumber(db: Database, sql: string): number {
  const v = db.exec(sql)[0]?.values[0]?.[0];
  return typeof v === 'number' ? v : 0;
}

/** The size of the database image: its pages, not the room after them. */
function imageSize(db: Database): number {
  return firstNumber(db, 'PRAGMA page_count') * firstNumber(db, 'PRAGMA page_size');
}

/** A connection to the database file. */
export class DbConnection {
  private readonly sqlHelper: Sql;
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Whether the main file on disk is known good (false after falling back to the backup). */
  private mainGood: boolean;
  /** total_changes() when the running transaction's body started; null outside a body or after a migration. */
  private txMark: number | null = null;
  readonly warnings: string[] = [];
  /** The same as facts, for the administrators' banner (`db:state`). */
  readonly fallbacks: DbFallback[] = [];
  /** Writer locks taken over from a dead holder (also logged), for the same banner. */
  readonly lockTakeovers: LockTakeover[] = [];

  private constructor(
    private readonly SQL: SqlJsStatic,
    private db: Database,
    /** Bytes the in-memory file holds before sql.js grows it by copying (a lower bound). */
    private capacity: number,
    private stamp: FileStamp | null,
    fromBackup: boolean,
    private readonly opts: ConnectionOptions,
  ) {
    configureConnection(db);
    this.sqlHelper = new Sql(db, { reserve: (bytes) => this.reserveRoom(bytes) });
    this.mainGood = !fromBackup;
  }

  /** Opens (and on first use creates, or migrates) the database. */
  static async open(opts: ConnectionOptions): Promise<DbConnection> {
    const SQL = await loadSqlJs(opts.wasmPath);
    makePrivateDir(path.dirname(opts.file)); // the data directory: owner-only
    const loaded = loadDatabase(SQL, opts.file, loadOptions(opts));
    const conn = new DbConnection(
      SQL,
      loaded.db ?? new SQL.Database(),
      loaded.capacity,
      loaded.stamp,
      loaded.fromBackup,
      opts,
    );
    if (loaded.warning) conn.warn(loaded.warning);
    if (loaded.fallback) conn.fallbacks.push(loaded.fallback);
    const version = schemaVersion(conn.db);
    if (version > SCHEMA_VERSION) {
      conn.close();
      throw new UserError(
        'config',
        `the user database was written by a newer mdsync (schema ${version}); update mdsync`,
      );
    }
    if (!loaded.db || version < SCHEMA_VERSION) {
      // A reading connection migrates (or seeds) its memory only; the file stays as it is.
      if (opts.readOnly) migrate(conn.db, conn.now());
      else await conn.transaction(() => undefined);
    } else if (loaded.fromBackup && !opts.readOnly) {
      // The backup in use is written back as the database file at once, so that the commands
      // that only read (and the next start) find one, not a missing file beside its backup.
      await conn.transaction(() => undefined);
    }
    return conn;
  }

  private warn(message: string): void {
    this.warnings.push(message);
    this.opts.onWarning?.(message);
  }

  /** A lock taken over from a dead holder: to the lock log (the app's) or a warning (the CLI's), and kept. */
  lockTakenOver(message: string): void {
    this.lockTakeovers.push({ at: this.now(), message });
    if (this.opts.lock?.log) this.opts.lock.log(message);
    else this.warn(message);
  }

  private now(): string {
    return (this.opts.now?.() ?? new Date()).toISOString();
  }

  /** The statements helper for reading, after picking up changes other processes committed. */
  reader(): Sql {
    this.refresh();
    return this.sqlHelper;
  }

  /** Reloads the file when another process rewrote it since we last read or wrote it. */
  refresh(): void {
    if (this.closed) throw new Error('the user database is closed');
    const current = stampOf(this.opts.file);
    if (current === null || sameStamp(current, this.stamp)) return;
    this.replaceFromDisk();
  }

  private replaceFromDisk(): void {
    const loaded = loadDatabase(this.SQL, this.opts.file, loadOptions(this.opts));
    if (loaded.warning) this.warn(loaded.warning);
    if (loaded.fallback) this.fallbacks.push(loaded.fallback);
    const next = loaded.db ?? new this.SQL.Database();
    const version = schemaVersion(next);
    if (version > SCHEMA_VERSION) {
      next.close();
      throw new UserError(
        'config',
        `the user database was written by a newer mdsync (schema ${version}); update mdsync`,
      );
    }
    this.swap(next, loaded.capacity);
    this.stamp = loaded.stamp;
    this.mainGood = !loaded.fromBackup;
  }

  /** Uses `next` from now on (the same connection settings, new statements). */
  private swap(next: Database, capacity: number): void {
    this.sqlHelper.rebind(next);
    this.db.close();
    this.db = next;
    this.capacity = capacity;
    configureConnection(next);
  }

  /**
   * Makes room for `bytes` more in the in-memory file, from inside a transaction body that has
   * written nothing yet: the empty transaction is rolled back, the committed image reopened with
   * the room, and a new transaction begun. Growing in place costs about log(1 + bytes/size) / log(1.125)
   * copies of the file, a reopen three, so small additions to a large file grow in place.
   */
  private reserveRoom(bytes: number): void {
    if (this.txMark === null || bytes < MIN_RESERVE) return;
    const size = imageSize(this.db);
    // Half again as much: untouched room costs no memory, an underestimate a copy of the file.
    const wanted = size + bytes + (bytes >> 1);
    if (wanted <= this.capacity || bytes < size / 2) return;
    if (firstNumber(this.db, 'SELECT total_changes()') !== this.txMark) return;
    this.db.run('ROLLBACK');
    try {
      const image = this.db.export();
      const opened = openImage(this.SQL, image, wanted);
      this.swap(opened.db, opened.capacity);
    } finally {
      this.db.run('BEGIN');
      this.txMark = firstNumber(this.db, 'SELECT total_changes()');
    }
  }

  /** Runs `fn` all or nothing and persists once; waits for the writer lock first. */
  async transaction<T>(fn: TxBody<T>): Promise<T> {
    return this.exclusive((session) => Promise.resolve(session.transaction(fn)));
  }

  /**
   * Holds the writer lock (and this connection's turn) across `fn`: a synchronization plans and
   * applies with no other writer in between. Throws UserError('busy') when the lock stays taken.
   */
  async exclusive<T>(fn: (session: WriterSession) => Promise<T>): Promise<T> {
    return this.serialize(async () => {
      const lock = await acquireWriterLock(this.opts.lockFile, {
        waitMs: 5000,
        ...this.opts.lock,
        now: this.opts.now,
        log: (message) => this.lockTakenOver(message),
      });
      try {
        this.refresh();
        cleanLeftovers(this.opts.file);
        return await fn({ transaction: (body) => this.commit(body) });
      } finally {
        lock.release();
      }
    });
  }

  /** Commits one transaction; only ever called by a session, that is with the writer lock held. */
  private commit<T>(fn: TxBody<T>): T {
    if (this.closed) throw new Error('the user database is closed');
    const now = this.now();
    this.db.run('BEGIN');
    let result: T;
    try {
      const migrated = migrate(this.db, now, true);
      this.txMark = migrated ? null : firstNumber(this.db, 'SELECT total_changes()');
      result = fn(this.sqlHelper, now);
      this.txMark = null;
      if (result instanceof Promise) throw new Error('a transaction body must be synchronous');
      // the body may have reopened the database (reserveRoom): from here on use this.db
      checkForeignKeys(this.db);
      this.db.run('COMMIT');
    } catch (err) {
      this.txMark = null;
      rollback(this.db);
      throw err;
    }
    try {
      const onDisk = stampOf(this.opts.file);
      // Only a file that passed the checks when read, unchanged since and whole now, becomes the backup.
      const keepBackup =
        this.mainGood && onDisk !== null && sameStamp(onDisk, this.stamp) && fileHeaderProblem(this.opts.file) === null;
      this.stamp = persistDatabase(this.opts.file, this.db.export(), keepBackup);
      this.capacity = Math.max(this.capacity, imageSize(this.db));
      this.mainGood = true;
    } catch (err) {
      // Memory holds a state the disk does not: go back to the file's.
      this.stamp = null;
      this.replaceFromDisk();
      throw err;
    }
    return result;
  }

  private async serialize<T>(fn: () => Promise<T>): Promise<T> {
    const prev = this.tail;
    let done!: () => void;
    this.tail = new Promise<void>((resolve) => (done = resolve));
    try {
      await prev.catch(() => undefined);
      return await fn();
    } finally {
      done();
    }
  }

  /** Frees the in-memory database; the file stays as last committed. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sqlHelper.free();
    this.db.close();
  }
}

function loadOptions(opts: ConnectionOptions) {
  return { mode: opts.readOnly ? ('read' as const) : ('write' as const), now: opts.now, allowNew: opts.allowNew };
}

function rollback(db: Database): void {
  try {
    db.run('ROLLBACK');
  } catch {
    // no transaction was open
  }
}
