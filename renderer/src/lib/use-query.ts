/** Loading one channel's answer into component state. */
import { useCallback, useEffect, useState } from 'react';
import type { ChannelInput, ChannelName, ChannelOutput } from '../../../shared/contract';
import type { AppError } from '../../../shared/result';
import { call } from './call';

/** What a query holds: the latest answer, the latest error, and whether a call is under way. */
export interface QueryState<T> {
  data: T | undefined;
  error: AppError | null;
  loading: boolean;
  reload: () => void;
}

/**
 * Calls `channel` on mount and whenever `input` changes (compared by value), and on `reload()`.
 *
 * A stale answer (the input changed meanwhile) is dropped; the last good data stays on error.
 */
export function useQuery<C extends ChannelName>(
  channel: C,
  input: ChannelInput<C>,
  enabled = true,
): QueryState<ChannelOutput<C>> {
  const [data, setData] = useState<ChannelOutput<C> | undefined>(undefined);
  const [error, setError] = useState<AppError | null>(null);
  const [loading, setLoading] = useState(enabled);
  const [tick, setTick] = useState(0);
  const key = JSON.stringify(input);

  useEffect(() => {
    if (!enabled) return;
    let live = true;
    setLoading(true);
    void call(channel, JSON.parse(key) as ChannelInput<C>).then((r) => {
      if (!live) return;
      setLoading(false);
      if (r.ok) {
        setData(r.value);
        setError(null);
      } else {
        setError(r.error);
      }
    });
    return () => {
      live = false;
    };
  }, [channel, key, enabled, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}
