/**
 * The Users list one page at a time (`users:page`), for both stores: the filter and order are
 * made into SQL here, once; each store counts and picks the page's ids with it, then loads only
 * those users (PostgreSQL in one query). At 100,000 users a page costs a count over the filter,
 * the ordered pick of its ids and the load of its hundred users.
 */
import { likePattern, type UsersPage, type UsersPageQuery } from '../../../shared/users-page';
import { publicUser, type UserRecord } from './port';

/** A WHERE clause (without the keyword, `TRUE` when there is no filter) and its parameters, `?` placeholders. */
export interface PageFilter {
  where: string;
  params: (string | number)[];
  order: string;
}

/**
 * The filter and order of a page query over `users u`. `like` is the store's case-insensitive
 * LIKE (SQLite's LIKE is; PostgreSQL's is ILIKE); `nameOrder` the column expression the store's
 * user-name index sorts by.
 */
export function pageFilter(q: UsersPageQuery, like: string, nameOrder: string, fullNameOrder: string): PageFilter {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (q.search.trim()) {
    const p = likePattern(q.search);
    where.push(
      `(u.user_name ${like} ? ESCAPE '\\' OR u.full_name ${like} ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM user_emails e WHERE e.user_id = u.id AND e.address ${like} ? ESCAPE '\\'))`,
    );
    params.push(p, p, p);
  }
  if (q.authentication !== 'all') {
    where.push('u.authentication = ?');
    params.push(q.authentication);
  }
  const has = (privs: string) =>
    `EXISTS (SELECT 1 FROM user_privileges p WHERE p.user_id = u.id AND p.privilege IN (${privs}))`;
  if (q.privilege === 'admin') where.push(has("'admin'"));
  if (q.privilege === 'login') where.push(has("'admin', 'login'"));
  if (q.privilege === 'none') where.push(`NOT ${has("'admin', 'login'")}`);
  const dir = q.descending ? 'DESC' : 'ASC';
  // Every key in one direction: the stores' indexes on these orders are read forwards or backwards.
  const order =
    q.sort === 'fullName'
      ? `${fullNameOrder} ${dir}, ${nameOrder} ${dir}, u.id ${dir}`
      : `${nameOrder} ${dir}, u.id ${dir}`;
  return { where: where.length ? where.join(' AND ') : 'TRUE', params, order };
}

/** The list row of a loaded user. */
export function pageRow(u: UserRecord): UsersPage['rows'][number] {
  return { ...publicUser(u), messages: u.messages };
}
