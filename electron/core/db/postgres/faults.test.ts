/**
 * PostgreSQL after a bulk load and when it goes away, against the private server of
 * electron/testing/servers/postgres.ts: statistics true right after a synchronization, a statement timeout on
 * every connection, one sentence (the user database is unavailable) for a read while it is down.
 */
import pg from 'pg';
import { expect, it } from 'vitest';
import { defaultSettings } from '../../../../shared/settings';
import { describeIfAvailable } from '../../../testing/servers/suite-needs';
import { postgresUnavailable } from '../../../testing/servers/postgres';
import { runSync } from '../../sync/run';
import { pgConfig, parsePgUrl } from './connect';
import { useStore } from '../testing/stores';

const TABLES = ['users', 'user_emails', 'user_privileges', 'folders', 'folder_access'];

describeIfAvailable('PostgreSQL faults', postgresUnavailable(), () => {
  const store = useStore('postgres');

  async function client(): Promise<pg.Client> {
    const server = store.server()!;
    const url = store.options().databaseUrl!;
    const c = new pg.Client(pgConfig(parsePgUrl(url), server.password));
    await c.connect();
    return c;
  }

  it('leaves the statistics of the tables a synchronization changed true as it commits', async () => {
    const repo = await store.open();
    const c = await client();
    try {
      // Autovacuum kept out of it: what the statistics say is the synchronization's doing.
      for (const t of TABLES) await c.query(`ALTER TABLE ${t} SET (autovacuum_enabled = off)`);
      const accounts = Array.from({ length: 300 }, (_, i) => ({
        domain: 'company.test',
        mailbox: `user${i}`,
        email: `user${i}@company.test`,
        fullName: `User ${i}`,
        accessType: 'Y' as const,
        groups: [],
        aliases: [],
      }));
      const report = await runSync({
        repository: repo,
        readDirectory: () =>
          Promise.resolve({ accounts, domains: ['company.test'], groups: [], warnings: [], invalidRecords: 0 }),
        settings: defaultSettings(),
        dryRun: false,
        actor: 'test',
      });
      expect(report.summary.create).toBe(300);
      const r = await c.query<{ relname: string; reltuples: number }>(
        'SELECT relname, reltuples FROM pg_class WHERE relname = ANY($1) ORDER BY relname',
        [TABLES],
      );
      const tuples = Object.fromEntries(r.rows.map((row) => [row.relname, Number(row.reltuples)]));
      expect(tuples.users).toBe(301);
      expect(tuples.user_emails).toBe(300);
      expect(tuples.folders).toBe(301);
    } finally {
      await c.end();
      await repo.close();
    }
  });

  it('puts a statement timeout on every connection', async () => {
    const c = await client();
    try {
      const r = await c.query<{ statement_timeout: string }>('SHOW statement_timeout');
      expect(r.rows[0]?.statement_timeout).toBe('2min');
    } finally {
      await c.end();
    }
  });

  it('says the user database is unavailable when a logon reads while it is down, and recovers by itself', async () => {
    const repo = await store.open();
    const server = store.server()!;
    try {
      expect(await repo.getLogonUser('admin')).not.toBeNull();
      await server.halt();
      await expect(repo.getLogonUser('admin')).rejects.toMatchObject({
        code: 'unavailable',
        message: expect.stringMatching(/^the user database is unavailable: the PostgreSQL database \S+ is unreachable/),
      });
      await server.start();
      expect(await repo.getLogonUser('admin')).not.toBeNull();
    } finally {
      await repo.close();
    }
  });
});
