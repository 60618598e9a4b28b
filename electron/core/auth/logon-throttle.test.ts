/** The throttle over its store: per user name and per client address, across callers. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_THROTTLE, LogonThrottle, type ThrottleOptions } from './logon-throttle';
import { createMemoryThrottleStore } from './throttle-store';

function setup(over: Partial<ThrottleOptions> = {}) {
  let clock = 1_000_000;
  const store = createMemoryThrottleStore();
  const throttle = new LogonThrottle({ ...DEFAULT_THROTTLE, ...over }, store, () => clock);
  return { throttle, store, advance: (ms: number) => (clock += ms) };
}

describe('logon throttle', () => {
  it('counts failures per user name, case-insensitively, and forgets them after a success', async () => {
    const { throttle } = setup();
    for (let i = 0; i < 3; i++) await throttle.recordFailure({ userName: i % 2 ? 'Anna' : 'anna ' });
    expect(await throttle.check({ userName: 'ANNA' })).toEqual({ lockedFor: 0, lockedBy: null, delayMs: 1000 });
    await throttle.recordSuccess({ userName: 'anna' });
    expect((await throttle.check({ userName: 'anna' })).delayMs).toBe(0);
  });

  it('slows down and locks out one address guessing many names; other addresses go on', async () => {
    const { throttle, advance } = setup();
    const from = (i: number) => ({ userName: `user${i}`, clientAddress: '10.0.0.7' });
    for (let i = 0; i < 10; i++) await throttle.recordFailure(from(i));
    // No name failed twice: only the address explains the delay.
    expect(await throttle.check(from(99))).toMatchObject({ lockedFor: 0, delayMs: 1000 });
    let locked = { lockedMs: 0, lockedBy: null as string | null };
    for (let i = 10; i < 30; i++) locked = await throttle.recordFailure(from(i));
    expect(locked).toEqual({ lockedMs: DEFAULT_THROTTLE.address.lockoutMs, lockedBy: 'address' });
    expect(await throttle.check(from(100))).toMatchObject({ lockedBy: 'address' });
    expect(await throttle.check({ userName: 'user100', clientAddress: '10.0.0.8' })).toEqual({
      lockedFor: 0,
      lockedBy: null,
      delayMs: 0,
    });
    advance(DEFAULT_THROTTLE.address.lockoutMs);
    expect((await throttle.check(from(100))).lockedFor).toBe(0);
  });

  it('a success does not reset the address count', async () => {
    const { throttle } = setup();
    for (let i = 0; i < 10; i++) await throttle.recordFailure({ userName: `x${i}`, clientAddress: '10.0.0.9' });
    await throttle.recordSuccess({ userName: 'mine', clientAddress: '10.0.0.9' });
    expect((await throttle.check({ userName: 'x99', clientAddress: '10.0.0.9' })).delayMs).toBe(1000);
  });

  it('the memory store stays bounded', async () => {
    const store = createMemoryThrottleStore(100, 5);
    for (let i = 0; i < 1000; i++) await store.addFailure(`user:${i}`, i);
    expect((await store.get('user:0', 0)).failures).toBe(0);
    expect((await store.get('user:999', 0)).failures).toBe(1);
    for (let i = 0; i < 20; i++) await store.addFailure('user:999', 1000 + i);
    expect((await store.get('user:999', 0)).failures).toBe(5);
  });
});
