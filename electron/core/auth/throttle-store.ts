/**
 * Where the logon throttle keeps failures and lock-outs: in this process's memory, or in the
 * database (so that every process sharing it agrees; the PostgreSQL store implements this too).
 *
 * Keys are strings the throttle makes: `ua:<name>|<address>`, `addr:<address>`, `user:<name>`.
 */

/** A store of failed logons and lock-outs. */
export interface ThrottleStore {
  /** Failures of `key` at or after `since` (ms since epoch), and when its lock-out ends (0: none). */
  get(key: string, since: number): Promise<{ failures: number; lockedUntil: number }>;
  /** Records one failure of `key` at `at`. */
  addFailure(key: string, at: number): Promise<void>;
  /** Locks `key` out until `until` and forgets its failures. */
  lock(key: string, until: number): Promise<void>;
  /** Forgets `key` (after a successful logon). */
  clear(key: string): Promise<void>;
  /** Forgets one failure of `key` recorded at `at` (a reserved attempt that succeeded). */
  remove(key: string, at: number): Promise<void>;
  /** Forgets the counts and lock-outs of a user name (`user:<name>` and every `ua:<name>|…`). */
  clearUser(name: string): Promise<void>;
}

interface Entry {
  failures: number[];
  lockedUntil: number;
}

/**
 * The in-memory store: at most `maxEntries` keys (the least recently failed go first), and at
 * most `maxFailuresPerKey` timestamps per key, so random names cannot fill memory.
 */
export function createMemoryThrottleStore(maxEntries = 10_000, maxFailuresPerKey = 100): ThrottleStore {
  const entries = new Map<string, Entry>();
  return {
    get(key, since) {
      const e = entries.get(key);
      if (!e) return Promise.resolve({ failures: 0, lockedUntil: 0 });
      e.failures = e.failures.filter((t) => t >= since);
      return Promise.resolve({ failures: e.failures.length, lockedUntil: e.lockedUntil });
    },
    addFailure(key, at) {
      const e = entries.get(key) ?? { failures: [], lockedUntil: 0 };
      entries.delete(key);
      while (entries.size >= maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done) break;
        entries.delete(oldest.value);
      }
      e.failures.push(at);
      if (e.failures.length > maxFailuresPerKey) e.failures.splice(0, e.failures.length - maxFailuresPerKey);
      entries.set(key, e);
      return Promise.resolve();
    },
    lock(key, until) {
      const e = entries.get(key) ?? { failures: [], lockedUntil: 0 };
      e.failures = [];
      e.lockedUntil = until;
      entries.set(key, e);
      return Promise.resolve();
    },
    clear(key) {
      entries.delete(key);
      return Promise.resolve();
    },
    remove(key, at) {
      const e = entries.get(key);
      const i = e ? e.failures.indexOf(at) : -1;
      if (e && i >= 0) e.failures.splice(i, 1);
      return Promise.resolve();
    },
    clearUser(name) {
      entries.delete(`user:${name}`);
      for (const key of [...entries.keys()]) if (key.startsWith(`ua:${name}|`)) entries.delete(key);
      return Promise.resolve();
    },
  };
}
