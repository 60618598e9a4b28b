/**
 * What both stores share below the port: the built-in admin's name, the schema version both
 * schemas are at, the canonical order of privileges, the history's retention, the session stamp
 * of a user's row and the busy error. Neither store imports the other; both import this.
 */
import crypto from 'node:crypto';
import { Privilege, type Authentication, type FolderAccess } from '../../../shared/model';
import { UserError } from '../../../shared/result';
import type { AuthState } from './port';

/** The built-in administrator's user name; synchronization never touches it. */
export const ADMIN_USER = 'admin';

/** True for the built-in administrator's name (any case). */
export function isAdmin(name: string): boolean {
  return name.toLowerCase() === ADMIN_USER;
}

/** The schema version this build writes: the number of migrations of each store's schema. */
export const SCHEMA_VERSION = 2;

/**
 * The oldest schema a command that only reads can use as it is: the migrations after it add
 * indexes only (2: PostgreSQL's index of the Users list's order), so its queries give the same
 * answers, only slower.
 */
export const OLDEST_READABLE_SCHEMA = 1;

/** How many runs the history keeps. */
export const HISTORY_KEEP_RUNS = 200;

/** Test runs keep at most this many changes: their full plan went to whoever asked. */
export const TEST_RUN_KEEP_CHANGES = 1000;

/** Read / write / delete flags on a folder. */
export type AccessFlags = Pick<FolderAccess, 'read' | 'write' | 'delete'>;

const PRIVILEGE_ORDER = new Map(Privilege.options.map((p, i) => [p, i]));

/** Privileges deduplicated in their canonical order; `admin` stands alone. */
export function normalizePrivileges(privileges: readonly Privilege[]): Privilege[] {
  if (privileges.includes('admin')) return ['admin'];
  return [...new Set(privileges)].sort((a, b) => (PRIVILEGE_ORDER.get(a) ?? 0) - (PRIVILEGE_ORDER.get(b) ?? 0));
}

/** A SQL expression giving a privilege column's canonical position (the order of normalizePrivileges). */
export function privilegeOrderSql(column: string): string {
  return `CASE ${column} ${Privilege.options.map((p, i) => `WHEN '${p}' THEN ${i}`).join(' ')} ELSE 0 END`;
}

/** The raw row both stores read: id, name, full name, authentication, created, hash, privileges. */
export type AuthRow = [number, string, string, Authentication, string, string | null, Privilege[]];

/**
 * The state of a raw row (the hash is digested here and dropped). The stamp changes when the user
 * is deleted and re-created (id and creation time) or when its password or authentication changes
 * (a short SHA-256 of the stored hash, which never leaves this process).
 */
export function authStateOf(row: AuthRow): AuthState {
  const [id, userName, fullName, authentication, createdAt, hash, privileges] = row;
  const stamp = crypto
    .createHash('sha256')
    .update(`${id}\0${createdAt}\0${authentication}\0${hash ?? ''}`)
    .digest('base64url')
    .slice(0, 22);
  return { id, userName, fullName, authentication, privileges: normalizePrivileges(privileges), stamp };
}

/** The error of a store whose writer lock stayed busy; with a holder, the message names it and since when. */
export function busyError(file?: string, holder?: { pid: number; startedAt: string }): UserError {
  const who = file && holder ? ` (the lock ${file} is held by process ${holder.pid} since ${holder.startedAt})` : '';
  return new UserError('busy', `another synchronization is running${who}`);
}
