/** The throttle over its store: reserved before the check, per (user, address), per address, per user name. */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_THROTTLE,
  LogonThrottle,
  isHeldBack,
  isLocked,
  type Reservation,
  type ThrottleOptions,
} from './logon-throttle';
import { createMemoryThrottleStore } from './throttle-store';

function setup(over: Partial<ThrottleOptions> = {}) {
  let clock = 1_000_000;
  const store = createMemoryThrottleStore();
  const throttle = new LogonThrottle({ ...DEFAULT_THROTTLE, ...over }, store, () => clock);
  const fail = async (s: Parameters<LogonThrottle['reserve']>[0]) => {
    const r = await throttle.reserve(s);
    if (!isLocked(r) && !isHeldBack(r)) await r.failed();
    return r;
  };
  return { throttle, store, fail, advance: (ms: number) => (clock += ms) };
}

const delayOf = (r: Awaited<ReturnType<LogonThrottle['reserve']>>) => (isLocked(r) || isHeldBack(r) ? -1 : r.delayMs);

describe('logon throttle', () => {
  it('counts attempts before their check: of 40 at once at most the limit are let through, and their failures lock', async () => {
    const { throttle } = setup();
    const s = { userName: 'bob', clientAddress: '10.0.0.1' };
    const all = await Promise.all(Array.from({ length: 40 }, () => throttle.reserve(s)));
    // However the attempts interleave, no more than the limit reach their check; the rest are held back.
    const admitted = all.filter((r): r is Reservation => !isLocked(r) && !isHeldBack(r));
    expect(admitted.length).toBeLessThanOrEqual(DEFAULT_THROTTLE.lockoutFailures);
    expect(all.filter(isHeldBack).length).toBe(40 - admitted.length);
    // Attempts in flight are no failures: nothing is locked yet.
    expect(all.some(isLocked)).toBe(false);
    for (const r of admitted) await r.released();
    // Parallel attempts turned away while a check ran count with its failure.
    const one = (await throttle.reserve({ userName: 'eve', clientAddress: '10.0.0.2' })) as Reservation;
    expect(await one.failed(39)).toMatchObject({ lockedBy: 'user', lockedMs: DEFAULT_THROTTLE.lockoutMs });
    expect(isLocked(await throttle.reserve({ userName: 'eve', clientAddress: '10.0.0.2' }))).toBe(true);
  });

  it('attempts in flight from one address hold others back but never lock it; its failures do', async () => {
    const { throttle, fail } = setup();
    const at = (i: number) => ({ userName: `ds${i}`, clientAddress: '10.0.0.7' });
    const all = [];
    for (let i = 0; i < 50; i++) all.push(await throttle.reserve(at(i)));
    expect(all.some(isLocked)).toBe(false);
    const admitted = all.filter((r): r is Reservation => !isLocked(r) && !isHeldBack(r));
    expect(admitted).toHaveLength(DEFAULT_THROTTLE.address.lockoutFailures);
    expect(admitted.every((r) => r.delayMs === 0)).toBe(true);
    expect(all.slice(admitted.length).every((r) => isHeldBack(r) && r.heldBy === 'address')).toBe(true);
    for (const r of admitted) await r.succeeded();
    // Their reservations are gone: the next 50 go through alike, without delay.
    for (let i = 0; i < 50; i++) {
      const r = await throttle.reserve(at(i));
      expect(delayOf(r)).toBe(0);
      await (r as Reservation).succeeded();
    }
    // Failures that happened do lock the address.
    for (let i = 0; i < DEFAULT_THROTTLE.address.lockoutFailures; i++) await fail(at(100 + i));
    expect(await throttle.reserve(at(0))).toMatchObject({ lockedBy: 'address' });
  });

  it('locks a user out per address only: guesses from elsewhere leave its own address alone', async () => {
    const { throttle, fail } = setup();
    for (let i = 0; i < 12; i++) await fail({ userName: 'admin', clientAddress: '10.0.0.66' });
    expect(isLocked(await throttle.reserve({ userName: 'admin', clientAddress: '10.0.0.66' }))).toBe(true);
    const mine = await throttle.reserve({ userName: 'Admin', clientAddress: '10.0.0.1', trustedDevice: true });
    expect(delayOf(mine)).toBe(0);
    // Without a known device, only the user name's bounded slowdown.
    const stranger = await throttle.reserve({ userName: 'admin', clientAddress: '10.0.0.2' });
    expect(delayOf(stranger)).toBe(DEFAULT_THROTTLE.userName.maxDelayMs);
  });

  it('a success releases its reservation and starts the pair afresh; the address keeps its other failures', async () => {
    const { throttle, fail } = setup();
    for (let i = 0; i < 10; i++) await fail({ userName: `x${i}`, clientAddress: '10.0.0.9' });
    const ok = (await throttle.reserve({ userName: 'mine', clientAddress: '10.0.0.9' })) as Reservation;
    expect(ok.delayMs).toBe(1000);
    await ok.succeeded();
    expect(delayOf(await throttle.reserve({ userName: 'x99', clientAddress: '10.0.0.9' }))).toBe(1000);
  });

  it('counts IPv6 clients per /64, and unlock forgets a user name everywhere', async () => {
    const { throttle, fail } = setup();
    for (let i = 0; i < 10; i++) await fail({ userName: 'carol', clientAddress: `2001:db8:1:2::${i + 1}` });
    expect(isLocked(await throttle.reserve({ userName: 'carol', clientAddress: '2001:db8:1:2:ffff::1' }))).toBe(true);
    await throttle.unlock('CAROL');
    expect(delayOf(await throttle.reserve({ userName: 'carol', clientAddress: '2001:db8:1:2::1' }))).toBe(1000);
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
