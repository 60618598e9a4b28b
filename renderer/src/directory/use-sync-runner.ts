/**
 * Test Settings and Synchronize now: one run at a time, its progress from `sync:progress`,
 * its report, its error, and cancellation of a test.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ChannelOutput, ChannelParsedInput, EventPayload } from '../../../shared/contract';
import type { AppError, Result } from '../../../shared/result';
import { api } from '../api';
import { call } from '../lib/call';

type Report = ChannelOutput<'sync:test'>;
type Probe = ChannelParsedInput<'sync:test'>;
type Progress = EventPayload<'sync:progress'>;

const PROGRESS_MS = 150;

/** Which run is under way. */
export type RunKind = 'test' | 'sync';

/** The runner's state and actions. */
export interface SyncRunner {
  running: RunKind | null;
  progress: EventPayload<'sync:progress'> | null;
  report: Report | null;
  /** Counts the reports received, so a view can start afresh (filter reset) with a new one. */
  reportSeq: number;
  error: AppError | null;
  /** Set when the last run ended because Cancel was pressed. */
  cancelled: boolean;
  test: (probe: Probe) => Promise<Result<Report>>;
  /** `before` runs first, inside the run (its progress shows): Synchronize now saves the settings there. */
  sync: (probe: Probe, confirmDeletes: boolean, before?: () => Promise<Result<unknown>>) => Promise<Result<Report>>;
  cancel: () => void;
  clearError: () => void;
  clearCancelled: () => void;
}

/** The runner hook. */
export function useSyncRunner(): SyncRunner {
  const [running, setRunning] = useState<RunKind | null>(null);
  const [progress, setProgress] = useState<EventPayload<'sync:progress'> | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const [reportSeq, setReportSeq] = useState(0);
  const [error, setError] = useState<AppError | null>(null);
  const [cancelled, setCancelled] = useState(false);
  const cancelRequested = useRef(false);
  const runningRef = useRef<RunKind | null>(null);

  // A long read pushes many progress events: a new phase shows at once, counts at most every
  // PROGRESS_MS, so the page re-renders a few times a second rather than per event.
  useEffect(() => {
    let latest: Progress | null = null;
    let shownPhase: Progress['phase'] | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const flush = () => {
      timer = null;
      if (runningRef.current && latest) setProgress(latest);
    };
    const off = api.on('sync:progress', (p) => {
      if (!runningRef.current) return;
      latest = p;
      if (p.phase !== shownPhase) {
        shownPhase = p.phase;
        if (timer) clearTimeout(timer);
        flush();
      } else timer ??= setTimeout(flush, PROGRESS_MS);
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, []);

  const start = useCallback(async (kind: RunKind, go: () => Promise<Result<Report>>) => {
    runningRef.current = kind;
    cancelRequested.current = false;
    setRunning(kind);
    setProgress(null);
    setError(null);
    setCancelled(false);
    const r = await go();
    runningRef.current = null;
    setRunning(null);
    setProgress(null);
    if (r.ok) {
      setReport(r.value);
      setReportSeq((n) => n + 1);
    } else if (cancelRequested.current || r.error.code === 'cancelled') setCancelled(true);
    else setError(r.error);
    return r;
  }, []);

  const test = useCallback((probe: Probe) => start('test', () => call('sync:test', probe)), [start]);
  const sync = useCallback(
    (probe: Probe, confirmDeletes: boolean, before?: () => Promise<Result<unknown>>) =>
      start('sync', async () => {
        const ready = before ? await before() : null;
        if (ready && !ready.ok) return ready;
        return call('sync:run', { ...probe, confirmDeletes });
      }),
    [start],
  );
  const cancel = useCallback(() => {
    cancelRequested.current = true;
    void call('sync:cancel', {}).then((r) => {
      if (!r.ok) setError(r.error);
    });
  }, []);

  const clearError = useCallback(() => setError(null), []);
  const clearCancelled = useCallback(() => setCancelled(false), []);

  return {
    running,
    progress,
    report,
    reportSeq,
    error,
    cancelled,
    test,
    sync,
    cancel,
    clearError,
    clearCancelled,
  };
}
