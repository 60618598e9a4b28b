/**
 * A thin layer over a sql.js Database: cached prepared statements and typed row helpers.
 *
 * Statements are prepared once per connection and reused, which is what makes a 100,000-user
 * synchronization fit in seconds; they are freed when the connection is replaced.
 *
 * Bulk statements take their rows as one JSON parameter, bound as UTF-8 bytes (jsonParam) and
 * read in SQL as `jsonb_each(CAST(? AS TEXT))`: sql.js encodes a bound string to UTF-8 in a
 * JavaScript loop, character by character, which cost a second per 200,000 users; Buffer does
 * it natively. Callers cut their rows into BULK_ROWS-sized chunks so that no statement needs
 * more than a few hundred kilobytes of parameter, JSON and sorter memory inside the wasm heap, which
 * grows to its high-water mark and never shrinks.
 */
import type { BindParams, Database, SqlValue, Statement } from 'sql.js';

/** A row as positional values. */
export type Row = SqlValue[];

/**
 * Rows per bulk statement or chunked read: well under 128 KB of JSON, so each string and buffer is
 * young garbage that V8 frees at once, not a large object left for the next full collection.
 */
export const BULK_ROWS = 500;

/** Rows as a JSON parameter: UTF-8 bytes, read in SQL with `CAST(? AS TEXT)`. */
export function jsonParam(rows: readonly unknown[]): Uint8Array {
  return Buffer.from(JSON.stringify(rows));
}

/** Calls `fn` with consecutive slices of at most `size` items and the index of their first item. */
export function inChunks<T>(
  items: readonly T[],
  fn: (part: readonly T[], offset: number) => void,
  size = BULK_ROWS,
): void {
  for (let offset = 0; offset < items.length; offset += size) fn(items.slice(offset, offset + size), offset);
}

/** What a connection does for a transaction body beyond running statements. */
export interface SqlHooks {
  /** See Sql.reserve. */
  readonly reserve?: (bytes: number) => void;
}

/** Prepared-statement cache and helpers for one connection. */
export class Sql {
  private readonly cache = new Map<string, Statement>();

  constructor(
    private database: Database,
    private readonly hooks: SqlHooks = {},
  ) {}

  /** The sql.js database statements run on (it changes when the connection reloads). */
  get db(): Database {
    return this.database;
  }

  /** Frees the statements of the current database and uses `db` from now on. */
  rebind(db: Database): void {
    this.free();
    this.database = db;
  }

  /**
   * Announces that the transaction is about to add about `bytes` to the database file, before
   * its first write: the connection can then make room at once instead of letting the file grow
   * in many small copies (see DbConnection). A hint only; nothing happens outside a transaction.
   */
  reserve(bytes: number): void {
    this.hooks.reserve?.(bytes);
  }

  /** The prepared statement for `sql`, reused across calls. */
  stmt(sql: string): Statement {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.database.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }

  /** Runs a statement that returns no rows. */
  run(sql: string, params: BindParams = []): void {
    const s = this.stmt(sql);
    s.run(params);
  }

  /** All rows of a query. */
  all(sql: string, params: BindParams = []): Row[] {
    const s = this.stmt(sql);
    s.bind(params);
    const rows: Row[] = [];
    try {
      while (s.step()) rows.push(s.get());
    } finally {
      s.reset();
    }
    return rows;
  }

  /** Calls `fn` for every row without collecting them (large scans). */
  each(sql: string, params: BindParams, fn: (row: Row) => void): void {
    const s = this.stmt(sql);
    s.bind(params);
    try {
      while (s.step()) fn(s.get());
    } finally {
      s.reset();
    }
  }

  /** The first row of a query, or null. */
  one(sql: string, params: BindParams = []): Row | null {
    const s = this.stmt(sql);
    s.bind(params);
    try {
      return s.step() ? s.get() : null;
    } finally {
      s.reset();
    }
  }

  /** Runs an INSERT and returns the new row id. */
  insert(sql: string, params: BindParams): number {
    this.run(sql, params);
    return Number(this.one('SELECT last_insert_rowid()')?.[0]);
  }

  /** Rows changed by the last statement. */
  changes(): number {
    return this.database.getRowsModified();
  }

  /** Frees every cached statement (before the connection is closed or replaced). */
  free(): void {
    for (const s of this.cache.values()) s.free();
    this.cache.clear();
  }
}

/** A column value as a string ('' for null). */
export function str(v: SqlValue | undefined): string {
  return v === null || v === undefined ? '' : String(v);
}

/** A column value as a number (0 for null). */
export function num(v: SqlValue | undefined): number {
  return v === null || v === undefined ? 0 : Number(v);
}
