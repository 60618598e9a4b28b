/**
 * Slows down and then locks out password guessing, per user name.
 *
 * After a few failures each further attempt waits longer (1 s, 2 s, 4 s … capped); too many
 * failures within the window lock the name out for a while. Kept in memory: a restart forgets
 * it, which is fine for slowing down guessing against one running archive. The clock is
 * injected so tests need not wait.
 */

/** Thresholds of the throttle. */
export interface ThrottleOptions {
  /** Failures that cost nothing extra. */
  freeFailures: number;
  /** Delay after the first failure beyond the free ones; doubles with each further failure. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Failures within `windowMs` that lock the name out. */
  lockoutFailures: number;
  windowMs: number;
  lockoutMs: number;
  /** Names remembered at most (oldest forgotten first), so random names cannot fill memory. */
  maxEntries: number;
}

/** The defaults: 3 free, then 1 s, 2 s, 4 s … up to 16 s; 10 failures in 15 min lock 5 min. */
export const DEFAULT_THROTTLE: ThrottleOptions = {
  freeFailures: 3,
  baseDelayMs: 1000,
  maxDelayMs: 16_000,
  lockoutFailures: 10,
  windowMs: 15 * 60_000,
  lockoutMs: 5 * 60_000,
  maxEntries: 10_000,
};

interface Entry {
  failures: number[];
  lockedUntil: number;
}

/** Failure bookkeeping per (case-insensitive) user name. */
export class LogonThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly opts: ThrottleOptions,
    private readonly now: () => number,
  ) {}

  private key(userName: string): string {
    return userName.trim().toLowerCase();
  }

  private recent(entry: Entry | undefined): number[] {
    if (!entry) return [];
    const since = this.now() - this.opts.windowMs;
    entry.failures = entry.failures.filter((t) => t > since);
    return entry.failures;
  }

  /** Milliseconds the name is still locked out, or 0. */
  lockedFor(userName: string): number {
    const entry = this.entries.get(this.key(userName));
    return entry ? Math.max(0, entry.lockedUntil - this.now()) : 0;
  }

  /** How long to wait before checking this name's password. */
  delayFor(userName: string): number {
    const n = this.recent(this.entries.get(this.key(userName))).length;
    if (n < this.opts.freeFailures) return 0;
    const exponent = Math.min(n - this.opts.freeFailures, 30);
    return Math.min(this.opts.maxDelayMs, this.opts.baseDelayMs * 2 ** exponent);
  }

  /** Records a failure; returns the lock-out in ms it caused, or 0. */
  recordFailure(userName: string): number {
    const key = this.key(userName);
    let entry = this.entries.get(key);
    if (!entry) {
      this.evictIfFull();
      entry = { failures: [], lockedUntil: 0 };
      this.entries.set(key, entry);
    }
    const failures = this.recent(entry);
    failures.push(this.now());
    if (failures.length >= this.opts.lockoutFailures) {
      entry.lockedUntil = this.now() + this.opts.lockoutMs;
      entry.failures = [];
      return this.opts.lockoutMs;
    }
    return 0;
  }

  /** Forgets the name's failures (after a successful logon). */
  recordSuccess(userName: string): void {
    this.entries.delete(this.key(userName));
  }

  private evictIfFull(): void {
    if (this.entries.size < this.opts.maxEntries) return;
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (entry.lockedUntil <= now && this.recent(entry).length === 0) this.entries.delete(key);
    }
    while (this.entries.size >= this.opts.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }
}
