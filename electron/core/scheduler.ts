/**
 * "Synchronize automatically every … hours": runs in whichever process holds the services (the
 * app, browser mode, the network service), whoever is logged on or not.
 *
 * The next run is computed from the history's last scheduled run, so a restart does not reset the
 * schedule (without one yet, the first run is an interval after start). Before running, the
 * schedule's lock is taken and the last run re-read inside it: of two processes sharing one
 * database only one runs it, the other finds it done. The interval is re-read after every run and
 * on `reschedule`, so a saved change takes effect without restarting; runs never overlap.
 */

/** Controls of the automatic synchronization. */
export interface Scheduler {
  start(): void;
  /** Call after the interval setting changed. */
  reschedule(): void;
  stop(): void;
  /** When the next run is due (ms since epoch), or null when off (or not yet planned). */
  readonly nextRunAt: number | null;
  /** Resolves once the current planning (reading the history) is done; for tests and status. */
  planned(): Promise<void>;
}

/** Timer functions, injectable for tests. */
export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** What the scheduler runs with. */
export interface SchedulerDeps {
  /** The interval in hours; 0 is off. */
  hours: () => number;
  /** When the schedule last ran (ms since epoch), from the history; null when never. */
  lastScheduledRunAt: () => Promise<number | null>;
  /**
   * Runs `fn` holding the lock that lets one process at a time run the schedule; resolves false,
   * without running it, when another process holds it. Default: no lock (one process).
   */
  exclusive?: (fn: () => Promise<void>) => Promise<boolean>;
  /** One scheduled synchronization; it records itself in the history as run by the schedule. */
  run: () => Promise<void>;
  timers?: Timers;
}

const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** Longest single timer Node allows (about 24.8 days); longer waits are chained. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** A run recorded this close before its due time counts as the due run (clock jitter). */
const SLACK_MS = 60_000;

/** Creates the scheduler. */
export function createScheduler(deps: SchedulerDeps): Scheduler {
  const timers = deps.timers ?? realTimers;
  const exclusive = deps.exclusive ?? (async (fn: () => Promise<void>) => (await fn(), true));
  let handle: unknown = null;
  let nextRunAt: number | null = null;
  let running = false;
  let stopped = true;
  let generation = 0;
  let planning: Promise<void> = Promise.resolve();

  const intervalMs = (): number => {
    try {
      const hours = deps.hours();
      return hours > 0 ? hours * 3_600_000 : 0;
    } catch {
      return 0; // unreadable settings: no automatic runs until they are fixed
    }
  };
  const lastRun = () => deps.lastScheduledRunAt().catch(() => null);
  const clear = () => {
    if (handle !== null) timers.clearTimeout(handle);
    handle = null;
    nextRunAt = null;
  };
  const arm = (due: number, gen: number) => {
    nextRunAt = due;
    const wait = Math.max(0, Math.min(MAX_TIMER_MS, due - timers.now()));
    handle = timers.setTimeout(() => {
      handle = null;
      if (gen !== generation) return;
      if (timers.now() < due) return arm(due, gen); // a chained long wait
      void fire();
    }, wait);
  };
  const plan = (): Promise<void> => {
    clear();
    const gen = ++generation;
    if (stopped) return (planning = Promise.resolve());
    const ms = intervalMs();
    if (ms === 0) return (planning = Promise.resolve());
    const startedAt = timers.now();
    planning = lastRun().then((last) => {
      if (gen !== generation || stopped) return;
      arm(last === null ? startedAt + ms : Math.max(last + ms, timers.now()), gen);
    });
    return planning;
  };
  const fire = async () => {
    if (running || stopped) return;
    running = true;
    try {
      await exclusive(async () => {
        const ms = intervalMs();
        const last = await lastRun();
        // Another process ran it meanwhile, or it was switched off: nothing to do.
        if (ms === 0 || (last !== null && last + ms - SLACK_MS > timers.now())) return;
        await deps.run();
      });
    } catch {
      // `run` logs its own failures; the next run is still planned.
    } finally {
      running = false;
      void plan();
    }
  };

  return {
    start() {
      stopped = false;
      void plan();
    },
    reschedule: () => void plan(),
    stop() {
      stopped = true;
      generation++;
      clear();
    },
    get nextRunAt() {
      return nextRunAt;
    },
    planned: () => planning,
  };
}
