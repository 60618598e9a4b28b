/**
 * Applies a plan to the user database, inside the caller's transaction (all or nothing).
 *
 * Creates get Directory Services authentication, the default privileges and their archive folder
 * (re-attached when one of that name survived an earlier deletion); updates touch full name and
 * addresses only; deletes remove Directory Services users only, keeping a folder with messages.
 */
import type { Change } from '../../../../shared/model';
import type { PlanToApply } from '../port';
import { assertNever } from '../../../../shared/result';
import type { Sql } from './sql';
import { createSyncedUsers, createdBytes, updateSyncedUsers } from './bulk-store';
import { releaseFolders } from './folder-store';
import { deleteUserRow, findUserId } from './user-store';
import { ADMIN_USER } from '../store-common';
import { num, str } from './sql';

/** How often (in deletes) progress is reported. */
const PROGRESS_EVERY = 1000;

/** Bytes a line of the run's history (deflated) or an updated user adds to the file, about. */
const LINE_BYTES = 24;

/**
 * Applies `changes` and returns them as committed: the reasons of creates and deletes tell
 * what happened to the archive folder. Creates and updates go in bulk, deletes one by one (they
 * are few: the deletion guard sees to that). Throws, and the caller's transaction rolls back,
 * when the database does not match the plan any more.
 */
export function applyPlan(
  sql: Sql,
  now: string,
  { changes, defaults, onProgress, appliedReason }: PlanToApply,
): Change[] {
  const total = changes.length;
  onProgress?.(0, total);
  const creates = changes.filter((c) => c.action === 'create');
  const updates = changes.filter((c) => c.action === 'update');
  // Room for what this transaction adds, made before its first write (see Sql.reserve).
  sql.reserve(createdBytes(creates) + LINE_BYTES * (creates.length + 2 * updates.length));
  const reattached = createSyncedUsers(sql, now, creates, defaults.privileges, defaults.ownFolder);
  let done = creates.length;
  onProgress?.(done, total);
  updateSyncedUsers(sql, now, updates);
  done += updates.length;
  onProgress?.(done, total);
  const out = changes.map((c) => {
    switch (c.action) {
      case 'create': {
        const reason = appliedReason(c.reason, reattached.has(c.userName.toLowerCase()));
        return reason === c.reason ? c : { ...c, reason };
      }
      case 'delete': {
        const applied = deleteOne(sql, c);
        if (++done % PROGRESS_EVERY === 0) onProgress?.(done, total);
        return applied;
      }
      case 'update':
      case 'unchanged':
      case 'skip':
      case 'held':
        return c;
      default:
        return assertNever(c.action);
    }
  });
  onProgress?.(total, total);
  return out;
}

/** Deletes a Directory Services user, keeping its folder when it holds messages. */
function deleteOne(sql: Sql, c: Change): Change {
  const id = findUserId(sql, c.userName);
  if (id === null) throw new Error(`the user ${c.userName} disappeared while the plan was applied`);
  const row = sql.one('SELECT authentication, built_in, user_name FROM users WHERE id = ?', [id]);
  if (!row || str(row[0]) !== 'directoryServices' || num(row[1]) === 1 || str(row[2]).toLowerCase() === ADMIN_USER) {
    throw new Error(`refusing to delete ${c.userName}: not a Directory Services user`);
  }
  const folder = releaseFolders(sql, id);
  deleteUserRow(sql, id);
  const what = folder.folderKept ? `archive folder kept (${folder.messages} messages)` : 'empty archive folder removed';
  return { ...c, reason: `${c.reason}; ${what}` };
}
