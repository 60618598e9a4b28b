/**
 * Applies a synchronization plan in PostgreSQL, set-based: every table is written by one
 * statement over arrays (unnest), so 100,000 creates are a handful of round trips, not 100,000.
 *
 * Runs inside the caller's transaction; any failure rolls all of it back. Same outcome as the
 * SQLite store's apply.ts: creates get Directory Services authentication, the default privileges
 * and their own folder (an orphaned one of that name re-attached); updates touch full name and
 * addresses; deletes remove Directory Services users only, keeping a folder with messages.
 */
import type { Change } from '../../../shared/model';
import type { DefaultPrivileges } from '../../../shared/settings';
import { UserError } from '../../../shared/result';
import type { ApplyProgress } from './repository';
import { type Db, deleteUserRow, findUser, releaseFolders } from './pg-users';
import { isAdmin } from './user-input';
import { normalizePrivileges } from './user-store';

type Synced = Pick<Change, 'userName' | 'fullName' | 'emailAddresses'>;

/** Addresses as three parallel arrays: owner name, position, address. */
function addressArrays(users: readonly Synced[]): [string[], number[], string[]] {
  const names: string[] = [];
  const positions: number[] = [];
  const addresses: string[] = [];
  for (const u of users)
    u.emailAddresses.forEach((a, i) => {
      names.push(u.userName);
      positions.push(i);
      addresses.push(a);
    });
  return [names, positions, addresses];
}

async function insertAddresses(db: Db, users: readonly Synced[]): Promise<void> {
  await db.query(
    `INSERT INTO user_emails (user_id, position, address)
     SELECT u.id, e.p, e.a FROM unnest($1::text[], $2::int[], $3::text[]) AS e(n, p, a)
     JOIN users u ON lower(u.user_name) = lower(e.n)`,
    addressArrays(users),
  );
}

/** Creates Directory Services users; returns the lower-cased names whose folder was re-attached. */
async function createUsers(
  db: Db,
  now: string,
  creates: readonly Synced[],
  defaults: DefaultPrivileges,
): Promise<Set<string>> {
  if (creates.length === 0) return new Set();
  const names = creates.map((c) => c.userName);
  const taken = await db.query<{ user_name: string }>(
    'SELECT user_name FROM users WHERE lower(user_name) = ANY (SELECT lower(n) FROM unnest($1::text[]) n) LIMIT 1',
    [names],
  );
  if (taken.rows[0]) throw new UserError('exists', `a user named ${taken.rows[0].user_name} already exists`);
  await db.query(
    `INSERT INTO users (user_name, full_name, authentication, built_in, created_at, updated_at)
     SELECT n, f, 'directoryServices', false, $3, $3 FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(n, f, o) ORDER BY o`,
    [names, creates.map((c) => c.fullName), now],
  );
  await insertAddresses(db, creates);
  await db.query(
    `INSERT INTO user_privileges (user_id, privilege)
     SELECT u.id, p FROM unnest($1::text[]) n JOIN users u ON lower(u.user_name) = lower(n), unnest($2::text[]) p`,
    [names, normalizePrivileges(defaults.privileges)],
  );
  const reattached = await db.query<{ n: string }>(
    `UPDATE folders f SET owner_id = u.id FROM unnest($1::text[]) n JOIN users u ON lower(u.user_name) = lower(n)
     WHERE lower(f.name) = lower(n) AND f.owner_id IS NULL RETURNING lower(f.name) AS n`,
    [names],
  );
  const clash = await db.query<{ name: string }>(
    `SELECT f.name FROM unnest($1::text[]) n JOIN users u ON lower(u.user_name) = lower(n)
     JOIN folders f ON lower(f.name) = lower(n) WHERE f.owner_id IS DISTINCT FROM u.id LIMIT 1`,
    [names],
  );
  if (clash.rows[0]) throw new UserError('exists', `the archive folder ${clash.rows[0].name} belongs to another user`);
  await db.query(
    `INSERT INTO folders (name, owner_id, created_at)
     SELECT n, u.id, $2 FROM unnest($1::text[]) WITH ORDINALITY AS t(n, o) JOIN users u ON lower(u.user_name) = lower(n)
     WHERE NOT EXISTS (SELECT 1 FROM folders f WHERE lower(f.name) = lower(n)) ORDER BY o`,
    [names, now],
  );
  const own = defaults.ownFolder;
  await db.query(
    `INSERT INTO folder_access (user_id, folder_id, can_read, can_write, can_delete)
     SELECT u.id, f.id, $2, $3, $4 FROM unnest($1::text[]) n JOIN users u ON lower(u.user_name) = lower(n)
     JOIN folders f ON lower(f.name) = lower(n) AND f.owner_id = u.id`,
    [names, own.read, own.write, own.delete],
  );
  return new Set(reattached.rows.map((r) => r.n));
}

async function updateUsers(db: Db, now: string, updates: readonly Synced[]): Promise<void> {
  if (updates.length === 0) return;
  const names = updates.map((u) => u.userName);
  const r = await db.query(
    `UPDATE users u SET full_name = t.f, updated_at = $3 FROM unnest($1::text[], $2::text[]) AS t(n, f)
     WHERE lower(u.user_name) = lower(t.n)`,
    [names, updates.map((u) => u.fullName), now],
  );
  if (r.rowCount !== updates.length)
    throw new Error(`${updates.length - (r.rowCount ?? 0)} users to update disappeared while the plan was applied`);
  await db.query(
    `DELETE FROM user_emails e USING users u WHERE e.user_id = u.id
     AND lower(u.user_name) = ANY (SELECT lower(n) FROM unnest($1::text[]) n)`,
    [names],
  );
  await insertAddresses(db, updates);
}

async function deleteOne(db: Db, c: Change): Promise<Change> {
  const u = await findUser(db, c.userName);
  if (!u) throw new Error(`the user ${c.userName} disappeared while the plan was applied`);
  if (u.authentication !== 'directoryServices' || u.builtIn || isAdmin(u.userName))
    throw new Error(`refusing to delete ${c.userName}: not a Directory Services user`);
  const folder = await releaseFolders(db, u.id);
  await deleteUserRow(db, u.id);
  const what = folder.folderKept ? `archive folder kept (${folder.messages} messages)` : 'empty archive folder removed';
  return { ...c, reason: `${c.reason}; ${what}` };
}

/** Applies `changes` inside the caller's transaction; returns them as committed. */
export async function applyPlanPg(
  db: Db,
  now: string,
  changes: readonly Change[],
  defaults: DefaultPrivileges,
  onProgress?: ApplyProgress,
): Promise<Change[]> {
  const total = changes.length;
  onProgress?.(0, total);
  const reattached = await createUsers(
    db,
    now,
    changes.filter((c) => c.action === 'create'),
    defaults,
  );
  let done = changes.filter((c) => c.action === 'create').length;
  onProgress?.(done, total);
  const updates = changes.filter((c) => c.action === 'update');
  await updateUsers(db, now, updates);
  done += updates.length;
  onProgress?.(done, total);
  const out: Change[] = [];
  for (const c of changes) {
    if (c.action === 'delete') {
      out.push(await deleteOne(db, c));
      if (++done % 1000 === 0) onProgress?.(done, total);
    } else if (c.action === 'create' && reattached.has(c.userName.toLowerCase())) {
      out.push({ ...c, reason: `${c.reason}; existing archive folder re-attached` });
    } else out.push(c);
  }
  onProgress?.(total, total);
  return out;
}
