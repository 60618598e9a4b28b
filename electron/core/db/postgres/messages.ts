/** Archived message metadata in PostgreSQL. */
import type { ArchivedMessage } from '../../../../shared/model';
import type { MessageMeta } from '../port';
import type { Db } from './users';

/** Messages in a folder. */
export async function messageCount(db: Db, folderId: number): Promise<number> {
  const r = await db.query<{ n: string }>('SELECT count(*) AS n FROM messages WHERE folder_id = $1', [folderId]);
  return Number(r.rows[0]?.n ?? 0);
}

/** Adds message metadata to a folder in one statement. */
export async function insertMessages(
  db: Db,
  now: string,
  folderId: number,
  metas: readonly MessageMeta[],
): Promise<void> {
  await db.query(
    `INSERT INTO messages (folder_id, subject, sender, date, size, message_id, archived_at)
     SELECT $1, s, f, d, z, i, $2 FROM unnest($3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[]) WITH ORDINALITY AS t(s, f, d, z, i, o) ORDER BY o`,
    [
      folderId,
      now,
      metas.map((m) => m.subject),
      metas.map((m) => m.from),
      metas.map((m) => m.date),
      metas.map((m) => m.size),
      metas.map((m) => m.messageId),
    ],
  );
}

/** The newest messages of a folder (by date, undated last). */
export async function latestMessages(db: Db, folderId: number, limit: number): Promise<ArchivedMessage[]> {
  const r = await db.query<{ subject: string; sender: string; date: string | null; size: string }>(
    'SELECT subject, sender, date, size FROM messages WHERE folder_id = $1 ORDER BY date IS NULL, date DESC, id DESC LIMIT $2',
    [folderId, limit],
  );
  return r.rows.map((m) => ({ subject: m.subject, from: m.sender, date: m.date, size: Number(m.size) }));
}
