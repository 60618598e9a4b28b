/** Archive folders and folder access in PostgreSQL: the queries behind PgRepository and the user writes. */
import type { ArchiveFolder, FolderAccess } from '../../../../shared/model';
import { UserError } from '../../../../shared/result';
import type { AccessFlags } from '../store-common';
import { type Db, json } from './users';

/** A folder by name (case-insensitive), or null. */
export async function findFolder(
  db: Db,
  name: string,
): Promise<{ id: number; ownerId: number | null; name: string } | null> {
  const r = await db.query<{ id: string; owner_id: string | null; name: string }>(
    'SELECT id, owner_id, name FROM folders WHERE lower(name) = lower($1)',
    [name],
  );
  const row = r.rows[0];
  return row
    ? { id: Number(row.id), ownerId: row.owner_id === null ? null : Number(row.owner_id), name: row.name }
    : null;
}

/** Sets (inserts or replaces) one access row. */
export async function setAccess(db: Db, userId: number, folderId: number, a: AccessFlags): Promise<void> {
  await db.query(
    `INSERT INTO folder_access (user_id, folder_id, can_read, can_write, can_delete) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (user_id, folder_id) DO UPDATE SET can_read = excluded.can_read, can_write = excluded.can_write, can_delete = excluded.can_delete`,
    [userId, folderId, a.read, a.write, a.delete],
  );
}

/** Replaces all of a user's folder access; every folder named must exist. */
export async function replaceAccess(db: Db, userId: number, entries: readonly FolderAccess[]): Promise<void> {
  await db.query('DELETE FROM folder_access WHERE user_id = $1', [userId]);
  for (const e of entries) {
    if (!e.read && !e.write && !e.delete) continue;
    const folder = await findFolder(db, e.folder);
    if (!folder) throw new UserError('notFound', `there is no archive folder named ${e.folder}`);
    await setAccess(db, userId, folder.id, e);
  }
}

/** Gives a user its own folder, re-attaching an orphaned one of that name. */
export async function attachOwnFolder(
  db: Db,
  now: string,
  userId: number,
  userName: string,
  access: AccessFlags,
): Promise<void> {
  const existing = await findFolder(db, userName);
  let id: number;
  if (existing) {
    if (existing.ownerId !== null && existing.ownerId !== userId)
      throw new UserError('exists', `the archive folder ${existing.name} belongs to another user`);
    id = existing.id;
    if (existing.ownerId === null) await db.query('UPDATE folders SET owner_id = $1 WHERE id = $2', [userId, id]);
  } else {
    const r = await db.query<{ id: string }>(
      'INSERT INTO folders (name, owner_id, created_at) VALUES ($1, $2, $3) RETURNING id',
      [userName, userId, now],
    );
    id = Number(r.rows[0]?.id);
  }
  await setAccess(db, userId, id, access);
}

/** Detaches a user's folders before it goes: one with messages stays without owner, an empty one goes. */
export async function releaseFolders(db: Db, userId: number): Promise<{ folderKept: boolean; messages: number }> {
  const r = await db.query<{ id: string; n: string }>(
    'SELECT f.id, (SELECT count(*) FROM messages m WHERE m.folder_id = f.id) AS n FROM folders f WHERE f.owner_id = $1',
    [userId],
  );
  let result = { folderKept: false, messages: 0 };
  for (const row of r.rows) {
    const messages = Number(row.n);
    if (messages > 0) {
      await db.query('UPDATE folders SET owner_id = NULL WHERE id = $1', [row.id]);
      result = { folderKept: true, messages };
    } else {
      await db.query('DELETE FROM folder_access WHERE folder_id = $1', [row.id]);
      await db.query('DELETE FROM folders WHERE id = $1', [row.id]);
    }
  }
  return result;
}

/** All folders in name order, with owner and message count. */
export async function listFolders(db: Db): Promise<ArchiveFolder[]> {
  const rows = await json<[string, string | null, number][]>(
    db,
    `SELECT coalesce(json_agg(json_build_array(f.name, u.user_name, coalesce(m.n, 0)) ORDER BY lower(f.name) COLLATE "C"), '[]')::text AS j
     FROM folders f LEFT JOIN users u ON u.id = f.owner_id
     LEFT JOIN (SELECT folder_id, count(*) AS n FROM messages GROUP BY folder_id) m ON m.folder_id = f.id`,
  );
  return rows.map(([name, owner, messages]) => ({ name, owner, messages: Number(messages) }));
}
