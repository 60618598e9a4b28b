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

  it("a known device is counted apart at its address: others' guesses and sprays there do not lock it; its own do", async () => {
    const { throttle, fail } = setup();
    const nat = '10.0.0.9';
    for (let i = 0; i < 12; i++) await fail({ userName: 'admin', clientAddress: nat });
    for (let i = 0; i < 30; i++) await fail({ userName: `spray${i}`, clientAddress: nat });
    expect(await throttle.reserve({ userName: 'admin', clientAddress: nat })).toMatchObject({ lockedBy: 'user' });
    expect(await throttle.reserve({ userName: 'carol', clientAddress: nat })).toMatchObject({ lockedBy: 'address' });
    const device = { userName: 'admin', clientAddress: nat, trustedDevice: true };
    const clean = (await throttle.reserve(device)) as Reservation;
    expect(clean.delayMs).toBe(0);
    await clean.released();
    for (let i = 0; i < DEFAULT_THROTTLE.lockoutFailures; i++) await fail(device);
    expect(await throttle.reserve(device)).toMatchObject({ lockedBy: 'user' });
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

describe('logon throttle defaults and windows', () => {
  const MIN = 60_000;

  it('defaults: per user at an address 3 free, 1 s doubling to 16 s, 10 failures in 15 min lock 5 min', async () => {
    const { throttle } = setup();
    const s = { userName: 'dan', clientAddress: '10.0.1.1' };
    const delays: number[] = [];
    for (let i = 0; i < 9; i++) {
      const r = (await throttle.reserve(s)) as Reservation;
      delays.push(r.delayMs);
      await r.failed();
    }
    // Each reservation sees the failures before it; the user name alone would cap at 4 s.
    expect(delays).toEqual([0, 0, 0, 1000, 2000, 4000, 8000, 16_000, 16_000]);
    const r = (await throttle.reserve(s)) as Reservation;
    expect(await r.failed()).toEqual({ lockedMs: 5 * MIN, lockedBy: 'user' });
    expect(await throttle.reserve(s)).toEqual({ lockedFor: 5 * MIN, lockedBy: 'user' });
  });

  it('defaults: per address 10 free and 30 failures lock 5 min; the user name alone 3 free, up to 4 s, never locked', async () => {
    const { throttle, fail, advance } = setup();
    const at = (i: number) => ({ userName: `u${i}`, clientAddress: '10.0.2.2' });
    for (let i = 0; i < 10; i++) await fail(at(i));
    const eleventh = (await throttle.reserve(at(100))) as Reservation;
    expect(eleventh.delayMs).toBe(1000);
    await eleventh.released();
    for (let i = 10; i < 30; i++) await fail(at(i));
    expect(await throttle.reserve(at(101))).toEqual({ lockedFor: 5 * MIN, lockedBy: 'address' });
    advance(5 * MIN);
    expect(isLocked(await throttle.reserve(at(101)))).toBe(false);
    const name = (i: number) => ({ userName: 'fay', clientAddress: `10.1.${i}.1` });
    for (let i = 0; i < 40; i++) await fail(name(i));
    advance(15 * MIN - 1);
    expect(delayOf(await throttle.reserve(name(99)))).toBe(4000);
  });

  it('forgets failures older than the window (15 min for the pair, the address and the name alone)', async () => {
    const { throttle, fail, advance } = setup();
    for (let i = 0; i < 9; i++) await fail({ userName: 'gil', clientAddress: '10.0.3.3' });
    for (let i = 0; i < 29; i++) await fail({ userName: `v${i}`, clientAddress: '10.0.4.4' });
    advance(15 * MIN - 1);
    expect(delayOf(await throttle.reserve({ userName: 'gil', clientAddress: '10.0.3.3' }))).toBe(16_000);
    expect(delayOf(await throttle.reserve({ userName: 'new', clientAddress: '10.0.4.4' }))).toBe(16_000);
    advance(2);
    expect(delayOf(await throttle.reserve({ userName: 'gil', clientAddress: '10.0.3.3' }))).toBe(0);
    expect(delayOf(await throttle.reserve({ userName: 'new', clientAddress: '10.0.4.4' }))).toBe(0);
    // Nine failures and one more in the window lock; the nine forgotten, one more does not.
    const s = { userName: 'gil', clientAddress: '10.0.3.3' };
    expect(await ((await throttle.reserve(s)) as Reservation).failed()).toEqual({ lockedMs: 0, lockedBy: null });
  });

  it('a lock-out ends after its time, and a failure while locked reports the time left', async () => {
    const { throttle, fail, advance } = setup();
    const s = { userName: 'hal', clientAddress: '10.0.5.5' };
    for (let i = 0; i < 7; i++) await fail(s);
    const [a, b, c] = [
      await throttle.reserve(s),
      await throttle.reserve(s),
      await throttle.reserve(s),
    ] as Reservation[];
    expect(await a!.failed(2)).toEqual({ lockedMs: 5 * MIN, lockedBy: 'user' });
    advance(MIN);
    // A check still running as the lock-out fell: its failure reports the time left.
    expect(await b!.failed()).toEqual({ lockedMs: 4 * MIN, lockedBy: 'user' });
    advance(4 * MIN - 1);
    expect(await throttle.reserve(s)).toEqual({ lockedFor: 1, lockedBy: 'user' });
    advance(1);
    // At its very end the lock-out is over: a failure then starts counting afresh.
    expect(await c!.failed()).toEqual({ lockedMs: 0, lockedBy: null });
    expect(isLocked(await throttle.reserve(s))).toBe(false);
  });

  it('forgets attempts in flight after 2 minutes (a process that died mid-check); release forgets one at once', async () => {
    const { throttle, advance } = setup();
    const s = { userName: 'ida', clientAddress: '10.0.6.6' };
    const first = (await throttle.reserve(s)) as Reservation;
    for (let i = 0; i < 9; i++) await throttle.reserve(s);
    expect(await throttle.reserve(s)).toEqual({ heldBy: 'user' });
    await first.released();
    const again = await throttle.reserve(s);
    expect(delayOf(again)).toBe(0);
    advance(2 * 60_000 - 1);
    expect(await throttle.reserve(s)).toEqual({ heldBy: 'user' });
    advance(2);
    expect(delayOf(await throttle.reserve(s))).toBe(0);
  });

  it('counts parallel guesses for the pair and the name, the address once; a local caller has no address count', async () => {
    const { throttle } = setup();
    const r = (await throttle.reserve({ userName: 'jo', clientAddress: '10.0.7.7' })) as Reservation;
    expect(await r.failed(8)).toEqual({ lockedMs: 0, lockedBy: null });
    const more = (await throttle.reserve({ userName: 'jo', clientAddress: '10.0.7.7' })) as Reservation;
    expect(more.delayMs).toBe(16_000);
    expect(await more.failed(12)).toMatchObject({ lockedBy: 'user' });
    expect(delayOf(await throttle.reserve({ userName: 'kim', clientAddress: '10.0.7.7' }))).toBe(0);
    expect(delayOf(await throttle.reserve({ userName: 'jo', clientAddress: '10.9.9.9' }))).toBe(4000);
    for (let i = 0; i < 40; i++) {
      const local = (await throttle.reserve({ userName: `l${i}` })) as Reservation;
      await local.failed();
    }
    expect(delayOf(await throttle.reserve({ userName: 'new' }))).toBe(0);
  });
});

describe('logon throttle keys and precedence', () => {
  it('keeps its counts under trimmed lower-case names, `local` for callers without an address, none in flight for the name alone', async () => {
    const { throttle, store, fail } = setup();
    await fail({ userName: ' BOB ', clientAddress: '10.0.8.8' });
    await fail({ userName: 'Bob' });
    expect((await store.get('user:bob', 0)).failures).toBe(2);
    expect((await store.get('ua:bob|10.0.8.8', 0)).failures).toBe(1);
    expect((await store.get('ua:bob|local', 0)).failures).toBe(1);
    const r = (await throttle.reserve({ userName: 'bob', clientAddress: '10.0.8.8' })) as Reservation;
    expect((await store.get('inflight:ua:bob|10.0.8.8', 0)).failures).toBe(1);
    expect((await store.get('inflight:user:bob', 0)).failures).toBe(0);
    await r.released();
  });

  it("a known device skips the user name's slowdown and others' at its address, not its own", async () => {
    const { throttle, fail } = setup();
    const s = { userName: 'eve', clientAddress: '10.0.9.9' };
    for (let i = 0; i < 5; i++) await fail(s);
    const device = { ...s, trustedDevice: true };
    const clean = (await throttle.reserve(device)) as Reservation;
    expect(clean.delayMs).toBe(0);
    await clean.released();
    for (let i = 0; i < 5; i++) await fail(device);
    expect(delayOf(await throttle.reserve(device))).toBe(4000);
  });

  it("reports the pair's lock-out when one failure fills both the pair and the address", async () => {
    const { throttle, fail } = setup();
    for (let i = 0; i < 20; i++) await fail({ userName: `w${i}`, clientAddress: '10.0.10.10' });
    const s = { userName: 'max', clientAddress: '10.0.10.10' };
    for (let i = 0; i < 9; i++) await fail(s);
    const last = (await throttle.reserve(s)) as Reservation;
    expect(await last.failed()).toEqual({ lockedMs: 5 * 60_000, lockedBy: 'user' });
  });
});
