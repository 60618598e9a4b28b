/**
 * A store-neutral copy of the whole user database, for `mdsync db copy`: every row of every
 * table with its id, so folders, access and messages keep pointing at the same users.
 *
 * Each store exports one and imports one into an empty database (only its seeded admin), in one
 * transaction; the counts of both sides are then compared.
 */

/** Rows as positional arrays, in each table's column order. */
export interface Dump {
  /** id, user_name, full_name, authentication, password_hash, built_in, created_at, updated_at */
  readonly users: [number, string, string, string, string | null, boolean, string, string][];
  /** user_id, position, address */
  readonly emails: [number, number, string][];
  /** user_id, privilege */
  readonly privileges: [number, string][];
  /** id, name, owner_id, created_at */
  readonly folders: [number, string, number | null, string][];
  /** user_id, folder_id, can_read, can_write, can_delete */
  readonly access: [number, number, boolean, boolean, boolean][];
  /** id, folder_id, subject, sender, date, size, message_id, archived_at */
  readonly messages: [number, number, string, string, string | null, number, string | null, string][];
  /** id, started_at, finished_at, actor, dry_run, status, summary, message, changes (deflated JSON) */
  readonly runs: [number, string, string | null, string, boolean, string, string, string | null, Uint8Array][];
}

/** Rows per table. */
export type DumpCounts = Record<keyof Dump, number>;

/** The table behind each part of a dump (the same names in both stores' schemas). */
export const TABLE: Readonly<Record<keyof Dump, string>> = {
  users: 'users',
  emails: 'user_emails',
  privileges: 'user_privileges',
  folders: 'folders',
  access: 'folder_access',
  messages: 'messages',
  runs: 'sync_runs',
};

/** The tables in the order they are written (parents first). */
export const DUMP_TABLES: readonly (keyof Dump)[] = [
  'users',
  'emails',
  'privileges',
  'folders',
  'access',
  'messages',
  'runs',
];
