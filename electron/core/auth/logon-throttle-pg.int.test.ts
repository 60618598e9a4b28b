/**
 * The logon throttle on a real private PostgreSQL (the store every server behind one name shares):
 * attempts in flight are forgotten once settled, however many settle in the same millisecond.
 */
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { postgresUnavailable, startPostgres, type PostgresServer } from '../../testing/servers/postgres';
import { describeIfAvailable } from '../../testing/servers/suite-needs';
import { migratePg } from '../db/postgres/schema';
import { pgThrottleStore } from '../db/postgres/throttle';
import { DEFAULT_THROTTLE, LogonThrottle, isHeldBack, isLocked, type Reservation } from './logon-throttle';

describeIfAvailable('the logon throttle on PostgreSQL', postgresUnavailable(), () => {
  let server: PostgresServer;
  let pool: pg.Pool;

  beforeAll(async () => {
    server = await startPostgres();
    const url = new URL(await server.createDatabase('throttle'));
    pool = new pg.Pool({
      host: url.hostname,
      port: Number(url.port),
      user: decodeURIComponent(url.username),
      password: server.password,
      database: url.pathname.slice(1),
      max: 16,
    });
    pool.on('error', () => undefined); // the server stopping at the end
    const client = await pool.connect();
    try {
      await migratePg(client, new Date().toISOString());
    } finally {
      client.release();
    }
  }, 60_000);

  afterAll(async () => {
    await pool?.end();
    await server?.stop();
  });

  const inFlight = async (key: string) =>
    Number((await pool.query('SELECT count(*) AS n FROM logon_failures WHERE key = $1', [key])).rows[0].n);

  it('leaves no attempt in flight behind when many from one address settle in the same millisecond', async () => {
    // Two servers' throttles on one database, with one frozen clock: every reservation has the same time.
    const store = pgThrottleStore(pool);
    const servers = [0, 1].map(() => new LogonThrottle(DEFAULT_THROTTLE, store, () => 1_700_000_000_000));
    for (let round = 0; round < 3; round++) {
      const reserved = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          servers[i % 2]!.reserve({ userName: `user${i}`, clientAddress: '192.0.2.10' }),
        ),
      );
      for (const r of reserved) expect(isLocked(r) || isHeldBack(r)).toBe(false);
      await Promise.all(
        reserved.map((r, i) => (i % 3 === 0 ? (r as Reservation).released() : (r as Reservation).succeeded())),
      );
      expect(await inFlight('inflight:addr:192.0.2.10')).toBe(0);
    }
  });
});
