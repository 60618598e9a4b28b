/**
 * Slows down and locks out password guessing, without letting anyone lock another person out.
 *
 * Three counts, each in a ThrottleStore (memory, or the database so that processes sharing it
 * agree): per (user name, client address) — a few free failures, then 1 s, 2 s, 4 s … and a
 * lock-out; per client address (IPv6 per /64) — more free failures (a NAT), then the same; and per
 * user name alone — only a bounded slowdown, never a lock-out, which a right password from a
 * known-good device skips. Guesses for `admin` from other addresses therefore cost the guessers,
 * not `admin` at its own address.
 *
 * An attempt is *reserved* (counted as a failure) before the expensive check and released when
 * the password was right, so N concurrent attempts count as N, whatever their timing. The clock
 * is injected so tests need not wait.
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
  /** A right password from a known-good device skips the user name's slowdown. */
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
  /** The password was wrong: the reservation stays; returns a lock-out it caused (0: none). */
  failed(): Promise<{ lockedMs: number; lockedBy: 'user' | 'address' | null }>;
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
    const out: Key[] = [{ key: `ua:${name}|${addr}`, limits: this.opts, kind: 'user' }];
    if (s.clientAddress) out.push({ key: `addr:${addr}`, limits: this.opts.address, kind: 'address' });
    out.push({ key: `user:${name}`, limits: this.opts.userName, kind: 'userName' });
    return out;
  }

  /**
   * Counts the attempt (before its check) and says how long it must wait, or that it is locked
   * out (an attempt beyond the lock-out limit locks its key at once).
   */
  async reserve(s: ThrottleSubject): Promise<Reservation | Locked> {
    const t = this.now();
    const keys = this.keys(s);
    for (const k of keys) {
      if (k.kind === 'userName') continue;
      const { lockedUntil } = await this.store.get(k.key, t - k.limits.windowMs);
      if (lockedUntil > t) return { lockedFor: lockedUntil - t, lockedBy: k.kind };
    }
    let delayMs = 0;
    for (const k of keys) {
      await this.store.addFailure(k.key, t);
      // This attempt's own reservation is in the count: earlier attempts are those before it. A
      // lock set meanwhile (it forgets the failures) is seen here too.
      const { failures, lockedUntil } = await this.store.get(k.key, t - k.limits.windowMs);
      if (k.kind !== 'userName' && lockedUntil > t) return { lockedFor: lockedUntil - t, lockedBy: k.kind };
      if (k.kind !== 'userName' && failures > k.limits.lockoutFailures) {
        await this.store.lock(k.key, t + k.limits.lockoutMs);
        return { lockedFor: k.limits.lockoutMs, lockedBy: k.kind };
      }
      if (k.kind === 'userName' && s.trustedDevice) continue;
      const before = failures - 1;
      if (before >= k.limits.freeFailures) {
        const exponent = Math.min(before - k.limits.freeFailures, 30);
        delayMs = Math.max(delayMs, Math.min(k.limits.maxDelayMs, k.limits.baseDelayMs * 2 ** exponent));
      }
    }
    return {
      delayMs,
      succeeded: async () => {
        for (const k of keys) {
          if (k.kind === 'user') await this.store.clear(k.key);
          else await this.store.remove(k.key, t);
        }
      },
      released: async () => {
        for (const k of keys) await this.store.remove(k.key, t);
      },
      failed: async () => {
        for (const k of keys) {
          if (k.kind === 'userName') continue;
          const { failures } = await this.store.get(k.key, this.now() - k.limits.windowMs);
          if (failures >= k.limits.lockoutFailures) {
            await this.store.lock(k.key, this.now() + k.limits.lockoutMs);
            return { lockedMs: k.limits.lockoutMs, lockedBy: k.kind };
          }
        }
        return { lockedMs: 0, lockedBy: null };
      },
    };
  }

  /** Forgets every count and lock-out of a user name (`mdsync users unlock NAME`). */
  async unlock(userName: string): Promise<void> {
    await this.store.clearUser(nameKey(userName));
  }
}

/** True when a reservation was refused by a lock-out. */
export function isLocked(r: Reservation | Locked): r is Locked {
  return 'lockedFor' in r;
}
