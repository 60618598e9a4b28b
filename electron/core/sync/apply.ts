/**
 * Applies a plan to the user database, inside the caller's transaction (all or nothing).
 *
 * Creates get Directory Services authentication, the default privileges and their archive folder
 * (re-attached when one of that name survived an earlier deletion); updates touch full name and
 * addresses only; deletes remove Directory Services users only, keeping a folder with messages.
 */
import type { Change } from '../../../shared/model';
import type { DefaultPrivileges } from '../../../shared/settings';
import { assertNever } from '../../../shared/result';
import type { Sql } from '../db/sql';
import { attachOwnFolder, releaseFolders } from '../db/folder-store';
import { deleteUserRow, findUserId, insertUser, setDetails } from '../db/user-store';
import { ADMIN_USER } from '../db/schema';
import { num, str } from '../db/sql';

/** Progress of an apply: changes handled so far, of all. */
export type ApplyProgress = (done: number, total: number) => void;

/** How often (in changes) progress is reported. */
const PROGRESS_EVERY = 2000;

/**
 * Applies `changes` and returns them as committed: the reasons of creates and deletes tell
 * what happened to the archive folder. Throws (and the caller's transaction rolls back) when the
 * database does not match the plan any more.
 */
export function applyPlan(sql: Sql, now: string, changes: readonly Change[], defaults: DefaultPrivileges, onProgress?: ApplyProgress): Change[] {
  const out: Change[] = [];
  const total = changes.length;
  onProgress?.(0, total);
  changes.forEach((c, i) => {
    out.push(applyOne(sql, now, c, defaults));
    if ((i + 1) % PROGRESS_EVERY === 0) onProgress?.(i + 1, total);
  });
  onProgress?.(total, total);
  return out;
}

function applyOne(sql: Sql, now: string, c: Change, defaults: DefaultPrivileges): Change {
  switch (c.action) {
    case 'create': {
      const id = insertUser(sql, now, {
        userName: c.userName,
        fullName: c.fullName,
        authentication: 'directoryServices',
        emailAddresses: c.emailAddresses,
        privileges: defaults.privileges,
        passwordHash: null,
      });
      const folder = attachOwnFolder(sql, now, id, c.userName, defaults.ownFolder);
      return folder.reattached ? { ...c, reason: `${c.reason}; existing archive folder re-attached` } : c;
    }
    case 'update': {
      const id = mustFind(sql, c.userName);
      setDetails(sql, now, id, c.fullName, c.emailAddresses);
      return c;
    }
    case 'delete': {
      const id = mustFind(sql, c.userName);
      const row = sql.one('SELECT authentication, built_in, user_name FROM users WHERE id = ?', [id]);
      if (!row || str(row[0]) !== 'directoryServices' || num(row[1]) === 1 || str(row[2]).toLowerCase() === ADMIN_USER) {
        throw new Error(`refusing to delete ${c.userName}: not a Directory Services user`);
      }
      const folder = releaseFolders(sql, id);
      deleteUserRow(sql, id);
      const what = folder.folderKept ? `archive folder kept (${folder.messages} messages)` : 'empty archive folder removed';
      return { ...c, reason: `${c.reason}; ${what}` };
    }
    case 'unchanged':
    case 'skip':
    case 'held':
      return c;
    default:
      return assertNever(c.action);
  }
}

function mustFind(sql: Sql, userName: string): number {
  const id = findUserId(sql, userName);
  if (id === null) throw new Error(`the user ${userName} disappeared while the plan was applied`);
  return id;
}
