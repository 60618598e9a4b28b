/**
 * What authorizes a session's every call: a user's current name, privileges and a stamp of its
 * identity and credentials, read cheaply by id (the sessions' sweep) or by name (at logon).
 *
 * The stamp changes when the user is deleted and re-created (id and creation time) or when its
 * password or authentication changes (a digest of the stored hash, which never leaves this
 * process: only a short SHA-256 of it is kept). A session bound to one stamp ends when it changes.
 */
import type { Sql } from './sql';
import type { AuthState } from '../port';
import { type AuthRow, authStateOf } from '../store-common';

const SELECT = `SELECT json_array(u.id, u.user_name, u.full_name, u.authentication, u.created_at, u.password_hash,
   json((SELECT json_group_array(p.privilege) FROM user_privileges p WHERE p.user_id = u.id)))
 FROM users u`;

/** SQLite: the state of the user named `userName` (case-insensitive), or null. */
export function loadAuthState(sql: Sql, userName: string): AuthState | null {
  const row = sql.one(`${SELECT} WHERE u.user_name = ?`, [userName]);
  return row ? authStateOf(JSON.parse(String(row[0])) as AuthRow) : null;
}

/** SQLite: the states of the users with these ids (missing ids: deleted users). */
export function loadAuthStates(sql: Sql, ids: readonly number[]): AuthState[] {
  if (ids.length === 0) return [];
  const out: AuthState[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const part = ids.slice(i, i + 500);
    const rows = sql.all(`${SELECT} WHERE u.id IN (${part.map(() => '?').join(',')})`, [...part]);
    for (const r of rows) out.push(authStateOf(JSON.parse(String(r[0])) as AuthRow));
  }
  return out;
}
