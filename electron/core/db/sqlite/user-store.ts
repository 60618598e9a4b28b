/**
 * Users in SQL: bulk loading without N+1 queries, and the row-level changes transactions make.
 *
 * Loading 100,000 users is five table scans (users, addresses, privileges, folder access,
 * message counts), each answered by SQLite as JSON documents and joined in JavaScript by id:
 * sql.js's per-row and per-column calls across the wasm boundary were the cost, not SQLite.
 * What a synchronization loads (loadSummaries) comes in id ranges of BULK_ROWS users, so no
 * document is larger than a few hundred kilobytes, whatever the number of users.
 */
import type { Authentication, FolderAccess, Privilege } from '../../../../shared/model';
import type { LogonUser, UserRecord, UserSummary } from '../port';
import type { NewUserRow } from '../user-writes';
import { normalizePrivileges, privilegeOrderSql } from '../store-common';
import type { Sql } from './sql';
import { BULK_ROWS, num } from './sql';

/** Runs a query whose single value is a JSON array, and parses it: one crossing of the wasm boundary for 100,000 rows. */
function jsonRows<T>(sql: Sql, query: string, params: number[] = []): T[] {
  const text = sql.one(query, params)?.[0];
  return typeof text === 'string' ? (JSON.parse(text) as T[]) : [];
}

function byUser<T>(rows: [number, T][]): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const [id, value] of rows) {
    const list = out.get(id);
    if (list) list.push(value);
    else out.set(id, [value]);
  }
  return out;
}

/** Which users a load reads: all, or the ones with these ids (one, or a page's). */
interface Chosen {
  /** `WHERE col IN (?, …)`, or nothing for all. */
  readonly where: (col: string) => string;
  readonly params: number[];
}

function chosen(id: number | readonly number[] | undefined): Chosen {
  if (id === undefined) return { where: () => '', params: [] };
  const ids = typeof id === 'number' ? [id] : [...id];
  const marks = ids.map(() => '?').join(', ');
  return { where: (col) => `WHERE ${col} IN (${marks})`, params: ids };
}

/** Addresses of all users (or the chosen), in their order: the primary key's order, no sort needed. */
function addresses(sql: Sql, which: Chosen): Map<number, string[]> {
  return byUser(
    jsonRows<[number, string]>(
      sql,
      `SELECT json_group_array(json_array(user_id, address)) FROM user_emails ${which.where('user_id')}`,
      which.params,
    ),
  );
}

type UserRow = [number, string, string, Authentication, number, number];

/**
 * Users (all, or those with the ids given: one, or a page's) in user-name order, with addresses,
 * privileges, access and counts: five queries, however many users.
 */
export function loadUsers(sql: Sql, id?: number | readonly number[]): UserRecord[] {
  const which = chosen(id);
  if (which.params.length === 0 && id !== undefined) return [];
  const users = jsonRows<UserRow>(
    sql,
    `SELECT json_group_array(json_array(id, user_name, full_name, authentication, password_hash IS NOT NULL, built_in) ORDER BY user_name COLLATE NOCASE, id)
     FROM users ${which.where('id')}`,
    which.params,
  );
  const emails = addresses(sql, which);
  const privileges = byUser(
    jsonRows<[number, Privilege]>(
      sql,
      `SELECT json_group_array(json_array(user_id, privilege)) FROM user_privileges ${which.where('user_id')}`,
      which.params,
    ),
  );
  const access = byUser(
    jsonRows<[number, [string, number, number, number]]>(
      sql,
      `SELECT json_group_array(json_array(a.user_id, json_array(f.name, a.can_read, a.can_write, a.can_delete)) ORDER BY f.name COLLATE NOCASE)
       FROM folder_access a JOIN folders f ON f.id = a.folder_id ${which.where('a.user_id')}`,
      which.params,
    ),
  );
  // Chosen users (a logon, an edit, a page): their own folders' messages through the indexes,
  // never a count of the whole archive's messages.
  const counts = new Map(
    jsonRows<[number, number]>(
      sql,
      id === undefined
        ? `SELECT json_group_array(json_array(f.owner_id, c)) FROM (SELECT folder_id, count(*) AS c FROM messages GROUP BY folder_id) m
           JOIN folders f ON f.id = m.folder_id WHERE f.owner_id IS NOT NULL`
        : `SELECT json_group_array(json_array(owner_id, c)) FROM (
             SELECT f.owner_id, count(*) AS c FROM folders f JOIN messages m ON m.folder_id = f.id
             ${which.where('f.owner_id')} GROUP BY f.owner_id)`,
      which.params,
    ),
  );
  return users.map(([uid, userName, fullName, authentication, hasPassword, builtIn]) => ({
    id: uid,
    userName,
    fullName,
    authentication,
    hasPassword: hasPassword === 1,
    builtIn: builtIn === 1,
    emailAddresses: emails.get(uid) ?? [],
    privileges: normalizePrivileges(privileges.get(uid) ?? []),
    folderAccess: (access.get(uid) ?? []).map(([folder, r, w, d]): FolderAccess => ({
      folder,
      read: r === 1,
      write: w === 1,
      delete: d === 1,
    })),
    messages: counts.get(uid) ?? 0,
  }));
}

/** The logon fields of the user named `userName` (case-insensitive: the column is NOCASE), or null: one query. */
export function loadLogonUser(sql: Sql, userName: string): LogonUser | null {
  const row = sql.one(
    `SELECT json_array(u.user_name, u.full_name, u.authentication, u.password_hash IS NOT NULL,
       json((SELECT json_group_array(e.address ORDER BY e.position) FROM user_emails e WHERE e.user_id = u.id)),
       json((SELECT json_group_array(p.privilege) FROM user_privileges p WHERE p.user_id = u.id)))
     FROM users u WHERE u.user_name = ?`,
    [userName],
  );
  if (!row) return null;
  const [name, fullName, authentication, hasPassword, emails, privileges] = JSON.parse(String(row[0])) as [
    string,
    string,
    Authentication,
    number,
    string[],
    Privilege[],
  ];
  return {
    userName: name,
    fullName,
    authentication,
    hasPassword: hasPassword === 1,
    emailAddresses: emails,
    privileges: normalizePrivileges(privileges),
  };
}

const PRIVILEGE_ORDER_SQL = privilegeOrderSql('privilege');

/** Users per query of {@link usersListJson}: small pieces, so others are served in between. */
const LIST_CHUNK = 4000;

/**
 * Every user's `users:list` row (public fields and message count) in user-name order, as one JSON
 * text built by SQLite, in parts to be joined: equal to `JSON.stringify` of {@link loadUsers}
 * mapped to those fields. Each part is a few thousand users (by name, through the name index),
 * made only when the reader asks for it, with the event loop free in between: at 100,000 users
 * the whole takes about a second, which a service must not spend without answering logons, and
 * neither SQLite nor the service ever holds more than one part.
 * (A subquery's value loses its JSON type: `json(…)` gives it back, else it would be quoted.)
 */
export async function* usersListJson(
  sql: () => Sql,
  yieldNow: () => Promise<void>,
  chunk = LIST_CHUNK,
): AsyncGenerator<string> {
  let first = true;
  let after: string | null = null;
  for (;;) {
    const row = sql().one(
      `SELECT json_group_array(json(j) ORDER BY n), max(n) FROM (
         SELECT u.user_name AS n, json_object(
           'userName', u.user_name,
           'fullName', u.full_name,
           'emailAddresses', json((SELECT json_group_array(e.address ORDER BY e.position) FROM user_emails e WHERE e.user_id = u.id)),
           'authentication', u.authentication,
           'privileges', json((SELECT CASE WHEN sum(privilege = 'admin') > 0 THEN json_array('admin')
                                      ELSE json_group_array(privilege ORDER BY ${PRIVILEGE_ORDER_SQL}) END
                          FROM user_privileges p WHERE p.user_id = u.id)),
           'folderAccess', json((SELECT json_group_array(json_object('folder', f.name,
                                     'read', json(CASE WHEN a.can_read THEN 'true' ELSE 'false' END),
                                     'write', json(CASE WHEN a.can_write THEN 'true' ELSE 'false' END),
                                     'delete', json(CASE WHEN a.can_delete THEN 'true' ELSE 'false' END))
                                   ORDER BY f.name COLLATE NOCASE)
                            FROM folder_access a JOIN folders f ON f.id = a.folder_id WHERE a.user_id = u.id)),
           'messages', (SELECT count(*) FROM folders f JOIN messages m ON m.folder_id = f.id WHERE f.owner_id = u.id)
         ) AS j FROM users u ${after === null ? '' : 'WHERE u.user_name > ?'} ORDER BY u.user_name LIMIT ${Math.max(1, Math.floor(chunk))})`,
      after === null ? [] : [after],
    );
    const text = row?.[0];
    const last = row?.[1];
    if (typeof text !== 'string' || text === '[]' || typeof last !== 'string') break;
    yield `${first ? '[' : ','}${text.slice(1, -1)}`;
    first = false;
    after = last;
    await yieldNow();
  }
  yield first ? '[]' : ']';
}

/** The authentication values as constants: one string each instead of one per user. */
const AUTHENTICATION: Record<Authentication, Authentication> = {
  integrated: 'integrated',
  directoryServices: 'directoryServices',
};

/** Names, full names, addresses and authentication of all users, in id order: what a plan compares. */
export function loadSummaries(sql: Sql): UserSummary[] {
  const out: UserSummary[] = [];
  for (let after = 0; ;) {
    const rows = jsonRows<[number, string, string, Authentication]>(
      sql,
      `SELECT json_group_array(json_array(id, user_name, full_name, authentication))
       FROM (SELECT id, user_name, full_name, authentication FROM users WHERE id > ? ORDER BY id LIMIT ?)`,
      [after, BULK_ROWS],
    );
    const last = rows[rows.length - 1]?.[0];
    if (last === undefined) return out;
    const emails = byUser(
      jsonRows<[number, string]>(
        sql,
        'SELECT json_group_array(json_array(user_id, address)) FROM user_emails WHERE user_id > ? AND user_id <= ?',
        [after, last],
      ),
    );
    for (const [id, userName, fullName, authentication] of rows) {
      const list = emails.get(id) ?? [];
      // One string where the address is the user name (the default naming): 200,000 fewer copies.
      if (list[0] === userName) list[0] = userName;
      out.push({
        userName,
        fullName,
        authentication: AUTHENTICATION[authentication] ?? authentication,
        emailAddresses: list,
      });
    }
    after = last;
  }
}

/** The id of a user (name compared case-insensitively), or null. */
export function findUserId(sql: Sql, userName: string): number | null {
  const row = sql.one('SELECT id FROM users WHERE user_name = ?', [userName]);
  return row ? num(row[0]) : null;
}

/** Inserts a user with addresses and privileges; returns its id. */
export function insertUser(sql: Sql, now: string, u: NewUserRow): number {
  const id = sql.insert(
    `INSERT INTO users (user_name, full_name, authentication, password_hash, built_in, created_at, updated_at)
     VALUES (?, ?, ?, ?, 0, ?, ?)`,
    [u.userName, u.fullName, u.authentication, u.passwordHash, now, now],
  );
  insertEmails(sql, id, u.emailAddresses);
  for (const p of normalizePrivileges(u.privileges))
    sql.run('INSERT INTO user_privileges (user_id, privilege) VALUES (?, ?)', [id, p]);
  return id;
}

function insertEmails(sql: Sql, id: number, emails: readonly string[]): void {
  emails.forEach((address, position) =>
    sql.run('INSERT INTO user_emails (user_id, position, address) VALUES (?, ?, ?)', [id, position, address]),
  );
}

/** Sets a user's full name and email addresses. */
export function setDetails(sql: Sql, now: string, id: number, fullName: string, emails: readonly string[]): void {
  sql.run('UPDATE users SET full_name = ?, updated_at = ? WHERE id = ?', [fullName, now, id]);
  sql.run('DELETE FROM user_emails WHERE user_id = ?', [id]);
  insertEmails(sql, id, emails);
}

/** Replaces a user's global privileges. */
export function setPrivilegeRows(sql: Sql, now: string, id: number, privileges: readonly Privilege[]): void {
  sql.run('DELETE FROM user_privileges WHERE user_id = ?', [id]);
  for (const p of normalizePrivileges(privileges))
    sql.run('INSERT INTO user_privileges (user_id, privilege) VALUES (?, ?)', [id, p]);
  sql.run('UPDATE users SET updated_at = ? WHERE id = ?', [now, id]);
}

/** Sets how a user logs on; a stored password hash stays (ignored while directoryServices). */
export function setAuthRow(sql: Sql, now: string, id: number, authentication: Authentication): void {
  sql.run('UPDATE users SET authentication = ?, updated_at = ? WHERE id = ?', [authentication, now, id]);
}

/** Stores a password hash (or clears it with null). */
export function setPasswordHashRow(sql: Sql, now: string, id: number, hash: string | null): void {
  sql.run('UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?', [hash, now, id]);
}

/** The stored password hash of a user, or null. */
export function passwordHashOf(sql: Sql, id: number): string | null {
  const v = sql.one('SELECT password_hash FROM users WHERE id = ?', [id])?.[0];
  return typeof v === 'string' ? v : null;
}

/** Renames a user. */
export function renameUserRow(sql: Sql, now: string, id: number, userName: string): void {
  sql.run('UPDATE users SET user_name = ?, updated_at = ? WHERE id = ?', [userName, now, id]);
}

/** Deletes a user row with its addresses, privileges and folder access (not its folders). */
export function deleteUserRow(sql: Sql, id: number): void {
  sql.run('DELETE FROM user_emails WHERE user_id = ?', [id]);
  sql.run('DELETE FROM user_privileges WHERE user_id = ?', [id]);
  sql.run('DELETE FROM folder_access WHERE user_id = ?', [id]);
  sql.run('UPDATE folders SET owner_id = NULL WHERE owner_id = ?', [id]);
  sql.run('DELETE FROM users WHERE id = ?', [id]);
}
