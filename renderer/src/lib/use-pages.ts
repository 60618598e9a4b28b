/**
 * Rows a server pages (the Users list, a run's results): the first page at once, further pages as
 * a table scrolls to them, all dropped and asked again when the query changes or on reload. The
 * browser holds the pages looked at, not the whole list.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppError, Result } from '../../../shared/result';

/** A page as the server answers it: its rows, the rows matching the query, and all rows. */
export interface Page<Row> {
  rows: Row[];
  total: number;
  all: number;
}

/** Asks for the rows `offset`..`offset + limit` of the current query. */
export type FetchPage<Row> = (offset: number, limit: number) => Promise<Result<Page<Row>>>;

/** The loaded pages and their totals. */
export interface Pages<Row> {
  /** Rows matching the query (null until the first page arrives). */
  total: number | null;
  /** All rows. */
  all: number | null;
  /** The row at an index, or undefined while its page loads. */
  rowAt: (index: number) => Row | undefined;
  /** Asks for the pages of rows `start`..`end` not yet loaded. */
  ensure: (start: number, end: number) => void;
  loading: boolean;
  error: AppError | null;
  reload: () => void;
}

/**
 * The pages of a query. `key` names the query (a new key starts afresh); `fetch` is read when a
 * page is asked for. `seed`, when given for the first key, is its first page (no call for it).
 */
export function usePages<Row>(key: string, fetch: FetchPage<Row>, pageSize: number, seed?: Page<Row>): Pages<Row> {
  const [pages, setPages] = useState<Map<number, Row[]>>(new Map());
  const [totals, setTotals] = useState<{ total: number; all: number } | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [pending, setPending] = useState(0);
  const [tick, setTick] = useState(0);
  const asked = useRef(new Set<number>());
  const generation = useRef(0);
  const fetchRef = useRef(fetch);
  fetchRef.current = fetch;
  const seeded = useRef<{ key: string; page: Page<Row> } | null>(seed ? { key, page: seed } : null);

  const load = useCallback(
    (page: number) => {
      if (asked.current.has(page)) return;
      asked.current.add(page);
      const mine = generation.current;
      setPending((n) => n + 1);
      void fetchRef.current(page * pageSize, pageSize).then((r) => {
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
    // A new key is a new query: the loader (and with it the reset below) changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [key, pageSize],
  );

  useEffect(() => {
    generation.current++;
    asked.current = new Set();
    setPending(0);
    const seed = seeded.current;
    seeded.current = null;
    if (seed && seed.key === key && tick === 0) {
      // The first page came with the answer that made the query: shown without a call.
      asked.current.add(0);
      setError(null);
      setTotals({ total: seed.page.total, all: seed.page.all });
      setPages(new Map([[0, seed.page.rows]]));
      return;
    }
    setPages(new Map());
    load(0);
  }, [load, tick, key]);

  const rowAt = useCallback((i: number) => pages.get(Math.floor(i / pageSize))?.[i % pageSize], [pages, pageSize]);
  const ensure = useCallback(
    (start: number, end: number) => {
      for (let p = Math.floor(Math.max(0, start) / pageSize); p <= Math.floor(end / pageSize); p++) load(p);
    },
    [load, pageSize],
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
