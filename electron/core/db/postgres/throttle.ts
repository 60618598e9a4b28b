/**
 * The failed-logon throttle in PostgreSQL: every server sharing the database counts the same
 * attempts and honours the same lock-outs.
 *
 * Failures older than a day are pruned as new ones are recorded (no throttle window is longer),
 * and expired lock-outs with them.
 */
import type { Pool } from 'pg';
import type { ThrottleStore } from '../port';

/** How long failures are kept at most. */
const KEEP_MS = 24 * 60 * 60 * 1000;

/** A ThrottleStore on the database's logon tables. */
export function pgThrottleStore(pool: Pool): ThrottleStore {
  let lastPrune = 0;
  return {
    async get(key, since) {
      const r = await pool.query<{ failures: string; until: string | null }>(
        `SELECT (SELECT count(*) FROM logon_failures WHERE key = $1 AND at >= $2) AS failures,
                (SELECT until FROM logon_lockouts WHERE key = $1) AS until`,
        [key, since],
      );
      const row = r.rows[0];
      return { failures: Number(row?.failures ?? 0), lockedUntil: Number(row?.until ?? 0) };
    },
    async addFailure(key, at) {
      await pool.query('INSERT INTO logon_failures (key, at) VALUES ($1, $2)', [key, at]);
      if (at - lastPrune > 60_000) {
        lastPrune = at;
        await pool.query('DELETE FROM logon_failures WHERE at < $1', [at - KEEP_MS]);
        await pool.query('DELETE FROM logon_lockouts WHERE until < $1', [at]);
      }
    },
    async lock(key, until) {
      const client = await pool.connect();
      let broken: Error | undefined;
      const onError = (err: Error) => (broken = err); // the server dropped it: not back into the pool
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        await client.query(
          'INSERT INTO logon_lockouts (key, until) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET until = excluded.until',
          [key, until],
        );
        await client.query('DELETE FROM logon_failures WHERE key = $1', [key]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    },
    async remove(key, at) {
      // SKIP LOCKED: two removals of equal rows (the same millisecond) each take their own; without
      // it both pick the same row, one deletes nothing, and an attempt stays "in flight" for good.
      await pool.query(
        'DELETE FROM logon_failures WHERE ctid = (SELECT ctid FROM logon_failures WHERE key = $1 AND at = $2 LIMIT 1 FOR UPDATE SKIP LOCKED)',
        [key, at],
      );
    },
    async clearUser(name) {
      await pool.query(
        `WITH f AS (DELETE FROM logon_failures WHERE key = $1 OR starts_with(key, $2))
         DELETE FROM logon_lockouts WHERE key = $1 OR starts_with(key, $2)`,
        [`user:${name}`, `ua:${name}|`],
      );
    },
    async clear(key) {
      await pool.query(
        'WITH f AS (DELETE FROM logon_failures WHERE key = $1) DELETE FROM logon_lockouts WHERE key = $1',
        [key],
      );
    },
  };
}
