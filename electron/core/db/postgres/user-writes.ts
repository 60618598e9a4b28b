/** The user rules' reads and row writes in PostgreSQL, inside one of its transactions. */
import { assertNever } from '../../../../shared/result';
import type { UserRecord } from '../port';
import { type FolderRef, type Released, type UserAsk, type UserFacts, type UserWrite, factsOf } from '../user-writes';
import * as q from './users';
import * as folders from './folders';

/** Reads what `ask` names, as {@link UserFacts}. */
export async function readFacts(db: q.Db, ask: UserAsk): Promise<UserFacts> {
  const found = new Map<string, UserRecord | null>();
  for (const name of ask.users) {
    const u = await q.findUser(db, name);
    found.set(name.toLowerCase(), u ? ((await q.loadUsers(db, u.id))[0] ?? null) : null);
  }
  const kept = new Map<string, FolderRef | null>();
  for (const name of ask.folders ?? []) kept.set(name.toLowerCase(), await folders.findFolder(db, name));
  return factsOf(found, kept);
}

/** Runs `writes` in order; returns what a `delete` released, or null. */
export async function runWrites(db: q.Db, now: string, writes: readonly UserWrite[]): Promise<Released | null> {
  let inserted: number | null = null;
  let released: Released | null = null;
  const id = (ref: number | 'new'): number => {
    if (ref !== 'new') return ref;
    if (inserted === null) throw new Error('a write names the new user before it is inserted');
    return inserted;
  };
  const touch = (sql: string, params: unknown[]) => db.query(sql, params);
  for (const w of writes) {
    switch (w.op) {
      case 'insert': {
        const r = await db.query<{ id: string }>(
          `INSERT INTO users (user_name, full_name, authentication, password_hash, built_in, created_at, updated_at)
           VALUES ($1, $2, $3, $4, false, $5, $5) RETURNING id`,
          [w.row.userName, w.row.fullName, w.row.authentication, w.row.passwordHash, now],
        );
        inserted = Number(r.rows[0]?.id);
        await q.setEmails(db, inserted, w.row.emailAddresses);
        await q.setPrivileges(db, inserted, w.row.privileges);
        break;
      }
      case 'ownFolder':
        await folders.attachOwnFolder(db, now, id(w.user), w.userName, w.access);
        break;
      case 'access':
        await folders.replaceAccess(db, id(w.user), w.access);
        break;
      case 'rename':
        await touch('UPDATE users SET user_name = $1, updated_at = $2 WHERE id = $3', [w.userName, now, w.user]);
        break;
      case 'renameFolder':
        await touch('UPDATE folders SET name = $1 WHERE id = $2', [w.name, w.folder]);
        break;
      case 'details':
        await touch('UPDATE users SET full_name = $1, updated_at = $2 WHERE id = $3', [w.fullName, now, w.user]);
        await q.setEmails(db, w.user, w.emailAddresses);
        break;
      case 'privileges':
        await q.setPrivileges(db, w.user, w.privileges);
        await touch('UPDATE users SET updated_at = $1 WHERE id = $2', [now, w.user]);
        break;
      case 'authentication':
        await touch('UPDATE users SET authentication = $1, updated_at = $2 WHERE id = $3', [
          w.authentication,
          now,
          w.user,
        ]);
        break;
      case 'passwordHash':
        await touch('UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3', [w.hash, now, w.user]);
        break;
      case 'delete':
        released = await folders.releaseFolders(db, w.user);
        await q.deleteUserRow(db, w.user);
        break;
      default:
        assertNever(w);
    }
  }
  return released;
}
