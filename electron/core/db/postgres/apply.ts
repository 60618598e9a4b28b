/**
 * Applies a synchronization plan in PostgreSQL, set-based: every table is written by one
 * statement over arrays (unnest), so 100,000 creates are a handful of round trips, not 100,000.
 *
 * Runs inside the caller's transaction; any failure rolls all of it back. Same outcome as the
 * SQLite store's apply.ts: creates get Directory Services authentication, the default privileges
 * and their own folder (an orphaned one of that name re-attached); updates touch full name and
 * addresses; deletes remove Directory Services users only, keeping a folder with messages.
 */
import type { Change } from '../../../../shared/model';
import type { DefaultPrivileges } from '../../../../shared/settings';
import { UserError } from '../../../../shared/result';
import type { PlanToApply } from '../port';
import { type Db, deleteUserRow, findUser } from './users';
import { releaseFolders } from './folders';
import { isAdmin, normalizePrivileges } from '../store-common';

type Synced = Pick<Change, 'userName' | 'fullName' | 'emailAddresses'>;

/** Addresses of users whose ids are known, as three parallel arrays: user id, position, address. */
function addressArrays(ids: readonly number[], users: readonly Synced[]): [number[], number[], string[]] {
  const owners: number[] = [];
  const positions: number[] = [];
  const addresses: string[] = [];
  users.forEach((u, i) =>
    u.emailAddresses.forEach((a, p) => {
      owners.push(ids[i] as number);
      positions.push(p);
      addresses.push(a);
    }),
  );
  return [owners, positions, addresses];
}

async function insertAddresses(db: Db, ids: readonly number[], users: readonly Synced[]): Promise<void> {
  await db.query(
    'INSERT INTO user_emails (user_id, position, address) SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[])',
    addressArrays(ids, users),
  );
}

/** `count` fresh ids of a table's identity sequence, in one round trip. */
async function nextIds(db: Db, table: 'users' | 'folders', count: number): Promise<number[]> {
  const r = await db.query<{ id: string }>(
    `SELECT nextval(pg_get_serial_sequence('${table}', 'id')) AS id FROM generate_series(1, $1)`,
    [count],
  );
  return r.rows.map((x) => Number(x.id));
}

/**
 * Creates Directory Services users; returns the lower-cased names whose folder was re-attached.
 * Ids come from the sequences up front, so every table is one INSERT over arrays with no join.
 */
async function createUsers(
  db: Db,
  now: string,
  creates: readonly Synced[],
  defaults: DefaultPrivileges,
): Promise<Set<string>> {
  if (creates.length === 0) return new Set();
  const names = creates.map((c) => c.userName);
  const lowered = names.map((n) => n.toLowerCase());
  const taken = await db.query<{ user_name: string }>(
    'SELECT user_name FROM users WHERE lower(user_name) = ANY ($1::text[]) LIMIT 1',
    [lowered],
  );
  if (taken.rows[0]) throw new UserError('exists', `a user named ${taken.rows[0].user_name} already exists`);
  const ids = await nextIds(db, 'users', creates.length);
  await db.query(
    `INSERT INTO users (id, user_name, full_name, authentication, built_in, created_at, updated_at)
     SELECT i, n, f, 'directoryServices', false, $4, $4 FROM unnest($1::bigint[], $2::text[], $3::text[]) AS t(i, n, f)`,
    [ids, names, creates.map((c) => c.fullName), now],
  );
  await insertAddresses(db, ids, creates);
  await db.query(
    'INSERT INTO user_privileges (user_id, privilege) SELECT i, p FROM unnest($1::bigint[]) i, unnest($2::text[]) p',
    [ids, normalizePrivileges(defaults.privileges)],
  );
  // Folders already named like a new user: few (orphans to re-attach, or a clash).
  const existing = await db.query<{ id: string; name: string; owner_id: string | null }>(
    'SELECT id, name, owner_id FROM folders WHERE lower(name) = ANY ($1::text[])',
    [lowered],
  );
  const byName = new Map(existing.rows.map((f) => [f.name.toLowerCase(), f]));
  const folderIds: number[] = [];
  const fresh: number[] = [];
  const claims: [number[], number[]] = [[], []];
  const reattached = new Set<string>();
  const newIds = await nextIds(db, 'folders', creates.length - existing.rows.length);
  let k = 0;
  creates.forEach((c, i) => {
    const f = byName.get(lowered[i] as string);
    if (f && f.owner_id !== null) throw new UserError('exists', `the archive folder ${f.name} belongs to another user`);
    if (f) {
      reattached.add(lowered[i] as string);
      claims[0].push(Number(f.id));
      claims[1].push(ids[i] as number);
      folderIds.push(Number(f.id));
    } else {
      const id = newIds[k++] as number;
      fresh.push(i);
      folderIds.push(id);
    }
  });
  if (claims[0].length > 0)
    await db.query(
      'UPDATE folders f SET owner_id = t.o FROM unnest($1::bigint[], $2::bigint[]) AS t(f, o) WHERE f.id = t.f',
      claims,
    );
  await db.query(
    'INSERT INTO folders (id, name, owner_id, created_at) SELECT i, n, o, $4 FROM unnest($1::bigint[], $2::text[], $3::bigint[]) AS t(i, n, o)',
    [fresh.map((i) => folderIds[i]), fresh.map((i) => names[i]), fresh.map((i) => ids[i]), now],
  );
  const own = defaults.ownFolder;
  await db.query(
    `INSERT INTO folder_access (user_id, folder_id, can_read, can_write, can_delete)
     SELECT u, f, $3, $4, $5 FROM unnest($1::bigint[], $2::bigint[]) AS t(u, f)`,
    [ids, folderIds, own.read, own.write, own.delete],
  );
  return reattached;
}

async function updateUsers(db: Db, now: string, updates: readonly Synced[]): Promise<void> {
  if (updates.length === 0) return;
  const r = await db.query<{ id: string; n: string }>(
    `UPDATE users u SET full_name = t.f, updated_at = $3 FROM unnest($1::text[], $2::text[]) AS t(n, f)
     WHERE lower(u.user_name) = t.n RETURNING u.id, t.n`,
    [updates.map((u) => u.userName.toLowerCase()), updates.map((u) => u.fullName), now],
  );
  if (r.rows.length !== updates.length)
    throw new Error(`${updates.length - r.rows.length} users to update disappeared while the plan was applied`);
  const idOf = new Map(r.rows.map((x) => [x.n, Number(x.id)]));
  const ids = updates.map((u) => idOf.get(u.userName.toLowerCase()) as number);
  await db.query('DELETE FROM user_emails WHERE user_id = ANY ($1::bigint[])', [ids]);
  await insertAddresses(db, ids, updates);
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
  { changes, defaults, onProgress, appliedReason }: PlanToApply,
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
    } else if (c.action === 'create') {
      const reason = appliedReason(c.reason, reattached.has(c.userName.toLowerCase()));
      out.push(reason === c.reason ? c : { ...c, reason });
    } else out.push(c);
  }
  onProgress?.(total, total);
  return out;
}
