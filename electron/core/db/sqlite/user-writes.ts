/** The user rules' reads and row writes in the embedded store, inside one of its transactions. */
import { assertNever } from '../../../../shared/result';
import type { UserRecord } from '../port';
import { type FolderRef, type Released, type UserAsk, type UserFacts, type UserWrite, factsOf } from '../user-writes';
import * as folders from './folder-store';
import type { Sql } from './sql';
import * as users from './user-store';

/** Reads what `ask` names, as {@link UserFacts}. */
export function readFacts(sql: Sql, ask: UserAsk): UserFacts {
  const found = new Map<string, UserRecord | null>();
  for (const name of ask.users) {
    const id = users.findUserId(sql, name);
    found.set(name.toLowerCase(), id === null ? null : (users.loadUsers(sql, id)[0] ?? null));
  }
  const kept = new Map<string, FolderRef | null>();
  for (const name of ask.folders ?? []) kept.set(name.toLowerCase(), folders.findFolder(sql, name));
  return factsOf(found, kept);
}

/** Runs `writes` in order; returns what a `delete` released, or null. */
export function runWrites(sql: Sql, now: string, writes: readonly UserWrite[]): Released | null {
  let inserted: number | null = null;
  let released: Released | null = null;
  const id = (ref: number | 'new'): number => {
    if (ref !== 'new') return ref;
    if (inserted === null) throw new Error('a write names the new user before it is inserted');
    return inserted;
  };
  for (const w of writes) {
    switch (w.op) {
      case 'insert':
        inserted = users.insertUser(sql, now, w.row);
        break;
      case 'ownFolder':
        folders.attachOwnFolder(sql, now, id(w.user), w.userName, w.access);
        break;
      case 'access':
        folders.replaceAccess(sql, id(w.user), w.access);
        break;
      case 'rename':
        users.renameUserRow(sql, now, w.user, w.userName);
        break;
      case 'renameFolder':
        sql.run('UPDATE folders SET name = ? WHERE id = ?', [w.name, w.folder]);
        break;
      case 'details':
        users.setDetails(sql, now, w.user, w.fullName, w.emailAddresses);
        break;
      case 'privileges':
        users.setPrivilegeRows(sql, now, w.user, w.privileges);
        break;
      case 'authentication':
        users.setAuthRow(sql, now, w.user, w.authentication);
        break;
      case 'passwordHash':
        users.setPasswordHashRow(sql, now, w.user, w.hash);
        break;
      case 'delete':
        released = folders.releaseFolders(sql, w.user);
        users.deleteUserRow(sql, w.user);
        break;
      default:
        assertNever(w);
    }
  }
  return released;
}
