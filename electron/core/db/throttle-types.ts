/**
 * The failed-logon throttle's storage, as agreed with the network service.
 *
 * Declared here so the repository can hand out a shared, table-backed one (PostgreSQL: every
 * server counts the same attempts); the lead unifies it with electron/core/auth/throttle-store.ts.
 */

/** Failure counts and lock-outs per key (a user name, an address). */
export interface ThrottleStore {
  /** Failures of `key` at or after `since` (ms since epoch), and when its lock-out ends (0: none). */
  get(key: string, since: number): Promise<{ failures: number; lockedUntil: number }>;
  /** Records one failure of `key` at `at`. */
  addFailure(key: string, at: number): Promise<void>;
  /** Locks `key` out until `until` and forgets its failures. */
  lock(key: string, until: number): Promise<void>;
  /** Forgets `key` (after a successful logon). */
  clear(key: string): Promise<void>;
}
