/** The Users list one page at a time from the embedded store (the filter and order: ../users-page.ts). */
import type { UsersPage, UsersPageQuery } from '../../../../shared/users-page';
import { pageFilter, pageRow } from '../users-page';
import { num, type Sql } from './sql';
import { loadUsers } from './user-store';

/** A page from the embedded store. */
export function sqliteUsersPage(sql: Sql, q: UsersPageQuery): UsersPage {
  const f = pageFilter(q, 'LIKE', 'u.user_name COLLATE NOCASE', 'u.full_name COLLATE NOCASE');
  const all = num(sql.one('SELECT count(*) FROM users')?.[0]);
  let total: number;
  let ids: number[];
  if (q.search.trim()) {
    // A search scans every user and matches few: one pass gives the matching ids in order, so the
    // total is their number and the page a slice, instead of a count and a second scan.
    const matching = sql.all(`SELECT u.id FROM users u WHERE ${f.where} ORDER BY ${f.order}`, f.params);
    total = matching.length;
    ids = matching.slice(q.offset, q.offset + q.limit).map((r) => num(r[0]));
  } else {
    // No search: the count and the page's ids each read an index or a column (a filter by
    // authentication or privilege may match all 100,000, too many to list for one page).
    total = f.where === 'TRUE' ? all : num(sql.one(`SELECT count(*) FROM users u WHERE ${f.where}`, f.params)?.[0]);
    ids = sql
      .all(`SELECT u.id FROM users u WHERE ${f.where} ORDER BY ${f.order} LIMIT ? OFFSET ?`, [
        ...f.params,
        q.limit,
        q.offset,
      ])
      .map((r) => num(r[0]));
  }
  // The page's users in one load, put back in the page's order.
  const byId = new Map(loadUsers(sql, ids).map((u) => [u.id, u]));
  const rows = ids.flatMap((id) => {
    const u = byId.get(id);
    return u ? [pageRow(u)] : [];
  });
  return { rows, total, all };
}
