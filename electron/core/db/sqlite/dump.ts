/**
 * The embedded store's side of `mdsync db copy`: every table out, or into a fresh file.
 */
import { UserError } from '../../../../shared/result';
import { type Dump, type DumpCounts, DUMP_TABLES, TABLE } from '../dump';
import { type Sql, num } from './sql';

const b = (v: unknown) => Number(v) === 1;
const s = (v: unknown) => String(v);
const n = (v: unknown) => Number(v);
const sn = (v: unknown): string | null => (v === null ? null : typeof v === 'string' ? v : JSON.stringify(v));

/** Every row of the file. */
export function exportSqlite(sql: Sql): Dump {
  return {
    users: sql
      .all(
        'SELECT id, user_name, full_name, authentication, password_hash, built_in, created_at, updated_at FROM users ORDER BY id',
      )
      .map((r) => [n(r[0]), s(r[1]), s(r[2]), s(r[3]), sn(r[4]), b(r[5]), s(r[6]), s(r[7])]),
    emails: sql
      .all('SELECT user_id, position, address FROM user_emails ORDER BY user_id, position')
      .map((r) => [n(r[0]), n(r[1]), s(r[2])]),
    privileges: sql.all('SELECT user_id, privilege FROM user_privileges').map((r) => [n(r[0]), s(r[1])]),
    folders: sql
      .all('SELECT id, name, owner_id, created_at FROM folders ORDER BY id')
      .map((r) => [n(r[0]), s(r[1]), r[2] === null ? null : n(r[2]), s(r[3])]),
    access: sql
      .all('SELECT user_id, folder_id, can_read, can_write, can_delete FROM folder_access')
      .map((r) => [n(r[0]), n(r[1]), b(r[2]), b(r[3]), b(r[4])]),
    messages: sql
      .all('SELECT id, folder_id, subject, sender, date, size, message_id, archived_at FROM messages ORDER BY id')
      .map((r) => [n(r[0]), n(r[1]), s(r[2]), s(r[3]), sn(r[4]), n(r[5]), sn(r[6]), s(r[7])]),
    runs: sql
      .all(
        'SELECT id, started_at, finished_at, actor, dry_run, status, summary, message, changes FROM sync_runs ORDER BY id',
      )
      .map((r) => [n(r[0]), s(r[1]), sn(r[2]), s(r[3]), b(r[4]), s(r[5]), s(r[6]), sn(r[7]), r[8] as Uint8Array]),
  };
}

/** Rows per table. */
export function countSqlite(sql: Sql): DumpCounts {
  return Object.fromEntries(
    DUMP_TABLES.map((t) => [t, num(sql.one(`SELECT count(*) FROM ${TABLE[t]}`)?.[0])]),
  ) as DumpCounts;
}

/** True when the file holds nothing but the seeded admin and its folder. */
export function isFreshSqlite(sql: Sql): boolean {
  const c = countSqlite(sql);
  return c.users <= 1 && c.folders <= 1 && c.messages === 0 && c.runs === 0 && c.emails === 0;
}

/** Replaces a fresh file's content by `dump` (inside the caller's transaction). */
export function importSqlite(sql: Sql, dump: Dump): void {
  if (!isFreshSqlite(sql))
    throw new UserError('refused', 'the embedded user database is not empty; copy into a new data directory');
  for (const t of [...DUMP_TABLES].reverse()) sql.run(`DELETE FROM ${TABLE[t]}`);
  const i = (v: boolean) => (v ? 1 : 0);
  for (const r of dump.users)
    sql.run(
      'INSERT INTO users (id, user_name, full_name, authentication, password_hash, built_in, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [r[0], r[1], r[2], r[3], r[4], i(r[5]), r[6], r[7]],
    );
  for (const r of dump.emails) sql.run('INSERT INTO user_emails (user_id, position, address) VALUES (?, ?, ?)', r);
  for (const r of dump.privileges) sql.run('INSERT INTO user_privileges (user_id, privilege) VALUES (?, ?)', r);
  for (const r of dump.folders) sql.run('INSERT INTO folders (id, name, owner_id, created_at) VALUES (?, ?, ?, ?)', r);
  for (const r of dump.access)
    sql.run('INSERT INTO folder_access (user_id, folder_id, can_read, can_write, can_delete) VALUES (?, ?, ?, ?, ?)', [
      r[0],
      r[1],
      i(r[2]),
      i(r[3]),
      i(r[4]),
    ]);
  for (const r of dump.messages)
    sql.run(
      'INSERT INTO messages (id, folder_id, subject, sender, date, size, message_id, archived_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      r,
    );
  for (const r of dump.runs)
    sql.run(
      'INSERT INTO sync_runs (id, started_at, finished_at, actor, dry_run, status, summary, message, changes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [r[0], r[1], r[2], r[3], i(r[4]), r[5], r[6], r[7], r[8]],
    );
}
