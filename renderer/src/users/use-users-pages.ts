/**
 * The Users list as the server pages it (`users:page`): the first page at once, further pages as
 * the table scrolls to them, all dropped and asked again when the query changes or on reload.
 * At 100,000 users the browser holds the pages looked at, not the whole list.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ChannelOutput } from '../../../shared/contract';
import type { UsersPageQuery } from '../../../shared/users-page';
import type { AppError } from '../../../shared/result';
import { call } from '../lib/call';

type Row = ChannelOutput<'users:page'>['rows'][number];

/** Rows per page asked of the server. */
export const PAGE_SIZE = 100;

/** What the list needs to sort, search and filter. */
export type UsersListQuery = Omit<UsersPageQuery, 'offset' | 'limit'>;

/** The loaded pages and their totals. */
export interface UsersPages {
  /** Users matching the query (null until the first page arrives). */
  total: number | null;
  /** All users. */
  all: number | null;
  /** The row at an index, or undefined while its page loads. */
  rowAt: (index: number) => Row | undefined;
  /** Asks for the pages of rows `start`..`end` not yet loaded. */
  ensure: (start: number, end: number) => void;
  loading: boolean;
  error: AppError | null;
  reload: () => void;
}

/** The pages of a query. */
export function useUsersPages(query: UsersListQuery): UsersPages {
  const key = JSON.stringify(query);
  const [pages, setPages] = useState<Map<number, Row[]>>(new Map());
  const [totals, setTotals] = useState<{ total: number; all: number } | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [pending, setPending] = useState(0);
  const [tick, setTick] = useState(0);
  const asked = useRef(new Set<number>());
  const generation = useRef(0);

  const load = useCallback(
    (page: number) => {
      if (asked.current.has(page)) return;
      asked.current.add(page);
      const mine = generation.current;
      setPending((n) => n + 1);
      const q = JSON.parse(key) as UsersListQuery;
      void call('users:page', { ...q, offset: page * PAGE_SIZE, limit: PAGE_SIZE }).then((r) => {
        if (mine !== generation.current) return;
        setPending((n) => n - 1);
        if (!r.ok) {
          asked.current.delete(page);
          setError(r.error);
          return;
        }
        setError(null);
        setTotals({ total: r.value.total, all: r.value.all });
        setPages((m) => new Map(m).set(page, r.value.rows));
      });
    },
    [key],
  );

  useEffect(() => {
    generation.current++;
    asked.current = new Set();
    setPages(new Map());
    setPending(0);
    load(0);
  }, [load, tick]);

  const rowAt = useCallback((i: number) => pages.get(Math.floor(i / PAGE_SIZE))?.[i % PAGE_SIZE], [pages]);
  const ensure = useCallback(
    (start: number, end: number) => {
      for (let p = Math.floor(Math.max(0, start) / PAGE_SIZE); p <= Math.floor(end / PAGE_SIZE); p++) load(p);
    },
    [load],
  );

  return {
    total: totals?.total ?? null,
    all: totals?.all ?? null,
    rowAt,
    ensure,
    loading: pending > 0,
    error,
    reload: useCallback(() => setTick((t) => t + 1), []),
  };
}
