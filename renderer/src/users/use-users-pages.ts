/**
 * The Users list as the server pages it (`users:page`), through the shared paging hook: the first
 * page at once, further pages as the table scrolls to them, all asked again when the query changes.
 */
import { useCallback } from 'react';
import type { ChannelOutput } from '../../../shared/contract';
import type { UsersPageQuery } from '../../../shared/users-page';
import { call } from '../lib/call';
import { usePages, type Pages } from '../lib/use-pages';

type Row = ChannelOutput<'users:page'>['rows'][number];

/** Rows per page asked of the server. */
export const PAGE_SIZE = 100;

/** What the list needs to sort, search and filter. */
export type UsersListQuery = Omit<UsersPageQuery, 'offset' | 'limit'>;

/** The loaded pages and their totals. */
export type UsersPages = Pages<Row>;

/** The pages of a query. */
export function useUsersPages(query: UsersListQuery): UsersPages {
  const key = JSON.stringify(query);
  const fetch = useCallback(
    (offset: number, limit: number) => call('users:page', { ...(JSON.parse(key) as UsersListQuery), offset, limit }),
    [key],
  );
  return usePages(key, fetch, PAGE_SIZE);
}
