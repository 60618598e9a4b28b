/**
 * Slows down and then locks out password guessing, per user name and per client address.
 *
 * After a few failures each further attempt waits longer (1 s, 2 s, 4 s … capped); too many
 * failures within the window lock the key out for a while. Both the user name and the client
 * address count, so guesses spread over many connections, or over many user names from one
 * address, are throttled as one; the address limit is higher (several people may share one
 * address behind a NAT). The bookkeeping lives in a ThrottleStore (memory, or the database so
 * that processes sharing it agree); the clock is injected so tests need not wait.
 */
import type { ThrottleStore } from './throttle-store';

/** Thresholds of one key kind. */
export interface ThrottleLimits {
  /** Failures that cost nothing extra. */
  freeFailures: number;
  /** Delay after the first failure beyond the free ones; doubles with each further failure. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Failures within `windowMs` that lock the key out. */
  lockoutFailures: number;
  windowMs: number;
  lockoutMs: number;
}

/** Thresholds per user name and per client address. */
export interface ThrottleOptions extends ThrottleLimits {
  /** Limits per client address (higher than per user name). */
  address: ThrottleLimits;
}

/**
 * The defaults. User name: 3 free, then 1 s, 2 s, 4 s … up to 16 s; 10 failures in 15 min lock
 * 5 min. Client address: 10 free, then 1 s doubling up to 16 s; 30 failures in 15 min lock 5 min.
 */
export const DEFAULT_THROTTLE: ThrottleOptions = {
  freeFailures: 3,
  baseDelayMs: 1000,
  maxDelayMs: 16_000,
  lockoutFailures: 10,
  windowMs: 15 * 60_000,
  lockoutMs: 5 * 60_000,
  address: {
    freeFailures: 10,
    baseDelayMs: 1000,
    maxDelayMs: 16_000,
    lockoutFailures: 30,
    windowMs: 15 * 60_000,
    lockoutMs: 5 * 60_000,
  },
};

/** What a logon attempt is keyed by. */
export interface ThrottleSubject {
  readonly userName: string;
  /** The client's address; absent for local callers (the desktop app, the CLI). */
  readonly clientAddress?: string;
}

/** What the throttle says about an attempt before it is checked. */
export interface ThrottleVerdict {
  /** Milliseconds still locked out (0: not locked), and which key is. */
  readonly lockedFor: number;
  readonly lockedBy: 'user' | 'address' | null;
  /** How long to wait before checking the password. */
  readonly delayMs: number;
}

/** Failure bookkeeping per (case-insensitive) user name and per client address. */
export class LogonThrottle {
  constructor(
    private readonly opts: ThrottleOptions,
    private readonly store: ThrottleStore,
    private readonly now: () => number,
  ) {}

  private keys(s: ThrottleSubject): { key: string; limits: ThrottleLimits; kind: 'user' | 'address' }[] {
    const out: { key: string; limits: ThrottleLimits; kind: 'user' | 'address' }[] = [
      { key: `user:${s.userName.trim().toLowerCase()}`, limits: this.opts, kind: 'user' },
    ];
    if (s.clientAddress) out.push({ key: `addr:${s.clientAddress}`, limits: this.opts.address, kind: 'address' });
    return out;
  }

  /** Whether the attempt is locked out, and how long it must wait otherwise. */
  async check(s: ThrottleSubject): Promise<ThrottleVerdict> {
    const t = this.now();
    let delayMs = 0;
    for (const { key, limits, kind } of this.keys(s)) {
      const { failures, lockedUntil } = await this.store.get(key, t - limits.windowMs);
      if (lockedUntil > t) return { lockedFor: lockedUntil - t, lockedBy: kind, delayMs: 0 };
      if (failures >= limits.freeFailures) {
        const exponent = Math.min(failures - limits.freeFailures, 30);
        delayMs = Math.max(delayMs, Math.min(limits.maxDelayMs, limits.baseDelayMs * 2 ** exponent));
      }
    }
    return { lockedFor: 0, lockedBy: null, delayMs };
  }

  /** Records a failure; returns the lock-out in ms it caused (0: none) and for which key. */
  async recordFailure(s: ThrottleSubject): Promise<{ lockedMs: number; lockedBy: 'user' | 'address' | null }> {
    const t = this.now();
    let result: { lockedMs: number; lockedBy: 'user' | 'address' | null } = { lockedMs: 0, lockedBy: null };
    for (const { key, limits, kind } of this.keys(s)) {
      await this.store.addFailure(key, t);
      const { failures } = await this.store.get(key, t - limits.windowMs);
      if (failures >= limits.lockoutFailures) {
        await this.store.lock(key, t + limits.lockoutMs);
        if (result.lockedMs === 0) result = { lockedMs: limits.lockoutMs, lockedBy: kind };
      }
    }
    return result;
  }

  /** Forgets the user name's failures after a successful logon (the address keeps its count). */
  async recordSuccess(s: ThrottleSubject): Promise<void> {
    await this.store.clear(this.keys(s)[0]!.key);
  }
}
