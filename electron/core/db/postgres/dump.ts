/**
 * PostgreSQL's side of `mdsync db copy`: every table out, or into an empty database, set-based
 * (one statement per table and chunk), ids kept and the identity sequences moved past them.
 */
import type { ClientBase } from 'pg';
import { UserError } from '../../../../shared/result';
import { type Dump, type DumpCounts, DUMP_TABLES, TABLE } from '../dump';

const CHUNK = 20_000;

async function rows(db: ClientBase, text: string): Promise<unknown[][]> {
  return (await db.query<unknown[]>({ text, rowMode: 'array' })).rows;
}

const n = (v: unknown) => Number(v);
const sn = (v: unknown): string | null => (v === null ? null : typeof v === 'string' ? v : JSON.stringify(v));

/** Every row of the database (call inside a REPEATABLE READ transaction for one snapshot). */
export async function exportPg(db: ClientBase): Promise<Dump> {
  return {
    users: (
      await rows(
        db,
        'SELECT id, user_name, full_name, authentication, password_hash, built_in, created_at, updated_at FROM users ORDER BY id',
      )
    ).map((r) => [
      n(r[0]),
      String(r[1]),
      String(r[2]),
      String(r[3]),
      sn(r[4]),
      r[5] === true,
      String(r[6]),
      String(r[7]),
    ]),
    emails: (await rows(db, 'SELECT user_id, position, address FROM user_emails ORDER BY user_id, position')).map(
      (r) => [n(r[0]), n(r[1]), String(r[2])],
    ),
    privileges: (await rows(db, 'SELECT user_id, privilege FROM user_privileges')).map((r) => [n(r[0]), String(r[1])]),
    folders: (await rows(db, 'SELECT id, name, owner_id, created_at FROM folders ORDER BY id')).map((r) => [
      n(r[0]),
      String(r[1]),
      r[2] === null ? null : n(r[2]),
      String(r[3]),
    ]),
    access: (await rows(db, 'SELECT user_id, folder_id, can_read, can_write, can_delete FROM folder_access')).map(
      (r) => [n(r[0]), n(r[1]), r[2] === true, r[3] === true, r[4] === true],
    ),
    messages: (
      await rows(
        db,
        'SELECT id, folder_id, subject, sender, date, size, message_id, archived_at FROM messages ORDER BY id',
      )
    ).map((r) => [n(r[0]), n(r[1]), String(r[2]), String(r[3]), sn(r[4]), n(r[5]), sn(r[6]), String(r[7])]),
    runs: (
      await rows(
        db,
        'SELECT id, started_at, finished_at, actor, dry_run, status, summary, message, changes FROM sync_runs ORDER BY id',
      )
    ).map((r) => [
      n(r[0]),
      String(r[1]),
      sn(r[2]),
      String(r[3]),
      r[4] === true,
      String(r[5]),
      String(r[6]),
      sn(r[7]),
      r[8] as Uint8Array,
    ]),
  };
}

/** Rows per table. */
export async function countPg(db: ClientBase): Promise<DumpCounts> {
  const out: Partial<DumpCounts> = {};
  for (const t of DUMP_TABLES) out[t] = n((await rows(db, `SELECT count(*) FROM ${TABLE[t]}`))[0]?.[0]);
  return out as DumpCounts;
}

const col = <T>(list: readonly (readonly unknown[])[], i: number) => list.map((r) => r[i] as T);

async function chunked<R extends readonly unknown[]>(list: readonly R[], fn: (part: readonly R[]) => Promise<unknown>) {
  for (let i = 0; i < list.length; i += CHUNK) await fn(list.slice(i, i + CHUNK));
}

/** Replaces an empty database's content (the seeded admin only) by `dump`, inside the caller's transaction. */
export async function importPg(db: ClientBase, dump: Dump): Promise<void> {
  const c = await countPg(db);
  if (c.users > 1 || c.folders > 1 || c.messages > 0 || c.runs > 0 || c.emails > 0)
    throw new UserError('refused', 'the PostgreSQL database is not empty; copy into a new database');
  for (const t of [...DUMP_TABLES].reverse()) await db.query(`DELETE FROM ${TABLE[t]}`);
  await chunked(dump.users, (p) =>
    db.query(
      `INSERT INTO users (id, user_name, full_name, authentication, password_hash, built_in, created_at, updated_at)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::text[], $8::text[])`,
      [0, 1, 2, 3, 4, 5, 6, 7].map((i) => col(p, i)),
    ),
  );
  await chunked(dump.emails, (p) =>
    db.query(
      'INSERT INTO user_emails SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[])',
      [0, 1, 2].map((i) => col(p, i)),
    ),
  );
  await chunked(dump.privileges, (p) =>
    db.query(
      'INSERT INTO user_privileges SELECT * FROM unnest($1::bigint[], $2::text[])',
      [0, 1].map((i) => col(p, i)),
    ),
  );
  await chunked(dump.folders, (p) =>
    db.query(
      'INSERT INTO folders (id, name, owner_id, created_at) SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::text[])',
      [0, 1, 2, 3].map((i) => col(p, i)),
    ),
  );
  await chunked(dump.access, (p) =>
    db.query(
      'INSERT INTO folder_access SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::boolean[], $4::boolean[], $5::boolean[])',
      [0, 1, 2, 3, 4].map((i) => col(p, i)),
    ),
  );
  await chunked(dump.messages, (p) =>
    db.query(
      `INSERT INTO messages (id, folder_id, subject, sender, date, size, message_id, archived_at)
       SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[])`,
      [0, 1, 2, 3, 4, 5, 6, 7].map((i) => col(p, i)),
    ),
  );
  for (const r of dump.runs)
    await db.query(
      'INSERT INTO sync_runs (id, started_at, finished_at, actor, dry_run, status, summary, message, changes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
      [r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], Buffer.from(r[8])],
    );
  for (const t of ['users', 'folders', 'messages', 'sync_runs'])
    await db.query(
      `SELECT setval(pg_get_serial_sequence('${t}', 'id'), coalesce((SELECT max(id) FROM ${t}), 0) + 1, false)`,
    );
}
