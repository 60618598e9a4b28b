/**
 * One page of the Users list, asked of the server: sorted, searched and filtered there, so a list
 * of 100,000 users costs the browser (and the service) one page at a time, with the totals.
 */
import { z } from 'zod';
import { ArchiveUser } from './model';

/** Which users a page is taken from, and in what order. */
export const UsersPageQuery = z.object({
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(500).default(100),
  /** Part of the user name, full name or an address, any case. */
  search: z.string().max(200).default(''),
  sort: z.enum(['userName', 'fullName']).default('userName'),
  descending: z.boolean().default(false),
  authentication: z.enum(['all', 'integrated', 'directoryServices']).default('all'),
  /** `admin`: administrators; `login`: may log on (administrators included); `none`: may not log on. */
  privilege: z.enum(['all', 'admin', 'login', 'none']).default('all'),
});
export type UsersPageQuery = z.infer<typeof UsersPageQuery>;

/** A user as the list shows it: the public fields and the message count of the own folder. */
export const UsersPageRow = ArchiveUser.extend({ messages: z.number().int() });

/** The page, the number of users matching the query, and of all users. */
export const UsersPage = z.object({
  rows: z.array(UsersPageRow),
  total: z.number().int(),
  all: z.number().int(),
});
export type UsersPage = z.infer<typeof UsersPage>;

/** `%…%` for LIKE / ILIKE with `\` as escape: the search's own `%`, `_` and `\` match themselves. */
export function likePattern(search: string): string {
  return `%${search.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
