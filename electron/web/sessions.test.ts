/** Server-side sessions: ids, idle time, lifetime, ending and who is told. */
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionUser } from '../../shared/model';
import { SessionStore, type SessionLimits } from './sessions';

const ann: SessionUser = { userName: 'ann', fullName: 'Ann', authentication: 'integrated', privileges: ['login'] };
let store: SessionStore;
let clock = 0;
afterEach(() => store.closeAll('test over'));

function make(limits: SessionLimits = { idleMs: 60_000, lifetimeMs: 600_000, maxSessions: 3 }) {
  clock = 0;
  store = new SessionStore(limits, () => clock);
  return store;
}

describe('session store', () => {
  it('asks the idle time at each sweep when it comes from the settings; nonsense falls back to the limit', () => {
    clock = 0;
    let minutes: number = 30;
    store = new SessionStore(
      { idleMs: 60_000, lifetimeMs: 86_400_000, maxSessions: 10 },
      () => clock,
      () => minutes * 60_000,
    );
    const s = store.create({ user: { ...ann } }, '10.0.0.1');
    expect(store.idleTimeMs).toBe(1_800_000);
    clock = 20 * 60_000;
    expect(store.get(s.id)).toBe(s);
    const told: string[] = [];
    store.onEnd(s.id, (why) => told.push(why));
    minutes = 15; // the administrator saves a shorter time: the idle session ends at once
    store.sweep();
    expect(store.get(s.id)).toBeNull();
    expect(told).toEqual(['no activity for 15 minutes']);
    minutes = Number.NaN;
    expect(store.idleTimeMs).toBe(60_000);
  });

  it('gives every logon a new random id', () => {
    make();
    const a = store.create({ user: { ...ann } }, '10.0.0.1');
    const b = store.create({ user: { ...ann } }, '10.0.0.1');
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.id).not.toBe(b.id);
    expect(store.get(a.id)).toBe(a);
    expect(store.get('forged')).toBeNull();
  });

  it('ends an idle session and tells its sockets; use keeps it alive; the lifetime ends it anyway', () => {
    make();
    const s = store.create({ user: { ...ann } }, '10.0.0.1');
    const told: string[] = [];
    store.onEnd(s.id, (why) => told.push(why));
    clock = 50_000;
    expect(store.touch(s)).toBe(true);
    clock = 100_000;
    expect(store.get(s.id)).toBe(s);
    for (clock = 100_000; clock < 600_000; clock += 50_000) expect(store.touch(s)).toBe(true);
    clock = 600_000;
    expect(store.get(s.id)).toBeNull();
    expect(s.session.user).toBeNull();
    expect(told).toEqual(['the session is older than 10 minutes']);

    const idle = store.create({ user: { ...ann } }, '10.0.0.1');
    const idleTold: string[] = [];
    store.onEnd(idle.id, (why) => idleTold.push(why));
    clock += 60_000;
    store.sweep();
    expect(idleTold).toEqual(['no activity for 1 minute']);
  });

  it('a session whose user the services logged off is gone without a second notice', () => {
    make();
    const s = store.create({ user: { ...ann } }, '10.0.0.1');
    const told: string[] = [];
    store.onEnd(s.id, (why) => told.push(why));
    s.session.user = null; // services.endSessions: the user was deleted (it told the sockets itself)
    expect(store.get(s.id)).toBeNull();
    expect(told).toEqual([]);
    expect(store.size).toBe(0);
  });

  it('keeps at most maxSessions, ending the least recently used', () => {
    make();
    const [a, b, c] = [1, 2, 3].map(() => store.create({ user: { ...ann } }, '10.0.0.1'));
    store.touch(a!);
    store.create({ user: { ...ann } }, '10.0.0.1');
    expect(store.get(b!.id)).toBeNull();
    expect(store.get(a!.id)).toBe(a);
    expect(store.get(c!.id)).toBe(c);
  });
});

describe('session store releases', () => {
  it('releases a session however it ends', () => {
    make();
    const released: string[] = [];
    const a = store.create({ user: { ...ann } }, '10.0.0.1', () => released.push('a'));
    const b = store.create({ user: { ...ann } }, '10.0.0.1', () => released.push('b'));
    store.end(a.id, 'you logged off');
    b.session.user = null;
    store.get(b.id);
    expect(released).toEqual(['a', 'b']);
  });

  it("one user's many logons end that user's oldest sessions, never other users'", () => {
    make({ idleMs: 60_000, lifetimeMs: 600_000, maxSessions: 4, maxPerUser: 2 });
    const other = store.create({ user: { ...ann, userName: 'bob' } }, '10.0.0.2');
    const mine = [1, 2, 3, 4].map(() => store.create({ user: { ...ann } }, '10.0.0.1'));
    expect(store.get(other.id)).toBe(other);
    expect(mine.map((m) => store.get(m.id) !== null)).toEqual([false, false, true, true]);
  });
});
