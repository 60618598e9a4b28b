/**
 * "Synchronize automatically every … hours": a timer that runs while the app is open.
 *
 * It re-reads the interval after every run and on `reschedule`, so a saved change takes effect
 * without restarting; runs never overlap.
 */

/** Controls of the automatic synchronization. */
export interface Scheduler {
  start(): void;
  /** Call after the interval setting changed. */
  reschedule(): void;
  stop(): void;
  /** When the next run is due (ms since epoch), or null when off. */
  readonly nextRunAt: number | null;
}

/** Timer functions, injectable for tests. */
export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
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

/** Creates a scheduler running `run` every `hours()` hours (0 = off). */
export function createScheduler(opts: { hours: () => number; run: () => Promise<void>; timers?: Timers }): Scheduler {
  const timers = opts.timers ?? realTimers;
  let handle: unknown = null;
  let nextRunAt: number | null = null;
  let running = false;
  let stopped = true;

  const clear = () => {
    if (handle !== null) timers.clearTimeout(handle);
    handle = null;
    nextRunAt = null;
  };
  const plan = () => {
    clear();
    if (stopped) return;
    const hours = (() => {
      try {
        return opts.hours();
      } catch {
        return 0; // unreadable settings: no automatic runs until they are fixed
      }
    })();
    if (!(hours > 0)) return;
    const ms = hours * 3_600_000;
    nextRunAt = timers.now() + ms;
    handle = timers.setTimeout(() => void fire(), ms);
  };
  const fire = async () => {
    handle = null;
    if (running || stopped) return;
    running = true;
    try {
      await opts.run();
    } catch {
      // `run` logs its own failures; the next run is still planned.
    } finally {
      running = false;
      plan();
    }
  };

  return {
    start() {
      stopped = false;
      plan();
    },
    reschedule: () => plan(),
    stop() {
      stopped = true;
      clear();
    },
    get nextRunAt() {
      return nextRunAt;
    },
  };
}
