/**
 * One process's connection to the user database file: an in-memory sql.js database kept in
 * step with the file, all-or-nothing commits, and the cross-process writer lock.
 *
 * sql.js works on memory, so a commit is: run the body inside BEGIN/COMMIT, export, persist the
 * whole file crash-safely. A failing body or a failing write leaves memory and disk as they were.
 * Before every read and under the lock before every write the file's stamp is checked, and a
 * file another process rewrote (the CLI while the app runs) is reloaded.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Database, SqlJsStatic } from 'sql.js';
import { UserError } from '../../../shared/result';
import { loadSqlJs } from './sqljs';
import { checkForeignKeys, configureConnection, migrate, schemaVersion, SCHEMA_VERSION } from './schema';
import { type FileStamp, cleanLeftovers, loadDatabase, persistDatabase, sameStamp, stampOf } from './db-file';
import { type LockOptions, acquireWriterLock } from './writer-lock';
import { Sql } from './sql';

/** The body of a transaction: synchronous, given the statements helper and the commit's time. */
export type TxBody<T> = (sql: Sql, now: string) => T;

/** What a holder of the writer lock can do: commit transactions without re-locking. */
export interface WriterSession {
  transaction<T>(fn: TxBody<T>): T;
}

/** How to open a connection. */
export interface ConnectionOptions {
  /** The database file (dataFiles(dir).database). */
  readonly file: string;
  /** The lock file (dataFiles(dir).lock). */
  readonly lockFile: string;
  /** sql.js's wasm binary (default: the installed package's). */
  readonly wasmPath?: string;
  readonly now?: () => Date;
  /** Lock wait and liveness options; `waitMs` defaults to 5000. */
  readonly lock?: LockOptions;
  /** Told about a damaged file and the fallback to the backup. */
  readonly onWarning?: (message: string) => void;
}

/** A connection to the database file. */
export class DbConnection {
  private sqlHelper: Sql;
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Whether the main file on disk is known good (false after falling back to the backup). */
  private mainGood: boolean;
  readonly warnings: string[] = [];

  private constructor(
    private readonly SQL: SqlJsStatic,
    private db: Database,
    private stamp: FileStamp | null,
    fromBackup: boolean,
    private readonly opts: ConnectionOptions,
  ) {
    configureConnection(db);
    this.sqlHelper = new Sql(db);
    this.mainGood = !fromBackup;
  }

  /** Opens (and on first use creates, or migrates) the database. */
  static async open(opts: ConnectionOptions): Promise<DbConnection> {
    const SQL = await loadSqlJs(opts.wasmPath);
    fs.mkdirSync(path.dirname(opts.file), { recursive: true });
    const loaded = loadDatabase(SQL, opts.file);
    const conn = new DbConnection(SQL, loaded.db ?? new SQL.Database(), loaded.stamp, loaded.fromBackup, opts);
    if (loaded.warning) conn.warn(loaded.warning);
    const version = schemaVersion(conn.db);
    if (version > SCHEMA_VERSION) {
      conn.close();
      throw new UserError(
        'config',
        `the user database was written by a newer mdsync (schema ${version}); update mdsync`,
      );
    }
    if (!loaded.db || version < SCHEMA_VERSION) await conn.transaction(() => undefined);
    return conn;
  }

  private warn(message: string): void {
    this.warnings.push(message);
    this.opts.onWarning?.(message);
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
    const loaded = loadDatabase(this.SQL, this.opts.file);
    if (loaded.warning) this.warn(loaded.warning);
    const next = loaded.db ?? new this.SQL.Database();
    const version = schemaVersion(next);
    if (version > SCHEMA_VERSION) {
      next.close();
      throw new UserError(
        'config',
        `the user database was written by a newer mdsync (schema ${version}); update mdsync`,
      );
    }
    this.sqlHelper.free();
    this.db.close();
    this.db = next;
    configureConnection(this.db);
    this.sqlHelper = new Sql(this.db);
    this.stamp = loaded.stamp;
    this.mainGood = !loaded.fromBackup;
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
      const lock = await acquireWriterLock(this.opts.lockFile, { waitMs: 5000, ...this.opts.lock, now: this.opts.now });
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
    const db = this.db;
    db.run('BEGIN');
    let result: T;
    try {
      migrate(db, now, true);
      result = fn(this.sqlHelper, now);
      if (result instanceof Promise) throw new Error('a transaction body must be synchronous');
      checkForeignKeys(db);
      db.run('COMMIT');
    } catch (err) {
      rollback(db);
      throw err;
    }
    try {
      const onDisk = stampOf(this.opts.file);
      const keepBackup = this.mainGood && onDisk !== null && sameStamp(onDisk, this.stamp);
      this.stamp = persistDatabase(this.opts.file, db.export(), keepBackup);
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

function rollback(db: Database): void {
  try {
    db.run('ROLLBACK');
  } catch {
    // no transaction was open
  }
}
