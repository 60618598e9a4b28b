/**
 * Users in PostgreSQL: the queries behind PgRepository (folders, messages and history beside it).
 *
 * Bulk reads come back as one JSON document per query (built by the server, parsed once), not
 * 100,000 driver rows; names are compared by lower() through the unique expression indexes, as
 * the SQLite file compares them NOCASE.
 */
import type { ClientBase, Pool } from 'pg';
import type { Authentication, FolderAccess, Privilege } from '../../../../shared/model';
import type { LogonUser, UserRecord, UserSummary } from '../port';
import { normalizePrivileges, privilegeOrderSql } from '../store-common';

/** A pool or one client inside a transaction. */
export type Db = Pool | ClientBase;

/** The one JSON value a query returns, parsed. */
export async function json<T>(db: Db, text: string, params: unknown[] = []): Promise<T> {
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
export async function loadUsers(db: Db, id: number | readonly number[] | null = null): Promise<UserRecord[]> {
  // The whole list joins each child table aggregated once (GROUP BY): a plan that needs no
  // statistics, where per-user sub-selects planned on stale ones (right after a first sync) scan
  // a child table once per user. Chosen users (one, or a page's) keep the sub-selects, which
  // their indexes answer, in one query.
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
         : 'WHERE u.id = ANY($1::bigint[])'
     }`,
    id === null ? [] : [typeof id === 'number' ? [id] : [...id]],
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

/** Deletes a user row with its addresses, privileges and access (not its folders). */
export async function deleteUserRow(db: Db, id: number): Promise<void> {
  await db.query('DELETE FROM users WHERE id = $1', [id]); // children cascade
}
