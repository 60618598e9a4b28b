/** SessionGuard over a fake store: bound by id and stamp, re-checked by call and by sweep. */
/* eslint-disable @typescript-eslint/require-await -- the fakes implement async interfaces */
import { describe, expect, it } from 'vitest';
import type { AuthState } from '../db/port';
import { SessionGuard, type GuardedSession } from './session-guard';

function setup() {
  let clock = 0;
  const states = new Map<number, AuthState>();
  const put = (s: Partial<AuthState> & { id: number }) =>
    states.set(s.id, {
      userName: 'ann',
      fullName: 'Ann',
      authentication: 'integrated',
      privileges: ['login'],
      stamp: 'one',
      ...states.get(s.id),
      ...s,
    });
  put({ id: 1 });
  const guard = new SessionGuard({
    getAuthState: async (name) =>
      [...states.values()].find((s) => s.userName.toLowerCase() === name.toLowerCase()) ?? null,
    getAuthStates: async (ids) => ids.flatMap((id) => (states.has(id) ? [states.get(id)!] : [])),
    log: () => undefined,
    now: () => clock,
    ttlMs: 750,
    sweepMs: 0,
  });
  return { guard, states, put, advance: (ms: number) => (clock += ms) };
}

describe('session guard', () => {
  it('takes privileges from the store at each call, once the cached state is older than its TTL', async () => {
    const { guard, put, advance } = setup();
    const s: GuardedSession = { user: null };
    expect(await guard.bindByName(s, 'ANN')).toBe(true);
    put({ id: 1, privileges: ['admin'] });
    expect((await guard.authorize(s))?.privileges).toEqual(['login']);
    advance(800);
    expect((await guard.authorize(s))?.privileges).toEqual(['admin']);
  });

  it('a sweep ends deleted users, changed passwords and lost logon rights, and tells every page', async () => {
    const { guard, states, put } = setup();
    put({ id: 2, userName: 'bob' });
    put({ id: 3, userName: 'cy' });
    const [a, b, c] = [{ user: null }, { user: null }, { user: null }] as GuardedSession[];
    await guard.bindByName(a!, 'ann');
    await guard.bindByName(b!, 'bob');
    await guard.bindByName(c!, 'cy');
    const told: string[] = [];
    for (const s of [a!, b!, c!]) guard.follow(s, (_e, p) => told.push(p.reason));
    states.delete(1);
    put({ id: 2, stamp: 'two' });
    put({ id: 3, privileges: [] });
    await guard.refresh();
    expect([a!.user, b!.user, c!.user]).toEqual([null, null, null]);
    expect(told.sort()).toEqual(
      [
        'you may no longer log on',
        'your password or your way of logging on was changed',
        'your user was deleted',
      ].sort(),
    );
  });

  it('follows a rename by id; a new user of the old name is someone else', async () => {
    const { guard, put } = setup();
    const s: GuardedSession = { user: null };
    await guard.bindByName(s, 'ann');
    put({ id: 1, userName: 'anne' });
    put({ id: 9, userName: 'ann', stamp: 'other' });
    await guard.refresh();
    expect((await guard.authorize(s))?.userName).toBe('anne');
  });

  it('ends the sessions of a user but the one given', async () => {
    const { guard } = setup();
    const [keep, end] = [{ user: null }, { user: null }] as GuardedSession[];
    await guard.bindByName(keep!, 'ann');
    await guard.bindByName(end!, 'ann');
    guard.follow(keep!, () => undefined);
    guard.follow(end!, () => undefined);
    guard.endSessionsOf('ANN', 'your password was changed', keep);
    expect(keep!.user?.userName).toBe('ann');
    expect(end!.user).toBeNull();
  });

  it('a sweep judges only the sessions it read the state of: one bound while it waits on the store is not ended', async () => {
    const { states, put } = setup();
    put({ id: 2, userName: 'admin', privileges: ['admin'] });
    // The store answers the sweep only when the test says so, with the states as they were asked.
    let answer: () => void = () => undefined;
    const slow = new SessionGuard({
      getAuthState: async (name) => [...states.values()].find((s) => s.userName === name) ?? null,
      getAuthStates: (ids) =>
        new Promise((resolve) => {
          const now = ids.flatMap((id) => (states.has(id) ? [states.get(id)!] : []));
          answer = () => resolve(now);
        }),
      log: () => undefined,
      sweepMs: 0,
    });
    const ann: GuardedSession = { user: null };
    await slow.bindByName(ann, 'ann');
    slow.follow(ann, () => undefined);
    const sweep = slow.sweep(true);
    // An administrator logs on while the sweep's query is out (its state is not in the answer).
    const admin: GuardedSession = { user: null };
    await slow.bindByName(admin, 'admin');
    slow.follow(admin, () => undefined);
    answer();
    await sweep;
    expect(admin.user?.userName).toBe('admin');
    expect(await slow.authorize(admin)).not.toBeNull();
  });

  it('a sweep that read a state before a session was bound again does not end it, nor cache the older state', async () => {
    const { states, put } = setup();
    let answer: () => void = () => undefined;
    const slow = new SessionGuard({
      getAuthState: async (name) => [...states.values()].find((s) => s.userName === name) ?? null,
      getAuthStates: (ids) =>
        new Promise((resolve) => {
          const now = ids.flatMap((id) => (states.has(id) ? [{ ...states.get(id)! }] : []));
          answer = () => resolve(now);
        }),
      log: () => undefined,
      sweepMs: 0,
      ttlMs: 60_000,
    });
    const ann: GuardedSession = { user: null };
    await slow.bindByName(ann, 'ann');
    slow.follow(ann, () => undefined);
    const sweep = slow.sweep(true);
    // Ann changes her own password meanwhile: this session is bound to the new stamp.
    put({ id: 1, stamp: 'two' });
    await slow.bindByName(ann, 'ann');
    answer();
    await sweep;
    expect(ann.user?.userName).toBe('ann');
    expect(await slow.authorize(ann)).not.toBeNull();
  });
});
