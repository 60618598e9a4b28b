/**
 * Logon sessions in PostgreSQL, shared by every server on the database: a session made on one is
 * accepted by all, and its end (log off, a user's sessions ended, idle, lifetime) reaches all.
 *
 * The table keeps a SHA-256 hash of the session id, never the id, with the user, the client
 * address, when it was made and last seen (written at most every few seconds by the caller, not
 * on every call), and when and why it ended. Ends are announced with NOTIFY on one channel and
 * heard by a LISTEN connection of each server (re-dialled when it drops); each server also
 * re-reads the recent ends now and then, in case a notification was missed. Events the pages show
 * (a synchronization's progress) travel on a second channel.
 *
 * The table is made when first opened (`IF NOT EXISTS`), beside the versioned schema: it holds
 * only what can be lost (a lost table logs people off, nothing more). So is `web_keys`, the
 * servers' shared signing key of device cookies (lost: devices are strangers once more).
 */
import pg from 'pg';
import type { ClientConfig, Pool } from 'pg';
import type { BusEvent, EndNotice, SessionTable } from '../session-table';

export type { BusEvent, EndNotice, SessionTable, StoredSession } from '../session-table';

const ENDS = 'mdsync_session_ends';
const EVENTS = 'mdsync_page_events';
/** NOTIFY payloads are limited to 8000 bytes; larger events are not sent. */
const MAX_PAYLOAD = 7900;

const SCHEMA = `CREATE TABLE IF NOT EXISTS web_sessions (
  id_hash TEXT PRIMARY KEY,
  user_name TEXT NOT NULL,
  client_address TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_seen BIGINT NOT NULL,
  ended_at BIGINT,
  end_reason TEXT
);
CREATE INDEX IF NOT EXISTS web_sessions_user ON web_sessions (lower(user_name)) WHERE ended_at IS NULL;
CREATE INDEX IF NOT EXISTS web_sessions_ended ON web_sessions (ended_at) WHERE ended_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS web_keys (name TEXT PRIMARY KEY, key BYTEA NOT NULL)`;

/** Opens the session table on a pool; `config` dials the LISTEN connection. */
export async function openSessionTable(pool: Pool, config: ClientConfig): Promise<SessionTable> {
  await pool.query(SCHEMA).catch(async (err: unknown) => {
    // Two servers creating it at once: one wins, the other sees it made.
    if ((err as { code?: string }).code !== '23505' && (err as { code?: string }).code !== '42P07') throw err;
    await pool.query(SCHEMA);
  });
  const notify = (channel: string, payload: unknown) => {
    const text = JSON.stringify(payload);
    return text.length > MAX_PAYLOAD
      ? Promise.resolve()
      : pool.query('SELECT pg_notify($1, $2)', [channel, text]).then(() => undefined);
  };
  return {
    async create(idHash, s) {
      await pool.query(
        `INSERT INTO web_sessions (id_hash, user_name, client_address, created_at, last_seen) VALUES ($1, $2, $3, $4, $5)`,
        [idHash, s.userName, s.clientAddress, s.createdAt, s.lastSeen],
      );
    },
    async find(idHash) {
      const r = await pool.query<{ user_name: string; client_address: string; created_at: string; last_seen: string }>(
        'SELECT user_name, client_address, created_at, last_seen FROM web_sessions WHERE id_hash = $1 AND ended_at IS NULL',
        [idHash],
      );
      const row = r.rows[0];
      return row
        ? {
            userName: row.user_name,
            clientAddress: row.client_address,
            createdAt: Number(row.created_at),
            lastSeen: Number(row.last_seen),
          }
        : null;
    },
    async seen(idHash, at) {
      await pool.query('UPDATE web_sessions SET last_seen = GREATEST(last_seen, $2) WHERE id_hash = $1', [idHash, at]);
    },
    async end(idHash, reason, at) {
      const r = await pool.query(
        'UPDATE web_sessions SET ended_at = $2, end_reason = $3 WHERE id_hash = $1 AND ended_at IS NULL',
        [idHash, at, reason],
      );
      if (r.rowCount) await notify(ENDS, { idHash, reason });
    },
    async endUser(userName, reason, at, from, keep) {
      await pool.query(
        `UPDATE web_sessions SET ended_at = $2, end_reason = $3
         WHERE lower(user_name) = lower($1) AND ended_at IS NULL AND id_hash <> $4`,
        [userName, at, reason, keep ?? ''],
      );
      await notify(ENDS, { userName, reason, from, ...(keep ? { keep } : {}) });
    },
    async expire(now, idleMs, lifetimeMs) {
      const r = await pool.query<{ id_hash: string; end_reason: string }>(
        `UPDATE web_sessions SET ended_at = $1,
           end_reason = CASE WHEN created_at <= $3 THEN 'lifetime' ELSE 'idle' END
         WHERE ended_at IS NULL AND (last_seen <= $2 OR created_at <= $3)
         RETURNING id_hash, end_reason`,
        [now, now - idleMs, now - lifetimeMs],
      );
      for (const row of r.rows) await notify(ENDS, { idHash: row.id_hash, reason: row.end_reason });
      // Ended sessions are kept a day for the record, then pruned.
      await pool.query('DELETE FROM web_sessions WHERE ended_at < $1', [now - 86_400_000]);
      return r.rows.length;
    },
    async endedSince(since) {
      const r = await pool.query<{ id_hash: string; end_reason: string }>(
        'SELECT id_hash, end_reason FROM web_sessions WHERE ended_at >= $1',
        [since],
      );
      return r.rows.map((row) => ({ idHash: row.id_hash, reason: row.end_reason }));
    },
    async sharedKey(name, offered) {
      await pool.query('INSERT INTO web_keys (name, key) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [
        name,
        offered,
      ]);
      const r = await pool.query<{ key: Buffer }>('SELECT key FROM web_keys WHERE name = $1', [name]);
      return r.rows[0]?.key ?? offered;
    },
    publish: (e) => notify(EVENTS, e),
    listen(onEnd, onEvent) {
      let stopped = false;
      let client: pg.Client | null = null;
      let retry: NodeJS.Timeout | null = null;
      const dial = async () => {
        if (stopped) return;
        const c = new pg.Client(config);
        client = c;
        c.on('error', () => undefined);
        c.on('end', () => {
          if (!stopped && client === c) retry = setTimeout(() => void dial(), 1000);
        });
        c.on('notification', (msg) => {
          try {
            const value = JSON.parse(msg.payload ?? 'null') as unknown;
            if (msg.channel === ENDS) onEnd(value as EndNotice);
            else if (msg.channel === EVENTS) onEvent(value as BusEvent);
          } catch {
            // not ours
          }
        });
        try {
          await c.connect();
          await c.query(`LISTEN ${ENDS}; LISTEN ${EVENTS}`);
        } catch {
          await c.end().catch(() => undefined);
        }
      };
      void dial();
      return async () => {
        stopped = true;
        if (retry) clearTimeout(retry);
        await client?.end().catch(() => undefined);
      };
    },
  };
}
