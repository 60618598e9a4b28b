/** The session table on a real private PostgreSQL: only a hash is kept; ends and events are heard by every listener. */
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { postgresUnavailable, startPostgres, type PostgresServer } from '../../../testing/servers/postgres';
import { describeIfAvailable } from '../../../testing/servers/suite-needs';
import { openSessionTable, type BusEvent, type EndNotice, type SessionTable } from './sessions';

describeIfAvailable('the PostgreSQL session table', postgresUnavailable(), () => {
  let server: PostgresServer;
  let pool: pg.Pool;
  let table: SessionTable;
  let config: pg.ClientConfig;

  beforeAll(async () => {
    server = await startPostgres();
    const url = new URL(await server.createDatabase('sessions'));
    config = {
      host: url.hostname,
      port: Number(url.port),
      user: decodeURIComponent(url.username),
      password: server.password,
      database: url.pathname.slice(1),
    };
    pool = new pg.Pool(config);
    pool.on('error', () => undefined); // the server stopping at the end
    table = await openSessionTable(pool, config);
    await openSessionTable(pool, config); // a second server opening it finds it made
  }, 60_000);

  afterAll(async () => {
    await pool?.end();
    await server?.stop();
  });

  it('keeps a hash, finds live sessions, writes last-seen forward only, and forgets ended ones', async () => {
    await table.create('h1', { userName: 'bob', clientAddress: '192.0.2.7', createdAt: 1000, lastSeen: 1000 });
    await table.seen('h1', 5000);
    await table.seen('h1', 3000);
    expect(await table.find('h1')).toEqual({
      userName: 'bob',
      clientAddress: '192.0.2.7',
      createdAt: 1000,
      lastSeen: 5000,
    });
    await table.end('h1', 'you logged off', 6000);
    expect(await table.find('h1')).toBeNull();
    expect(await table.endedSince(6000)).toEqual([{ idHash: 'h1', reason: 'you logged off' }]);
  });

  it('tells every listener of ends and events; expiry ends idle and old sessions', async () => {
    const ends: EndNotice[] = [];
    const events: BusEvent[] = [];
    const stop = table.listen(
      (n) => ends.push(n),
      (e) => events.push(e),
    );
    await new Promise((r) => setTimeout(r, 500)); // LISTEN is in place
    const now = Date.now();
    await table.create('h2', { userName: 'ann', clientAddress: 'x', createdAt: now, lastSeen: now - 60_000 });
    await table.create('h3', { userName: 'Ann', clientAddress: 'x', createdAt: now, lastSeen: now });
    await table.create('h4', { userName: 'ann', clientAddress: 'x', createdAt: now, lastSeen: now });
    expect(await table.expire(now, 30_000, 3_600_000)).toBe(1);
    await table.endUser('ANN', 'your user was deleted', now, 'server-1', 'h4');
    await table.publish({ from: 'server-1', event: 'sync:progress', payload: { phase: 'read', done: 1, total: 2 } });
    await expect.poll(() => events.length).toBe(1);
    expect(ends).toEqual([
      { idHash: 'h2', reason: 'idle' },
      { userName: 'ANN', reason: 'your user was deleted', from: 'server-1', keep: 'h4' },
    ]);
    expect(await table.find('h3')).toBeNull();
    expect(await table.find('h4')).not.toBeNull();
    expect(events[0]).toEqual({
      from: 'server-1',
      event: 'sync:progress',
      payload: { phase: 'read', done: 1, total: 2 },
    });
    await stop();
  });
});
