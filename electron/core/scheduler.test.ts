import { describe, expect, it } from 'vitest';
import { createScheduler, type Timers } from './scheduler';

function fakeTimers() {
  let now = 0;
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
  const advance = async (ms: number) => {
    now += ms;
    for (;;) {
      const due = pending.filter((p) => p.at <= now).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      pending.splice(pending.indexOf(due), 1);
      due.fn();
      await new Promise((r) => setImmediate(r));
    }
  };
  return { timers, advance, pending };
}

describe('automatic synchronization', () => {
  it('runs every N hours and stays off at 0', async () => {
    const { timers, advance } = fakeTimers();
    let hours = 2;
    let runs = 0;
    const s = createScheduler({ hours: () => hours, run: () => Promise.resolve(void runs++), timers });
    s.start();
    expect(s.nextRunAt).toBe(2 * 3_600_000);
    await advance(3_600_000);
    expect(runs).toBe(0);
    await advance(3_600_000);
    expect(runs).toBe(1);
    await advance(2 * 3_600_000);
    expect(runs).toBe(2);
    hours = 0;
    s.reschedule();
    expect(s.nextRunAt).toBeNull();
    await advance(10 * 3_600_000);
    expect(runs).toBe(2);
  });

  it('stops, and keeps going after a failed run', async () => {
    const { timers, advance } = fakeTimers();
    let runs = 0;
    const s = createScheduler({
      hours: () => 1,
      run: () => {
        runs++;
        return runs === 1 ? Promise.reject(new Error('share gone')) : Promise.resolve();
      },
      timers,
    });
    s.start();
    await advance(3_600_000);
    await advance(3_600_000);
    expect(runs).toBe(2);
    s.stop();
    await advance(5 * 3_600_000);
    expect(runs).toBe(2);
  });
});
