import { describe, expect, it } from 'vitest';
import { createScheduler, type Timers } from './scheduler';

const HOUR = 3_600_000;

function fakeTimers(start = 0) {
  let now = start;
  const pending: Array<{ at: number; fn: () => void; id: number }> = [];
  let next = 1;
  const timers: Timers = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = next++;
      pending.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimeout: (h) => {
      const i = pending.findIndex((p) => p.id === h);
      if (i >= 0) pending.splice(i, 1);
    },
  };
  const settle = async () => {
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  };
  const advance = async (ms: number) => {
    const target = now + ms;
    for (;;) {
      await settle();
      const due = pending.filter((p) => p.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      now = Math.max(now, due.at);
      pending.splice(pending.indexOf(due), 1);
      due.fn();
    }
    now = target;
    await settle();
  };
  return { timers, advance, pending, now: () => now };
}

/** A history shared by "processes": scheduled runs are recorded at the time they start. */
function fakeHistory(timers: Timers) {
  const runs: number[] = [];
  return {
    runs,
    lastScheduledRunAt: () => Promise.resolve(runs.length ? Math.max(...runs) : null),
    run: () => {
      runs.push(timers.now());
      return Promise.resolve();
    },
  };
}

describe('automatic synchronization', () => {
  it('runs every N hours and stays off at 0', async () => {
    const { timers, advance } = fakeTimers();
    const history = fakeHistory(timers);
    let hours = 2;
    const s = createScheduler({ hours: () => hours, ...history, timers });
    s.start();
    await s.planned();
    expect(s.nextRunAt).toBe(2 * HOUR);
    await advance(HOUR);
    expect(history.runs).toHaveLength(0);
    await advance(HOUR);
    expect(history.runs).toEqual([2 * HOUR]);
    await advance(2 * HOUR);
    expect(history.runs).toEqual([2 * HOUR, 4 * HOUR]);
    hours = 0;
    s.reschedule();
    await s.planned();
    expect(s.nextRunAt).toBeNull();
    await advance(10 * HOUR);
    expect(history.runs).toHaveLength(2);
  });

  it('takes the next run from the history, so a restart does not reset it', async () => {
    const { timers, advance } = fakeTimers(10 * HOUR);
    const history = fakeHistory(timers);
    history.runs.push(9 * HOUR); // the last scheduled run, an hour before this start
    const s = createScheduler({ hours: () => 3, ...history, timers });
    s.start();
    await s.planned();
    expect(s.nextRunAt).toBe(12 * HOUR);
    await advance(2 * HOUR);
    expect(history.runs).toEqual([9 * HOUR, 12 * HOUR]);
    s.stop();
  });

  it('runs an overdue schedule right away', async () => {
    const { timers, advance } = fakeTimers(100 * HOUR);
    const history = fakeHistory(timers);
    history.runs.push(50 * HOUR);
    const s = createScheduler({ hours: () => 1, ...history, timers });
    s.start();
    await advance(0);
    expect(history.runs).toEqual([50 * HOUR, 100 * HOUR]);
    s.stop();
  });

  it('of two processes sharing the history and the lock, only one runs it', async () => {
    const { timers, advance } = fakeTimers();
    const history = fakeHistory(timers);
    let held = false;
    const exclusive = async (fn: () => Promise<void>) => {
      if (held) return false;
      held = true;
      try {
        await fn();
        return true;
      } finally {
        held = false;
      }
    };
    const a = createScheduler({ hours: () => 1, ...history, exclusive, timers });
    const b = createScheduler({ hours: () => 1, ...history, exclusive, timers });
    a.start();
    b.start();
    await advance(HOUR);
    await advance(HOUR);
    await advance(HOUR);
    expect(history.runs).toEqual([HOUR, 2 * HOUR, 3 * HOUR]);
    a.stop();
    b.stop();
  });

  it('stops, and keeps going after a failed run', async () => {
    const { timers, advance } = fakeTimers();
    const history = fakeHistory(timers);
    let calls = 0;
    const s = createScheduler({
      hours: () => 1,
      lastScheduledRunAt: history.lastScheduledRunAt,
      run: () => {
        calls++;
        history.runs.push(timers.now()); // a failed run is recorded too
        return calls === 1 ? Promise.reject(new Error('share gone')) : Promise.resolve();
      },
      timers,
    });
    s.start();
    await advance(HOUR);
    await advance(HOUR);
    expect(calls).toBe(2);
    s.stop();
    await advance(5 * HOUR);
    expect(calls).toBe(2);
  });
});
