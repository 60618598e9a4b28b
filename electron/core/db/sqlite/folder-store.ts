/**
 * Archive folders and archived message metadata in SQL.
 *
 * Every user has a folder named after it. Deleting a user keeps a folder that holds messages
 * (owner null) and removes an empty one; creating a user of that name later re-attaches it.
 */
import type { ArchiveFolder, ArchivedMessage, FolderAccess } from '../../../../shared/model';
import { UserError } from '../../../../shared/result';
import type { MessageMeta } from '../port';
import type { AccessFlags } from '../store-common';
import { type Sql, num, str } from './sql';

/** A folder's id and owner id, by name (case-insensitive), or null. */
export function findFolder(sql: Sql, name: string): { id: number; ownerId: number | null; name: string } | null {
  const row = sql.one('SELECT id, owner_id, name FROM folders WHERE name = ?', [name]);
  if (!row) return null;
  return { id: num(row[0]), ownerId: row[1] === null ? null : num(row[1]), name: str(row[2]) };
}

/**
 * Gives a user its own folder: the existing folder of that name when it has no owner
 * (re-attached after an earlier deletion), or a new one. Returns the folder id and whether it was
 * re-attached.
 */
export function attachOwnFolder(
  sql: Sql,
  now: string,
  userId: number,
  userName: string,
  access: AccessFlags,
): { id: number; reattached: boolean } {
  const existing = findFolder(sql, userName);
  let id: number;
  let reattached = false;
  if (existing) {
    if (existing.ownerId !== null && existing.ownerId !== userId) {
      throw new UserError('exists', `the archive folder ${existing.name} belongs to another user`);
    }
    id = existing.id;
    reattached = existing.ownerId === null;
    if (reattached) sql.run('UPDATE folders SET owner_id = ? WHERE id = ?', [userId, id]);
  } else {
    id = sql.insert('INSERT INTO folders (name, owner_id, created_at) VALUES (?, ?, ?)', [userName, userId, now]);
  }
  setAccessRow(sql, userId, id, access);
  return { id, reattached };
}

/** Sets (inserts or replaces) one access row. */
export function setAccessRow(sql: Sql, userId: number, folderId: number, a: AccessFlags): void {
  sql.run(
    `INSERT INTO folder_access (user_id, folder_id, can_read, can_write, can_delete) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (user_id, folder_id) DO UPDATE SET can_read = excluded.can_read, can_write = excluded.can_write, can_delete = excluded.can_delete`,
    [userId, folderId, a.read ? 1 : 0, a.write ? 1 : 0, a.delete ? 1 : 0],
  );
}

/** Replaces all of a user's folder access; every folder named must exist. Entries with no access are dropped. */
export function replaceAccess(sql: Sql, userId: number, entries: readonly FolderAccess[]): void {
  sql.run('DELETE FROM folder_access WHERE user_id = ?', [userId]);
  for (const e of entries) {
    if (!e.read && !e.write && !e.delete) continue;
    const folder = findFolder(sql, e.folder);
    if (!folder) throw new UserError('notFound', `there is no archive folder named ${e.folder}`);
    setAccessRow(sql, userId, folder.id, e);
  }
}

/** Messages in a folder. */
export function messageCount(sql: Sql, folderId: number): number {
  return num(sql.one('SELECT count(*) FROM messages WHERE folder_id = ?', [folderId])?.[0]);
}

/**
 * Detaches a user's own folders before the user goes: a folder with messages stays without
 * owner, an empty one is removed. Reports what happened to the folder named after the user.
 */
export function releaseFolders(sql: Sql, userId: number): { folderKept: boolean; messages: number } {
  let result = { folderKept: false, messages: 0 };
  for (const row of sql.all('SELECT id FROM folders WHERE owner_id = ?', [userId])) {
    const id = num(row[0]);
    const messages = messageCount(sql, id);
    if (messages > 0) {
      sql.run('UPDATE folders SET owner_id = NULL WHERE id = ?', [id]);
      result = { folderKept: true, messages };
    } else {
      sql.run('DELETE FROM folder_access WHERE folder_id = ?', [id]);
      sql.run('DELETE FROM folders WHERE id = ?', [id]);
    }
  }
  return result;
}

/** All folders in name order, with owner and message count. */
export function listFolderRows(sql: Sql): ArchiveFolder[] {
  const counts = new Map<number, number>();
  sql.each('SELECT folder_id, count(*) FROM messages GROUP BY folder_id', [], (r) => counts.set(num(r[0]), num(r[1])));
  return sql
    .all(
      'SELECT f.id, f.name, u.user_name FROM folders f LEFT JOIN users u ON u.id = f.owner_id ORDER BY f.name COLLATE NOCASE',
    )
    .map((r) => ({ name: str(r[1]), owner: r[2] === null ? null : str(r[2]), messages: counts.get(num(r[0])) ?? 0 }));
}

/** Adds message metadata to a folder. */
export function insertMessages(sql: Sql, now: string, folderId: number, metas: readonly MessageMeta[]): void {
  for (const m of metas) {
    sql.run(
      'INSERT INTO messages (folder_id, subject, sender, date, size, message_id, archived_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [folderId, m.subject, m.from, m.date, m.size, m.messageId, now],
    );
  }
}

/** The newest messages of a folder (by date, undated last). */
export function latestMessageRows(sql: Sql, folderId: number, limit: number): ArchivedMessage[] {
  return sql
    .all(
      'SELECT subject, sender, date, size FROM messages WHERE folder_id = ? ORDER BY date IS NULL, date DESC, id DESC LIMIT ?',
      [folderId, limit],
    )
    .map((r) => ({ subject: str(r[0]), from: str(r[1]), date: r[2] === null ? null : str(r[2]), size: num(r[3]) }));
}
