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
  // Without a filter the page's total is the count of all: one count, not two.
  const counts = await db.query<{ all: string; total: string }>(
    f.where === 'TRUE'
      ? 'SELECT count(*) AS all, count(*) AS total FROM users'
      : `SELECT (SELECT count(*) FROM users) AS all, (SELECT count(*) FROM users u WHERE ${where}) AS total`,
    f.params,
  );
  const ids = await db.query<{ id: string }>(
    `SELECT u.id FROM users u WHERE ${where} ORDER BY ${f.order} LIMIT $${f.params.length + 1} OFFSET $${f.params.length + 2}`,
    [...f.params, q.limit, q.offset],
  );
  // The page's users in one query, put back in the page's order.
  const order = ids.rows.map((r) => Number(r.id));
  const byId = new Map((order.length ? await loadUsers(db, order) : []).map((u) => [u.id, u]));
  return {
    rows: order.flatMap((id) => {
      const u = byId.get(id);
      return u ? [pageRow(u)] : [];
    }),
    total: Number(counts.rows[0]?.total ?? 0),
    all: Number(counts.rows[0]?.all ?? 0),
  };
}
