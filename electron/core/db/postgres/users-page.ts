/** The Users list one page at a time from PostgreSQL: the same filter and order as the embedded store. */
import type { UsersPage, UsersPageQuery } from '../../../../shared/users-page';
import { loadUsers, type Db } from './users';
import { pageFilter, pageRow } from '../users-page';

/** Numbers the `?` placeholders of `text` from `$first`. */
function numbered(text: string, first = 1): string {
  let n = first;
  return text.replace(/\?/g, () => `$${n++}`);
}

/** A page from PostgreSQL. */
export async function pgUsersPage(db: Db, q: UsersPageQuery): Promise<UsersPage> {
  const f = pageFilter(q, 'ILIKE', 'lower(u.user_name) COLLATE "C"', 'lower(u.full_name) COLLATE "C"');
  const where = numbered(f.where);
  const counts = await db.query<{ all: string; total: string }>(
    `SELECT (SELECT count(*) FROM users) AS all, (SELECT count(*) FROM users u WHERE ${where}) AS total`,
    f.params,
  );
  const ids = await db.query<{ id: string }>(
    `SELECT u.id FROM users u WHERE ${where} ORDER BY ${f.order} LIMIT $${f.params.length + 1} OFFSET $${f.params.length + 2}`,
    [...f.params, q.limit, q.offset],
  );
  const loaded = await Promise.all(ids.rows.map((r) => loadUsers(db, Number(r.id))));
  return {
    rows: loaded.flat().map(pageRow),
    total: Number(counts.rows[0]?.total ?? 0),
    all: Number(counts.rows[0]?.all ?? 0),
  };
}
