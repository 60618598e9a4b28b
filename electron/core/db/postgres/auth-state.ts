/** PostgreSQL: the authorization states of users (see auth-state.ts), by name or by ids, one query. */
import type { AuthState } from '../port';
import { type AuthRow, authStateOf } from '../store-common';
import type { Db } from './users';

const SELECT = `SELECT json_build_array(u.id, u.user_name, u.full_name, u.authentication, u.created_at, u.password_hash,
   coalesce((SELECT json_agg(p.privilege) FROM user_privileges p WHERE p.user_id = u.id), '[]'::json))::text AS j
 FROM users u`;

/** The state of the user named `userName` (case-insensitive), or null. */
export async function pgAuthState(db: Db, userName: string): Promise<AuthState | null> {
  const r = await db.query<{ j: string }>(`${SELECT} WHERE lower(u.user_name) = lower($1)`, [userName]);
  const row = r.rows[0];
  return row ? authStateOf(JSON.parse(row.j) as AuthRow) : null;
}

/** The states of the users with these ids (missing ids: deleted users). */
export async function pgAuthStates(db: Db, ids: readonly number[]): Promise<AuthState[]> {
  if (ids.length === 0) return [];
  const r = await db.query<{ j: string }>(`${SELECT} WHERE u.id = ANY($1::int[])`, [[...ids]]);
  return r.rows.map((row) => authStateOf(JSON.parse(row.j) as AuthRow));
}
