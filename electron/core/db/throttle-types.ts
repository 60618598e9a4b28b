/**
 * The failed-logon throttle's storage, as the repository hands out a shared one (PostgreSQL: every
 * server counts the same attempts). The one declaration is the auth module's.
 */
export type { ThrottleStore } from '../auth/throttle-store';
