/**
 * The user database's schema, as an ordered list of migrations.
 *
 * `PRAGMA user_version` holds the number of migrations applied; opening a database runs the
 * missing ones in one transaction, and refuses a file written by a newer mdsync rather than
 * guessing at tables it does not know.
 */
import type { Database } from 'sql.js';
import { UserError } from '../../../../shared/result';
import { ADMIN_USER, SCHEMA_VERSION } from '../store-common';

/** Migration n brings the schema from version n to n + 1. Never edit one that shipped: append. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

  CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    user_name TEXT NOT NULL COLLATE NOCASE UNIQUE,
    full_name TEXT NOT NULL DEFAULT '',
    authentication TEXT NOT NULL CHECK (authentication IN ('integrated', 'directoryServices')),
    password_hash TEXT,
    built_in INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );

  CREATE TABLE user_emails (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    address TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (user_id, position)
  ) WITHOUT ROWID;

  CREATE TABLE user_privileges (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    privilege TEXT NOT NULL,
    PRIMARY KEY (user_id, privilege)
  ) WITHOUT ROWID;

  CREATE TABLE folders (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL COLLATE NOCASE UNIQUE,
    owner_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX folders_owner ON folders (owner_id);

  CREATE TABLE folder_access (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    folder_id INTEGER NOT NULL REFERENCES folders (id) ON DELETE CASCADE,
    can_read INTEGER NOT NULL,
    can_write INTEGER NOT NULL,
    can_delete INTEGER NOT NULL,
    PRIMARY KEY (user_id, folder_id)
  ) WITHOUT ROWID;
  CREATE INDEX folder_access_folder ON folder_access (folder_id);

  CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    folder_id INTEGER NOT NULL REFERENCES folders (id) ON DELETE CASCADE,
    subject TEXT NOT NULL,
    sender TEXT NOT NULL,
    date TEXT,
    size INTEGER NOT NULL,
    message_id TEXT,
    archived_at TEXT NOT NULL
  );
  CREATE INDEX messages_folder ON messages (folder_id, date);

  CREATE TABLE sync_runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    actor TEXT NOT NULL,
    dry_run INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('running', 'applied', 'tested', 'failed', 'cancelled')),
    summary TEXT NOT NULL,
    message TEXT,
    -- the run's changes but the unchanged ones: a JSON array, deflated (100,000 lines are ~1 MB)
    changes BLOB NOT NULL
  );
  `,
  // The Users list by full name from an index (a page of it sorted 100,000 rows: 130 ms); by user
  // name the UNIQUE index (NOCASE, with the row id) serves already.
  `
  CREATE INDEX users_full_name_order ON users (full_name COLLATE NOCASE, user_name COLLATE NOCASE, id);
  `,
];

/**
 * Connection settings: they are not stored in the file, so every (re)open sets them.
 *
 * Foreign keys are not enforced row by row (that cost a third of a 100,000-user first sync);
 * instead every commit runs checkForeignKeys, one pass over the child tables, and a violation
 * rolls the whole transaction back. The code deletes children explicitly, so no cascade is
 * relied upon.
 */
export function configureConnection(db: Database): void {
  db.run('PRAGMA foreign_keys = OFF; PRAGMA journal_mode = MEMORY; PRAGMA temp_store = MEMORY;');
}

/** Throws when a row points at a parent that does not exist (checked before each commit). */
export function checkForeignKeys(db: Database): void {
  const row = db.exec('PRAGMA foreign_key_check')[0]?.values[0];
  if (row)
    throw new Error(`integrity check failed: a row of ${String(row[0])} points at a missing ${String(row[2])} row`);
}

/** The schema version of a database. */
export function schemaVersion(db: Database): number {
  const value = db.exec('PRAGMA user_version')[0]?.values[0]?.[0];
  return typeof value === 'number' ? value : 0;
}

/**
 * Brings a database up to SCHEMA_VERSION, all migrations in one transaction (the caller's when
 * `inTransaction`). Returns true when something changed.
 */
export function migrate(db: Database, now: string, inTransaction = false): boolean {
  if (MIGRATIONS.length !== SCHEMA_VERSION) throw new Error('the SQLite schema and SCHEMA_VERSION differ');
  const from = schemaVersion(db);
  if (from > SCHEMA_VERSION) {
    throw new UserError('config', `the user database was written by a newer mdsync (schema ${from}); update mdsync`);
  }
  if (from === SCHEMA_VERSION) return false;
  if (!inTransaction) db.run('BEGIN');
  try {
    for (let v = from; v < SCHEMA_VERSION; v++) db.run(MIGRATIONS[v] as string);
    if (from === 0) seed(db, now);
    db.run(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    if (!inTransaction) db.run('COMMIT');
  } catch (err) {
    if (!inTransaction) db.run('ROLLBACK');
    throw err;
  }
  return true;
}

/** A new database: the built-in admin (integrated, no password yet) and its archive folder. */
function seed(db: Database, now: string): void {
  db.run(
    `INSERT INTO users (user_name, full_name, authentication, password_hash, built_in, created_at, updated_at)
     VALUES (?, 'Administrator', 'integrated', NULL, 1, ?, ?)`,
    [ADMIN_USER, now, now],
  );
  db.run(`INSERT INTO user_privileges (user_id, privilege) SELECT id, 'admin' FROM users WHERE user_name = ?`, [
    ADMIN_USER,
  ]);
  db.run(`INSERT INTO folders (name, owner_id, created_at) SELECT user_name, id, ? FROM users WHERE user_name = ?`, [
    now,
    ADMIN_USER,
  ]);
  db.run(
    `INSERT INTO folder_access (user_id, folder_id, can_read, can_write, can_delete)
     SELECT u.id, f.id, 1, 1, 1 FROM users u JOIN folders f ON f.owner_id = u.id WHERE u.user_name = ?`,
    [ADMIN_USER],
  );
  db.run(`INSERT INTO meta (key, value) VALUES ('created_at', ?)`, [now]);
}
