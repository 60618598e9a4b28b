/**
 * Users in SQL: bulk loading without N+1 queries, and the row-level changes transactions make.
 *
 * Loading 100,000 users is five scans (users, addresses, privileges, folder access, message
 * counts) joined in JavaScript by user id.
 */
import { Privilege, type ArchiveUser, type Authentication, type FolderAccess } from '../../../shared/model';
import { type Row, type Sql, num, str } from './sql';

/** A user as stored, with what the Users list shows. */
export interface UserRecord extends ArchiveUser {
  readonly id: number;
  readonly builtIn: boolean;
  readonly hasPassword: boolean;
  /** Messages in the user's own archive folder. */
  readonly messages: number;
}

/** What synchronization compares: name, full name, addresses, authentication. */
export type UserSummary = Pick<ArchiveUser, 'userName' | 'fullName' | 'emailAddresses' | 'authentication'>;

/** A user row to insert. */
export interface NewUserRow {
  readonly userName: string;
  readonly fullName: string;
  readonly authentication: Authentication;
  readonly emailAddresses: readonly string[];
  readonly privileges: readonly Privilege[];
  readonly passwordHash: string | null;
}

const PRIVILEGE_ORDER = new Map(Privilege.options.map((p, i) => [p, i]));

/** Privileges deduplicated in their canonical order; `admin` stands alone. */
export function normalizePrivileges(privileges: readonly Privilege[]): Privilege[] {
  if (privileges.includes('admin')) return ['admin'];
  return [...new Set(privileges)].sort((a, b) => (PRIVILEGE_ORDER.get(a) ?? 0) - (PRIVILEGE_ORDER.get(b) ?? 0));
}

function groupBy<T>(rows: Row[], map: (row: Row) => T): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const row of rows) {
    const id = num(row[0]);
    let list = out.get(id);
    if (!list) out.set(id, (list = []));
    list.push(map(row));
  }
  return out;
}

/** Users (all, or the one with `id`) in user-name order, with addresses, privileges, access and counts. */
export function loadUsers(sql: Sql, id?: number): UserRecord[] {
  const where = id === undefined ? '' : 'WHERE user_id = ?';
  const params = id === undefined ? [] : [id];
  const users = sql.all(
    `SELECT id, user_name, full_name, authentication, password_hash IS NOT NULL, built_in FROM users
     ${id === undefined ? '' : 'WHERE id = ?'} ORDER BY user_name COLLATE NOCASE, id`,
    params,
  );
  const emails = groupBy(sql.all(`SELECT user_id, address FROM user_emails ${where} ORDER BY user_id, position`, params), (r) => str(r[1]));
  const privileges = groupBy(sql.all(`SELECT user_id, privilege FROM user_privileges ${where}`, params), (r) => str(r[1]) as Privilege);
  const access = groupBy(
    sql.all(
      `SELECT a.user_id, f.name, a.can_read, a.can_write, a.can_delete FROM folder_access a
       JOIN folders f ON f.id = a.folder_id ${id === undefined ? '' : 'WHERE a.user_id = ?'} ORDER BY a.user_id, f.name COLLATE NOCASE`,
      params,
    ),
    (r): FolderAccess => ({ folder: str(r[1]), read: num(r[2]) === 1, write: num(r[3]) === 1, delete: num(r[4]) === 1 }),
  );
  const counts = new Map<number, number>();
  sql.each(
    `SELECT f.owner_id, count(*) FROM messages m JOIN folders f ON f.id = m.folder_id
     WHERE f.owner_id IS NOT NULL ${id === undefined ? '' : 'AND f.owner_id = ?'} GROUP BY f.owner_id`,
    params,
    (r) => counts.set(num(r[0]), num(r[1])),
  );
  return users.map((r) => {
    const uid = num(r[0]);
    return {
      id: uid,
      userName: str(r[1]),
      fullName: str(r[2]),
      authentication: str(r[3]) as Authentication,
      hasPassword: num(r[4]) === 1,
      builtIn: num(r[5]) === 1,
      emailAddresses: emails.get(uid) ?? [],
      privileges: normalizePrivileges(privileges.get(uid) ?? []),
      folderAccess: access.get(uid) ?? [],
      messages: counts.get(uid) ?? 0,
    };
  });
}

/** Names, full names, addresses and authentication of all users: what a plan compares. */
export function loadSummaries(sql: Sql): UserSummary[] {
  const emails = groupBy(sql.all('SELECT user_id, address FROM user_emails ORDER BY user_id, position'), (r) => str(r[1]));
  return sql
    .all('SELECT id, user_name, full_name, authentication FROM users ORDER BY id')
    .map((r) => ({
      userName: str(r[1]),
      fullName: str(r[2]),
      authentication: str(r[3]) as Authentication,
      emailAddresses: emails.get(num(r[0])) ?? [],
    }));
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
  for (const p of normalizePrivileges(u.privileges)) sql.run('INSERT INTO user_privileges (user_id, privilege) VALUES (?, ?)', [id, p]);
  return id;
}

function insertEmails(sql: Sql, id: number, emails: readonly string[]): void {
  emails.forEach((address, position) => sql.run('INSERT INTO user_emails (user_id, position, address) VALUES (?, ?, ?)', [id, position, address]));
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
  for (const p of normalizePrivileges(privileges)) sql.run('INSERT INTO user_privileges (user_id, privilege) VALUES (?, ?)', [id, p]);
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
