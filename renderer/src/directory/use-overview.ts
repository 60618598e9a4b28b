/**
 * The App directory's groups and domains for the checklists, fetched as soon as the directory is
 * readable: debounced while the path is typed, stale answers dropped.
 */
import { useEffect, useRef, useState } from 'react';
import type { ChannelOutput, ChannelParsedInput } from '../../../shared/contract';
import type { AppError } from '../../../shared/result';
import { call } from '../lib/call';

type Overview = ChannelOutput<'mdaemon:overview'>;

/** The overview state. */
export interface OverviewState {
  overview: Overview | null;
  error: AppError | null;
  loading: boolean;
  refresh: () => void;
}

const DEBOUNCE_MS = 450;

/** Watches the connection part of the probe (not the sync options) and reloads the overview. */
export function useOverview(probe: ChannelParsedInput<'mdaemon:overview'> | null): OverviewState {
  const [overview, setOverview] = useState<Overview | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [loading, setLoading] = useState(false);
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  const latest = useRef(probe);
  latest.current = probe;

  const dir = probe?.settings.directory;
  const key = dir && dir.appDir.trim() ? JSON.stringify([dir, probe.sharePassword]) : '';

  useEffect(() => {
    const mine = ++seq.current;
    if (!key) {
      setOverview(null);
      setError(null);
      setLoading(false);
      return;
    }
    setLoading(true);
    setError(null);
    const timer = setTimeout(() => {
      const input = latest.current;
      if (!input) return;
      void call('mdaemon:overview', input).then((r) => {
        if (mine !== seq.current) return;
        setLoading(false);
        if (r.ok) {
          setOverview(r.value);
          setError(null);
        } else {
          setOverview(null);
          setError(r.error);
        }
      });
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [key, tick]);

  return { overview, error, loading, refresh: () => setTick((t) => t + 1) };
}
