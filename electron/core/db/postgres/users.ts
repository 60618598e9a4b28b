/**
 * Users, folders, messages and history in PostgreSQL: the queries behind PgRepository.
 *
 * Bulk reads come back as one JSON document per query (built by the server, parsed once), not
 * 100,000 driver rows; names are compared by lower() through the unique expression indexes, as
 * the SQLite file compares them NOCASE.
 */
import zlib from 'node:zlib';
import type { ClientBase, Pool } from 'pg';
import {
  Change,
  PlanSummary,
  type ArchiveFolder,
  type ArchivedMessage,
  type Authentication,
  type FolderAccess,
  type Privilege,
  type SyncRun,
} from '../../../../shared/model';
import { UserError } from '../../../../shared/result';
import type { LogonUser, MessageMeta, NewRun, UserRecord, UserSummary } from '../port';
import {
  type AccessFlags,
  HISTORY_KEEP_RUNS,
  TEST_RUN_KEEP_CHANGES,
  normalizePrivileges,
  privilegeOrderSql,
} from '../store-common';

/** A pool or one client inside a transaction. */
export type Db = Pool | ClientBase;

async function json<T>(db: Db, text: string, params: unknown[] = []): Promise<T> {
  const r = await db.query<{ j: string }>(text, params);
  return JSON.parse(r.rows[0]?.j ?? 'null') as T;
}

type UserJson = [
  number,
  string,
  string,
  Authentication,
  boolean,
  boolean,
  string[],
  Privilege[],
  [string, boolean, boolean, boolean][],
  number,
];

/** Messages per folder owner, aggregated once (joined by the users lists). */
const MESSAGE_COUNTS_SQL =
  '(SELECT f.owner_id, count(*) AS n FROM messages m JOIN folders f ON f.id = m.folder_id GROUP BY f.owner_id)';

/** Users (all, or the one with `id`) in name order, with addresses, privileges, access and message counts. */
export async function loadUsers(db: Db, id: number | null = null): Promise<UserRecord[]> {
  // The whole list joins each child table aggregated once (GROUP BY): a plan that needs no
  // statistics, where per-user sub-selects planned on stale ones (right after a first sync) scan
  // a child table once per user. One user keeps the sub-selects, which its indexes answer.
  const whole = id === null;
  const rows = await json<UserJson[]>(
    db,
    `SELECT coalesce(json_agg(json_build_array(u.id, u.user_name, u.full_name, u.authentication,
        u.password_hash IS NOT NULL, u.built_in,
        ${whole ? "coalesce(e.a, '[]')" : "coalesce((SELECT json_agg(e.address ORDER BY e.position) FROM user_emails e WHERE e.user_id = u.id), '[]')"},
        ${whole ? "coalesce(p.a, '[]')" : "coalesce((SELECT json_agg(p.privilege) FROM user_privileges p WHERE p.user_id = u.id), '[]')"},
        ${
          whole
            ? "coalesce(fa.a, '[]')"
            : `coalesce((SELECT json_agg(json_build_array(f.name, a.can_read, a.can_write, a.can_delete) ORDER BY lower(f.name) COLLATE "C")
                  FROM folder_access a JOIN folders f ON f.id = a.folder_id WHERE a.user_id = u.id), '[]')`
        },
        ${whole ? 'coalesce(mc.n, 0)' : '(SELECT count(*) FROM messages m JOIN folders f ON f.id = m.folder_id WHERE f.owner_id = u.id)'})
      ORDER BY lower(u.user_name) COLLATE "C", u.id), '[]')::text AS j
     FROM users u ${
       whole
         ? `LEFT JOIN (SELECT user_id, json_agg(address ORDER BY position) AS a FROM user_emails GROUP BY user_id) e ON e.user_id = u.id
            LEFT JOIN (SELECT user_id, json_agg(privilege) AS a FROM user_privileges GROUP BY user_id) p ON p.user_id = u.id
            LEFT JOIN (SELECT a.user_id, json_agg(json_build_array(f.name, a.can_read, a.can_write, a.can_delete) ORDER BY lower(f.name) COLLATE "C") AS a
                       FROM folder_access a JOIN folders f ON f.id = a.folder_id GROUP BY a.user_id) fa ON fa.user_id = u.id
            LEFT JOIN ${MESSAGE_COUNTS_SQL} mc ON mc.owner_id = u.id`
         : 'WHERE u.id = $1'
     }`,
    id === null ? [] : [id],
  );
  return rows.map(
    ([uid, userName, fullName, authentication, hasPassword, builtIn, emails, privs, access, messages]) => ({
      id: Number(uid),
      userName,
      fullName,
      authentication,
      hasPassword,
      builtIn,
      emailAddresses: emails,
      privileges: normalizePrivileges(privs),
      folderAccess: access.map(([folder, read, write, del]): FolderAccess => ({ folder, read, write, delete: del })),
      messages: Number(messages),
    }),
  );
}

/** The logon fields of the user named `userName` (case-insensitive), or null: one query, no counts. */
export async function loadLogonUser(db: Db, userName: string): Promise<LogonUser | null> {
  const r = await db.query<{
    user_name: string;
    full_name: string;
    authentication: Authentication;
    has_password: boolean;
    emails: string[];
    privileges: Privilege[];
  }>(
    `SELECT u.user_name, u.full_name, u.authentication, u.password_hash IS NOT NULL AS has_password,
       coalesce((SELECT array_agg(e.address ORDER BY e.position) FROM user_emails e WHERE e.user_id = u.id), '{}') AS emails,
       coalesce((SELECT array_agg(p.privilege) FROM user_privileges p WHERE p.user_id = u.id), '{}') AS privileges
     FROM users u WHERE lower(u.user_name) = lower($1)`,
    [userName],
  );
  const row = r.rows[0];
  return row
    ? {
        userName: row.user_name,
        fullName: row.full_name,
        authentication: row.authentication,
        hasPassword: row.has_password,
        emailAddresses: row.emails,
        privileges: normalizePrivileges(row.privileges),
      }
    : null;
}

const PRIVILEGE_ORDER_SQL = privilegeOrderSql('p.privilege');

/** Rows per FETCH of {@link usersListJson}. */
const LIST_CHUNK = 4000;

/**
 * Every user's `users:list` row (public fields and message count) in user-name order, as JSON
 * text built by PostgreSQL, in parts to be joined: equal to `JSON.stringify` of {@link loadUsers}
 * mapped to those fields. One sorted query read through a cursor, LIST_CHUNK rows per part, each
 * fetched when the reader asks for it, in one read-only snapshot (the list is consistent even
 * while a synchronization commits). `client` is the caller's, used for nothing else meanwhile.
 */
export async function* usersListJson(client: ClientBase, chunk = LIST_CHUNK): AsyncGenerator<string> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  let done = false;
  try {
    await client.query(
      `DECLARE users_list NO SCROLL CURSOR FOR
       SELECT json_build_object(
        'userName', u.user_name,
        'fullName', u.full_name,
        'emailAddresses', coalesce(e.a, '[]'),
        'authentication', u.authentication,
        'privileges', coalesce(p.a, '[]'),
        'folderAccess', coalesce(fa.a, '[]'),
        'messages', coalesce(mc.n, 0))::text AS j
       FROM users u
       LEFT JOIN (SELECT user_id, json_agg(address ORDER BY position) AS a FROM user_emails GROUP BY user_id) e ON e.user_id = u.id
       LEFT JOIN (SELECT p.user_id, CASE WHEN bool_or(p.privilege = 'admin') THEN json_build_array('admin')
                                         ELSE json_agg(p.privilege ORDER BY ${PRIVILEGE_ORDER_SQL}) END AS a
                  FROM user_privileges p GROUP BY p.user_id) p ON p.user_id = u.id
       LEFT JOIN (SELECT a.user_id, json_agg(json_build_object('folder', f.name, 'read', a.can_read, 'write', a.can_write, 'delete', a.can_delete)
                                             ORDER BY lower(f.name) COLLATE "C") AS a
                  FROM folder_access a JOIN folders f ON f.id = a.folder_id GROUP BY a.user_id) fa ON fa.user_id = u.id
       LEFT JOIN ${MESSAGE_COUNTS_SQL} mc ON mc.owner_id = u.id
       ORDER BY lower(u.user_name) COLLATE "C", u.id`,
    );
    let first = true;
    for (;;) {
      const r = await client.query<{ j: string }>(`FETCH ${Math.max(1, Math.floor(chunk))} FROM users_list`);
      if (r.rows.length === 0) break;
      yield `${first ? '[' : ','}${r.rows.map((row) => row.j).join(',')}`;
      first = false;
    }
    yield first ? '[]' : ']';
    await client.query('COMMIT');
    done = true;
  } finally {
    // A reader that stopped early (its socket closed) or a failed query: the snapshot is let go.
    if (!done) await client.query('ROLLBACK').catch(() => undefined);
  }
}

/** What a plan compares, for every user. */
export async function loadSummaries(db: Db): Promise<UserSummary[]> {
  const rows = await json<[string, string, Authentication, string[]][]>(
    db,
    `SELECT coalesce(json_agg(json_build_array(u.user_name, u.full_name, u.authentication, coalesce(e.a, '[]'::json)) ORDER BY u.id), '[]')::text AS j
     FROM users u LEFT JOIN (SELECT user_id, json_agg(address ORDER BY position) AS a FROM user_emails GROUP BY user_id) e
       ON e.user_id = u.id`,
  );
  return rows.map(([userName, fullName, authentication, emailAddresses]) => ({
    userName,
    fullName,
    authentication,
    emailAddresses,
  }));
}

/** A user's id and what guards it, by name (case-insensitive), or null. */
export async function findUser(
  db: Db,
  userName: string,
): Promise<{
  id: number;
  userName: string;
  authentication: Authentication;
  builtIn: boolean;
  hash: string | null;
} | null> {
  const r = await db.query<{
    id: string;
    user_name: string;
    authentication: Authentication;
    built_in: boolean;
    password_hash: string | null;
  }>('SELECT id, user_name, authentication, built_in, password_hash FROM users WHERE lower(user_name) = lower($1)', [
    userName,
  ]);
  const row = r.rows[0];
  return row
    ? {
        id: Number(row.id),
        userName: row.user_name,
        authentication: row.authentication,
        builtIn: row.built_in,
        hash: row.password_hash,
      }
    : null;
}

/** A folder by name (case-insensitive), or null. */
export async function findFolder(
  db: Db,
  name: string,
): Promise<{ id: number; ownerId: number | null; name: string } | null> {
  const r = await db.query<{ id: string; owner_id: string | null; name: string }>(
    'SELECT id, owner_id, name FROM folders WHERE lower(name) = lower($1)',
    [name],
  );
  const row = r.rows[0];
  return row
    ? { id: Number(row.id), ownerId: row.owner_id === null ? null : Number(row.owner_id), name: row.name }
    : null;
}

/** Replaces a user's addresses. */
export async function setEmails(db: Db, id: number, emails: readonly string[]): Promise<void> {
  await db.query('DELETE FROM user_emails WHERE user_id = $1', [id]);
  await db.query(
    'INSERT INTO user_emails (user_id, position, address) SELECT $1, ord - 1, a FROM unnest($2::text[]) WITH ORDINALITY AS t(a, ord)',
    [id, emails],
  );
}

/** Replaces a user's global privileges. */
export async function setPrivileges(db: Db, id: number, privileges: readonly Privilege[]): Promise<void> {
  await db.query('DELETE FROM user_privileges WHERE user_id = $1', [id]);
  await db.query('INSERT INTO user_privileges (user_id, privilege) SELECT $1, p FROM unnest($2::text[]) p', [
    id,
    normalizePrivileges(privileges),
  ]);
}

/** Sets (inserts or replaces) one access row. */
export async function setAccess(db: Db, userId: number, folderId: number, a: AccessFlags): Promise<void> {
  await db.query(
    `INSERT INTO folder_access (user_id, folder_id, can_read, can_write, can_delete) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (user_id, folder_id) DO UPDATE SET can_read = excluded.can_read, can_write = excluded.can_write, can_delete = excluded.can_delete`,
    [userId, folderId, a.read, a.write, a.delete],
  );
}

/** Replaces all of a user's folder access; every folder named must exist. */
export async function replaceAccess(db: Db, userId: number, entries: readonly FolderAccess[]): Promise<void> {
  await db.query('DELETE FROM folder_access WHERE user_id = $1', [userId]);
  for (const e of entries) {
    if (!e.read && !e.write && !e.delete) continue;
    const folder = await findFolder(db, e.folder);
    if (!folder) throw new UserError('notFound', `there is no archive folder named ${e.folder}`);
    await setAccess(db, userId, folder.id, e);
  }
}

/** Gives a user its own folder, re-attaching an orphaned one of that name. */
export async function attachOwnFolder(
  db: Db,
  now: string,
  userId: number,
  userName: string,
  access: AccessFlags,
): Promise<void> {
  const existing = await findFolder(db, userName);
  let id: number;
  if (existing) {
    if (existing.ownerId !== null && existing.ownerId !== userId)
      throw new UserError('exists', `the archive folder ${existing.name} belongs to another user`);
    id = existing.id;
    if (existing.ownerId === null) await db.query('UPDATE folders SET owner_id = $1 WHERE id = $2', [userId, id]);
  } else {
    const r = await db.query<{ id: string }>(
      'INSERT INTO folders (name, owner_id, created_at) VALUES ($1, $2, $3) RETURNING id',
      [userName, userId, now],
    );
    id = Number(r.rows[0]?.id);
  }
  await setAccess(db, userId, id, access);
}

/** Detaches a user's folders before it goes: one with messages stays without owner, an empty one goes. */
export async function releaseFolders(db: Db, userId: number): Promise<{ folderKept: boolean; messages: number }> {
  const r = await db.query<{ id: string; n: string }>(
    'SELECT f.id, (SELECT count(*) FROM messages m WHERE m.folder_id = f.id) AS n FROM folders f WHERE f.owner_id = $1',
    [userId],
  );
  let result = { folderKept: false, messages: 0 };
  for (const row of r.rows) {
    const messages = Number(row.n);
    if (messages > 0) {
      await db.query('UPDATE folders SET owner_id = NULL WHERE id = $1', [row.id]);
      result = { folderKept: true, messages };
    } else {
      await db.query('DELETE FROM folder_access WHERE folder_id = $1', [row.id]);
      await db.query('DELETE FROM folders WHERE id = $1', [row.id]);
    }
  }
  return result;
}

/** Deletes a user row with its addresses, privileges and access (not its folders). */
export async function deleteUserRow(db: Db, id: number): Promise<void> {
  await db.query('DELETE FROM users WHERE id = $1', [id]); // children cascade
}

/** All folders in name order, with owner and message count. */
export async function listFolders(db: Db): Promise<ArchiveFolder[]> {
  const rows = await json<[string, string | null, number][]>(
    db,
    `SELECT coalesce(json_agg(json_build_array(f.name, u.user_name, coalesce(m.n, 0)) ORDER BY lower(f.name) COLLATE "C"), '[]')::text AS j
     FROM folders f LEFT JOIN users u ON u.id = f.owner_id
     LEFT JOIN (SELECT folder_id, count(*) AS n FROM messages GROUP BY folder_id) m ON m.folder_id = f.id`,
  );
  return rows.map(([name, owner, messages]) => ({ name, owner, messages: Number(messages) }));
}

/** Messages in a folder. */
export async function messageCount(db: Db, folderId: number): Promise<number> {
  const r = await db.query<{ n: string }>('SELECT count(*) AS n FROM messages WHERE folder_id = $1', [folderId]);
  return Number(r.rows[0]?.n ?? 0);
}

/** Adds message metadata to a folder in one statement. */
export async function insertMessages(
  db: Db,
  now: string,
  folderId: number,
  metas: readonly MessageMeta[],
): Promise<void> {
  await db.query(
    `INSERT INTO messages (folder_id, subject, sender, date, size, message_id, archived_at)
     SELECT $1, s, f, d, z, i, $2 FROM unnest($3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[]) WITH ORDINALITY AS t(s, f, d, z, i, o) ORDER BY o`,
    [
      folderId,
      now,
      metas.map((m) => m.subject),
      metas.map((m) => m.from),
      metas.map((m) => m.date),
      metas.map((m) => m.size),
      metas.map((m) => m.messageId),
    ],
  );
}

/** The newest messages of a folder (by date, undated last). */
export async function latestMessages(db: Db, folderId: number, limit: number): Promise<ArchivedMessage[]> {
  const r = await db.query<{ subject: string; sender: string; date: string | null; size: string }>(
    'SELECT subject, sender, date, size FROM messages WHERE folder_id = $1 ORDER BY date IS NULL, date DESC, id DESC LIMIT $2',
    [folderId, limit],
  );
  return r.rows.map((m) => ({ subject: m.subject, from: m.sender, date: m.date, size: Number(m.size) }));
}

/** Records a run (a test keeps its first changes only) and prunes old runs; returns its id. */
export async function insertRun(db: Db, run: NewRun, changes: readonly Change[]): Promise<number> {
  const all = changes.filter((c) => c.action !== 'unchanged');
  const kept = run.dryRun ? all.slice(0, TEST_RUN_KEEP_CHANGES) : all;
  if (kept.length < all.length) {
    const note = `history keeps the first ${kept.length} of ${all.length} changes of this test`;
    run = { ...run, message: run.message ? `${run.message}; ${note}` : note };
  }
  const blob = zlib.deflateRawSync(Buffer.from(JSON.stringify(kept)), { level: 1 });
  const r = await db.query<{ id: string }>(
    `INSERT INTO sync_runs (started_at, finished_at, actor, dry_run, status, summary, message, changes)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [run.startedAt, run.finishedAt, run.actor, run.dryRun, run.status, JSON.stringify(run.summary), run.message, blob],
  );
  await db.query('DELETE FROM sync_runs WHERE id <= (SELECT id FROM sync_runs ORDER BY id DESC LIMIT 1 OFFSET $1)', [
    HISTORY_KEEP_RUNS,
  ]);
  return Number(r.rows[0]?.id);
}

function summaryOf(text: string): PlanSummary {
  try {
    const parsed = PlanSummary.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // zeros below
  }
  return { create: 0, update: 0, delete: 0, unchanged: 0, skip: 0, held: 0 };
}

/** Runs, newest first, optionally filtered. */
export async function listRuns(
  db: Db,
  limit: number,
  filter: { actor?: string; dryRun?: boolean } = {},
): Promise<SyncRun[]> {
  const r = await db.query<{
    id: string;
    started_at: string;
    finished_at: string | null;
    actor: string;
    dry_run: boolean;
    status: SyncRun['status'];
    summary: string;
    message: string | null;
  }>(
    `SELECT id, started_at, finished_at, actor, dry_run, status, summary, message FROM sync_runs
     WHERE ($2::text IS NULL OR actor = $2) AND ($3::boolean IS NULL OR dry_run = $3) ORDER BY id DESC LIMIT $1`,
    [limit, filter.actor ?? null, filter.dryRun ?? null],
  );
  return r.rows.map((x) => ({
    id: Number(x.id),
    startedAt: x.started_at,
    finishedAt: x.finished_at,
    actor: x.actor,
    dryRun: x.dry_run,
    status: x.status,
    summary: summaryOf(x.summary),
    message: x.message,
  }));
}

/** The stored changes of a run; empty for an unknown run or a damaged blob. */
export async function runChanges(db: Db, runId: number): Promise<Change[]> {
  const r = await db.query<{ changes: Buffer }>('SELECT changes FROM sync_runs WHERE id = $1', [runId]);
  const blob = r.rows[0]?.changes;
  if (!blob) return [];
  try {
    const parsed = Change.array().safeParse(JSON.parse(zlib.inflateRawSync(blob).toString('utf8')));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}
