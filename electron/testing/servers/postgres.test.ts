import { afterAll, beforeAll, expect, it } from 'vitest';
import pg from 'pg';
import { postgresUnavailable, startPostgres, type PostgresServer } from './postgres';
import { describeIfAvailable } from './suite-needs';

const unavailable = postgresUnavailable();

describeIfAvailable('the private PostgreSQL fixture', unavailable, () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres({ tls: true });
  });
  afterAll(async () => server?.stop());

  const connect = async (url: string, password: string | undefined, ssl?: object) => {
    const u = new URL(url);
    const client = new pg.Client({
      host: u.hostname,
      port: Number(u.port),
      user: decodeURIComponent(u.username),
      database: u.pathname.slice(1),
      password,
      ssl,
    });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };

  it('listens on 127.0.0.1 only and wants the password', async () => {
    expect(server.url()).toMatch(/^postgres:\/\/mdsync_test@127\.0\.0\.1:\d+\/postgres$/);
    const c = await connect(server.url(), server.password);
    const row = await c.query<{ a: string }>("SELECT current_setting('listen_addresses') AS a");
    expect(row.rows[0]?.a).toBe('127.0.0.1');
    await c.end();
    await expect(connect(server.url(), 'wrong')).rejects.toMatchObject({ code: '28P01' });
  });

  it('speaks TLS when asked, creates databases, and comes back after a halt on the same port', async () => {
    const url = await server.createDatabase();
    const tls = await connect(url, server.password, { rejectUnauthorized: false });
    const ssl = await tls.query<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
    expect(ssl.rows[0]?.ssl).toBe(true);
    await tls.end();
    const port = server.port;
    await server.halt();
    await expect(connect(url, server.password)).rejects.toThrow();
    await server.start();
    expect(server.port).toBe(port);
    const again = await connect(url, server.password);
    await again.end();
  });
});
