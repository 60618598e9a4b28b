/** Server-side sessions: ids, idle time, lifetime, ending and who is told. */
import type http from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SessionUser } from '../../shared/model';
import { DEFAULT_SESSION_LIMITS, SessionStore, deviceSlot, type SessionLimits, type SessionSharing } from './sessions';

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

/** A shared store that records what it is told, each write finishing when the test says. */
function recordingSharing() {
  const told: string[] = [];
  const pending: (() => void)[] = [];
  const write = (what: string) => {
    told.push(what);
    return new Promise<void>((resolve) => pending.push(resolve));
  };
  const sharing: SessionSharing = {
    created: (e) => write(`created ${e.clientAddress}`),
    touched: (e) => write(`touched ${e.clientAddress}`),
    ended: (e, why) => write(`ended ${e.clientAddress}: ${why}`),
  };
  return { sharing, told, finish: (i: number) => pending[i]!() };
}

const settled = async (p: Promise<void>) => {
  let done = false;
  void p.then(() => (done = true));
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return done;
};

describe('session store defaults, clock and wording', () => {
  afterEach(() => vi.useRealTimers());

  it('by default ends a session after 30 idle minutes or 12 hours, and keeps 10,000', () => {
    store = new SessionStore();
    expect([store.idleTimeMs, store.lifetimeMs]).toEqual([1_800_000, 43_200_000]);
    expect(DEFAULT_SESSION_LIMITS.maxSessions).toBe(10_000);
  });

  it('sweeps on its own every quarter of the idle time, within 250 ms and 30 s, without keeping the process up', () => {
    vi.useFakeTimers();
    for (const [idleMs, every] of [
      [60_000, 15_000],
      [400, 250],
      [3_600_000, 30_000],
    ] as const) {
      clock = 0;
      store = new SessionStore({ idleMs, lifetimeMs: 86_400_000, maxSessions: 10 }, () => clock);
      expect((store as unknown as { timer: NodeJS.Timeout }).timer.hasRef()).toBe(false);
      const s = store.create({ user: { ...ann } }, '10.0.0.1');
      clock = idleMs;
      vi.advanceTimersByTime(every - 1);
      expect(store.has(s.id)).toBe(true);
      vi.advanceTimersByTime(1);
      expect(store.has(s.id)).toBe(false);
      store.closeAll('next case');
      expect(vi.getTimerCount()).toBe(0);
    }
  });

  it('falls back to its fixed idle time when the setting is not a positive finite number or cannot be read', () => {
    for (const bad of [0, -60_000, Infinity, Number.NaN, 'throws'] as const) {
      store = new SessionStore(
        { idleMs: 60_000, lifetimeMs: 600_000, maxSessions: 3 },
        () => clock,
        () => {
          if (bad === 'throws') throw new Error('settings unreadable');
          return bad;
        },
      );
      expect(store.idleTimeMs).toBe(60_000);
      store.closeAll('next case');
    }
  });

  it('counts the lifetime from the logon, however much the session is used', () => {
    make();
    clock = 5000;
    const s = store.create({ user: { ...ann } }, '10.0.0.1');
    for (clock = 5000; clock < 605_000; clock += 30_000) expect(store.touch(s)).toBe(true);
    clock = 604_999;
    expect(store.touch(s)).toBe(true);
    clock = 605_000;
    expect(store.get(s.id)).toBeNull();
  });

  it('says how long in hours, minutes or seconds, singular for one', () => {
    const reasons = (limits: SessionLimits, after: number, touch = false) => {
      make(limits);
      const s = store.create({ user: { ...ann } }, '10.0.0.1');
      const told: string[] = [];
      store.onEnd(s.id, (why) => told.push(why));
      for (clock = 0; clock < after; clock += 1000) if (touch) store.touch(s);
      clock = after;
      store.sweep();
      store.closeAll('case over');
      return told[0];
    };
    expect(reasons({ idleMs: 90_000, lifetimeMs: 86_400_000, maxSessions: 3 }, 90_000)).toBe(
      'no activity for 90 seconds',
    );
    expect(reasons({ idleMs: 1500, lifetimeMs: 86_400_000, maxSessions: 3 }, 1500)).toBe('no activity for 2 seconds');
    expect(reasons({ idleMs: 7_200_000, lifetimeMs: 86_400_000, maxSessions: 3 }, 7_200_000)).toBe(
      'no activity for 2 hours',
    );
    expect(reasons({ idleMs: 60_000, lifetimeMs: 3_600_000, maxSessions: 3 }, 3_600_000, true)).toBe(
      'the session is older than 1 hour',
    );
  });
});

describe('session store ending, telling and sharing', () => {
  it("tells the shared store of a person's logon, use and log off, never of an expiry, an eviction or a stop", () => {
    make({ idleMs: 60_000, lifetimeMs: 600_000, maxSessions: 2, maxPerUser: 1 });
    const { sharing, told } = recordingSharing();
    store.sharing = sharing;
    const a = store.create({ user: { ...ann } }, 'a');
    store.touch(a);
    const b = store.create({ user: { ...ann } }, 'b'); // ann's second: her first ends everywhere
    const c = store.create({ user: { ...ann, userName: 'bob' } }, 'c');
    store.create({ user: { ...ann, userName: 'cy' } }, 'd'); // the server is full: b goes, here only
    expect(store.has(b.id)).toBe(false);
    store.end(c.id, 'you logged off');
    store.end(c.id, 'again');
    store.end('unknown', 'nobody');
    const e = store.create({ user: { ...ann, userName: 'eve' } }, 'e');
    store.end(e.id, null); // told already by the services
    const f = store.create({ user: { ...ann, userName: 'fay' } }, 'f');
    clock = 60_000;
    expect(store.get(f.id)).toBeNull();
    const g = store.create({ user: { ...ann, userName: 'gus' } }, 'g');
    const stopped: string[] = [];
    store.onEnd(g.id, (why) => stopped.push(why));
    store.closeAll('the server stops');
    expect([stopped, store.size, g.session.user]).toEqual([['the server stops'], 0, null]);
    expect(told).toEqual([
      'created a',
      'touched a',
      'ended a: too many sessions of this user',
      'created b',
      'created c',
      'created d',
      'ended c: you logged off',
      'created e',
      'created f',
      'created g',
    ]);
  });

  it('tells sockets why, once, and not after they unsubscribe; a sweep keeps live sessions', () => {
    make({ idleMs: 60_000, lifetimeMs: 600_000, maxSessions: 1, maxPerUser: 1 });
    const a = store.create({ user: { ...ann } }, '10.0.0.1');
    const told: string[] = [];
    store.onEnd(a.id, (why) => told.push(`1 ${why}`));
    const off = store.onEnd(a.id, (why) => told.push(`2 ${why}`));
    off();
    store.sweep();
    expect(store.get(a.id)).toBe(a);
    store.create({ user: { ...ann, userName: 'bob' } }, '10.0.0.2');
    store.adopt(a); // read again from the shared store
    store.end(a.id, 'you logged off');
    expect(told).toEqual(['1 too many sessions on the server']);
    const b = store.create({ user: { ...ann } }, '10.0.0.1');
    store.create({ user: { ...ann } }, '10.0.0.1');
    expect(store.touch(b)).toBe(false);
    expect(store.has(b.id)).toBe(false);
  });

  it('sessions without a user and a store without room still take logons', () => {
    make({ idleMs: 60_000, lifetimeMs: 600_000, maxSessions: 0 });
    expect(store.create({ user: { ...ann } }, '10.0.0.1').session.user).toEqual(ann);
    make();
    store.create({ user: null }, '10.0.0.1');
    expect(store.create({ user: { ...ann } }, '10.0.0.1').session.user).toEqual(ann);
    expect(store.get('')).toBeNull();
  });

  it('releases a session once, and adopts a session of another server without replacing its own', () => {
    make();
    const released: string[] = [];
    const mine = store.create({ user: { ...ann } }, '10.0.0.1', () => released.push('mine'));
    const theirs = { ...mine, id: 'from-another-server', session: { user: { ...ann } } };
    store.adopt(theirs, () => released.push('theirs'));
    store.adopt({ ...theirs, clientAddress: 'forged' }, () => released.push('forged'));
    store.adopt({ ...mine, clientAddress: 'forged' });
    expect(store.has(theirs.id)).toBe(true);
    expect(store.get(theirs.id)?.clientAddress).toBe(mine.clientAddress);
    expect(store.get(mine.id)).toBe(mine);
    store.end(theirs.id, 'you logged off');
    store.end(theirs.id, 'you logged off');
    store.end(mine.id, 'you logged off');
    expect(released).toEqual(['theirs', 'mine']);
  });

  it('answers a logon or a log off once the shared store holds it, the later write last, and forgets finished writes', async () => {
    make();
    const { sharing, finish } = recordingSharing();
    store.sharing = sharing;
    const s = store.create({ user: { ...ann } }, 'a');
    expect(await settled(store.recorded(s.id))).toBe(false);
    store.end(s.id, 'you logged off');
    finish(0); // the logon's write is done, the log off's not yet
    await settled(Promise.resolve());
    expect(await settled(store.recorded(s.id))).toBe(false);
    finish(1);
    expect(await settled(store.recorded(s.id))).toBe(true);
    expect((store as unknown as { writes: Map<string, unknown> }).writes.size).toBe(0);
    store.sharing = null;
    expect(await settled(store.recorded(store.create({ user: { ...ann } }, 'b').id))).toBe(true);
  });
});

describe('the device cookie of a logon', () => {
  const req = (cookie?: string) => ({ headers: cookie ? { cookie } : {} }) as http.IncomingMessage;

  it('on the network service: read from the request, issued HttpOnly, Secure, strict, for 90 days', () => {
    const slot = deviceSlot(req('a=1; __Host-mdsync_device=abc.DEF_1-2'), true);
    expect(slot.presented).toBe('abc.DEF_1-2');
    expect(slot.issued).toBeNull();
    slot.issue('new.Value_9-0');
    expect(slot.issued).toBe(
      '__Host-mdsync_device=new.Value_9-0; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=7776000',
    );
  });

  it('never issues a value that could end the cookie early, nor any in browser mode', () => {
    for (const bad of ['a;b', 'a b', 'x; Domain=evil', '', 'é']) {
      const slot = deviceSlot(req(), true);
      slot.issue(bad);
      expect(slot.issued).toBeNull();
    }
    const local = deviceSlot(req('__Host-mdsync_device=abc'), false);
    local.issue('abc');
    expect([local.presented, local.issued]).toEqual([null, null]);
  });
});
