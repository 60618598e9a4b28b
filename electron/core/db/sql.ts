/**
 * A thin layer over a sql.js Database: cached prepared statements and typed row helpers.
 *
 * Statements are prepared once per connection and reused, which is what makes a 100,000-user
 * synchronization fit in seconds; they are freed when the connection is replaced.
 */
import type { BindParams, Database, SqlValue, Statement } from 'sql.js';

/** A row as positional values. */
export type Row = SqlValue[];

/** Prepared-statement cache and helpers for one connection. */
export class Sql {
  private readonly cache = new Map<string, Statement>();

  constructor(readonly db: Database) {}

  /** The prepared statement for `sql`, reused across calls. */
  stmt(sql: string): Statement {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
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
    return this.db.getRowsModified();
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
