/**
 * Slows down and locks out password guessing, without letting anyone lock another person out.
 *
 * Three counts, each in a ThrottleStore (memory, or the database so that processes sharing it
 * agree): per (user name, client address) — a few free failures, then 1 s, 2 s, 4 s … and a
 * lock-out; per client address (IPv6 per /64) — more free failures (a NAT), then the same; and per
 * user name alone — only a bounded slowdown, never a lock-out, which a right password from a
 * known-good device skips. Guesses for `admin` from other addresses therefore cost the guessers,
 * not `admin` at its own address; a known-good device has its own count at its address, so
 * guesses from the same address (one NAT, a proxy on the host) do not lock it out either.
 *
 * An attempt is *reserved* before the expensive check: kept apart from the failures, as an attempt
 * in flight, and settled after it (a failure when the password was wrong, forgotten otherwise).
 * Failures plus attempts in flight never pass a key's lock-out limit (beyond it an attempt is held
 * back, "busy"), but only failures that happened lock a key out: many people logging on at once
 * from one NAT address hold each other back a moment, never lock that address. The clock is
 * injected so tests need not wait.
 */
import { clientKey } from './client-key';
import type { ThrottleStore } from './throttle-store';

/** Thresholds of one key kind. */
export interface ThrottleLimits {
  /** Failures that cost nothing extra. */
  freeFailures: number;
  /** Delay after the first failure beyond the free ones; doubles with each further failure. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Failures within `windowMs` that lock the key out (Infinity: never). */
  lockoutFailures: number;
  windowMs: number;
  lockoutMs: number;
}

/** Thresholds per (user name, address), per address and per user name alone. */
export interface ThrottleOptions extends ThrottleLimits {
  /** Limits per client address (higher: several people may share one address). */
  address: ThrottleLimits;
  /** The user name alone, from anywhere: a bounded slowdown only. */
  userName: ThrottleLimits;
}

const MINUTE = 60_000;
/** A reservation older than this is a check that never settled (a process that died): ignored. */
const PENDING_MS = 2 * MINUTE;

/** Where a key's attempts in flight are kept, apart from its failures. */
function pendingKey(key: string): string {
  return `inflight:${key}`;
}

/**
 * The defaults. User name at one address: 3 free, then 1 s doubling up to 16 s; 10 failures in
 * 15 min lock 5 min. Address: 10 free, 30 lock. User name alone: 3 free, then 1 s doubling up to
 * 4 s, never locked.
 */
export const DEFAULT_THROTTLE: ThrottleOptions = {
  freeFailures: 3,
  baseDelayMs: 1000,
  maxDelayMs: 16_000,
  lockoutFailures: 10,
  windowMs: 15 * MINUTE,
  lockoutMs: 5 * MINUTE,
  address: {
    freeFailures: 10,
    baseDelayMs: 1000,
    maxDelayMs: 16_000,
    lockoutFailures: 30,
    windowMs: 15 * MINUTE,
    lockoutMs: 5 * MINUTE,
  },
  userName: {
    freeFailures: 3,
    baseDelayMs: 1000,
    maxDelayMs: 4000,
    lockoutFailures: Infinity,
    windowMs: 15 * MINUTE,
    lockoutMs: 0,
  },
};

/** What a logon attempt is keyed by. */
export interface ThrottleSubject {
  readonly userName: string;
  /** The client's address; absent for local callers (the desktop app, the CLI). */
  readonly clientAddress?: string;
  /**
   * A known-good device of this user: skips the user name's slowdown, and is counted and locked
   * apart from the others at its address.
   */
  readonly trustedDevice?: boolean;
}

type Kind = 'user' | 'address' | 'userName';

/** An attempt the throttle let through: its delay, and how to settle it. */
export interface Reservation {
  readonly delayMs: number;
  /** The password was right: the attempt is no failure, and this user at this address starts afresh. */
  succeeded(): Promise<void>;
  /** The check could not tell (MDaemon unreachable, the client went): the attempt is not counted. */
  released(): Promise<void>;
  /**
   * The password was wrong: one failure, plus `alongside` attempts of the same user name at the
   * same address that were turned away while this one ran (parallel guesses are guesses; they
   * count for the pair and the user name, not the address). Returns the lock-out the pair or the
   * address is now under (0: none).
   */
  failed(alongside?: number): Promise<{ lockedMs: number; lockedBy: 'user' | 'address' | null }>;
}

/** Refused before any check, uncounted: failures plus attempts in flight already reach a lock-out limit. */
export interface HeldBack {
  readonly heldBy: 'user' | 'address' | 'userName';
}

/** Refused before any check: locked out (per user at this address, or the address). */
export interface Locked {
  readonly lockedFor: number;
  readonly lockedBy: 'user' | 'address';
}

interface Key {
  readonly key: string;
  readonly limits: ThrottleLimits;
  readonly kind: Kind;
}

/** The user name as counted: trimmed, lower-case. */
export function nameKey(userName: string): string {
  return userName.trim().toLowerCase();
}

/** Failure bookkeeping per (user, address), per address and per user name. */
export class LogonThrottle {
  constructor(
    private readonly opts: ThrottleOptions,
    private readonly store: ThrottleStore,
    private readonly now: () => number,
  ) {}

  private keys(s: ThrottleSubject): Key[] {
    const name = nameKey(s.userName);
    const addr = s.clientAddress ? clientKey(s.clientAddress) : 'local';
    // A known-good device of this user is counted apart from everyone else at its address (one
    // NAT, a reverse proxy on the host): their guesses and sprays neither slow nor lock it out,
    // and its own failures still lock it after the same count.
    if (s.trustedDevice) {
      return [
        { key: `ua:${name}|${addr}|device`, limits: this.opts, kind: 'user' },
        { key: `user:${name}`, limits: this.opts.userName, kind: 'userName' },
      ];
    }
    const out: Key[] = [{ key: `ua:${name}|${addr}`, limits: this.opts, kind: 'user' }];
    if (s.clientAddress) out.push({ key: `addr:${addr}`, limits: this.opts.address, kind: 'address' });
    out.push({ key: `user:${name}`, limits: this.opts.userName, kind: 'userName' });
    return out;
  }

  /**
   * Reserves the attempt before its check and says how long it must wait; or that it is locked
   * out; or that it is held back, because the failures and the attempts in flight of its pair or
   * its address already reach that key's lock-out limit. A reservation is an attempt in flight,
   * not a failure: it holds admission back but never locks anything by itself.
   */
  async reserve(s: ThrottleSubject): Promise<Reservation | Locked | HeldBack> {
    const t = this.now();
    const keys = this.keys(s);
    const bounded = keys.filter((k) => Number.isFinite(k.limits.lockoutFailures));
    // The store's reads and writes of one step go out at once, not one key after another (each a
    // round trip to a database); the answers are judged in the keys' order.
    const unreserve = async () => {
      await Promise.all(bounded.map((k) => this.store.remove(pendingKey(k.key), t)));
    };
    // This attempt's own reservation is in the count, so however concurrent attempts interleave,
    // failures plus attempts in flight never pass the lock-out limit.
    await Promise.all(bounded.map((k) => this.store.addFailure(pendingKey(k.key), t)));
    const counts = await Promise.all(
      keys.map(async (k) => {
        const [own, pending] = await Promise.all([
          this.store.get(k.key, t - k.limits.windowMs),
          Number.isFinite(k.limits.lockoutFailures) ? this.store.get(pendingKey(k.key), t - PENDING_MS) : null,
        ]);
        return { ...own, inFlight: pending?.failures ?? 0 };
      }),
    );
    let delayMs = 0;
    for (const [i, k] of keys.entries()) {
      const { failures, lockedUntil, inFlight } = counts[i]!;
      if (k.kind !== 'userName' && lockedUntil > t) {
        await unreserve();
        return { lockedFor: lockedUntil - t, lockedBy: k.kind };
      }
      if (Number.isFinite(k.limits.lockoutFailures) && failures + inFlight > k.limits.lockoutFailures) {
        await unreserve();
        return { heldBy: k.kind };
      }
      if (k.kind === 'userName' && s.trustedDevice) continue;
      if (failures >= k.limits.freeFailures) {
        const exponent = Math.min(failures - k.limits.freeFailures, 30);
        delayMs = Math.max(delayMs, Math.min(k.limits.maxDelayMs, k.limits.baseDelayMs * 2 ** exponent));
      }
    }
    return {
      delayMs,
      succeeded: async () => {
        await Promise.all([unreserve(), this.store.clear(keys[0]!.key)]);
      },
      released: unreserve,
      failed: async (alongside = 0) => {
        await unreserve();
        const at = this.now();
        let lock: { lockedMs: number; lockedBy: 'user' | 'address' | null } = { lockedMs: 0, lockedBy: null };
        for (const k of keys) {
          const times = k.kind === 'address' ? 1 : 1 + alongside;
          for (let i = 0; i < times; i++) await this.store.addFailure(k.key, at);
          if (k.kind === 'userName' || lock.lockedBy) continue;
          const { failures, lockedUntil } = await this.store.get(k.key, at - k.limits.windowMs);
          if (lockedUntil > at) lock = { lockedMs: lockedUntil - at, lockedBy: k.kind };
          else if (failures >= k.limits.lockoutFailures) {
            await this.store.lock(k.key, at + k.limits.lockoutMs);
            lock = { lockedMs: k.limits.lockoutMs, lockedBy: k.kind };
          }
        }
        return lock;
      },
    };
  }

  /** Forgets every count and lock-out of a user name (`mdsync users unlock NAME`). */
  async unlock(userName: string): Promise<void> {
    await this.store.clearUser(nameKey(userName));
  }
}

/** True when a reservation was refused by a lock-out. */
export function isLocked(r: Reservation | Locked | HeldBack): r is Locked {
  return 'lockedFor' in r;
}

/** True when a reservation was held back by attempts in flight (not counted, not locked). */
export function isHeldBack(r: Reservation | Locked | HeldBack): r is HeldBack {
  return 'heldBy' in r;
}
