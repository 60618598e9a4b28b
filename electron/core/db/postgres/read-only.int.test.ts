/**
 * The commands that only read (`users`, `test`, `login`: RepositoryOptions.readOnly) on the
 * private PostgreSQL of electron/testing/servers/postgres.ts: their transactions are read-only by default, they
 * never create or migrate the schema, a missing schema is one sentence, and the schema before the
 * last (which differs by indexes only) is read as it is.
 */
import pg from 'pg';
import { expect, it } from 'vitest';
import { postgresUnavailable } from '../../../testing/servers/postgres';
import { describeIfAvailable } from '../../../testing/servers/suite-needs';
import { summarize } from '../../sync/plan';
import { pgConfig, parsePgUrl } from './connect';
import { useStore } from '../testing/stores';
import { userRules } from '../../users/user-rules';

describeIfAvailable('PostgreSQL opened by a command that only reads', postgresUnavailable(), () => {
  const store = useStore('postgres');

  /** Runs one query on this test's database as the administrator's own connection. */
  async function query<T extends pg.QueryResultRow>(text: string): Promise<T[]> {
    const c = new pg.Client(pgConfig(parsePgUrl(store.options().databaseUrl!), store.server()!.password));
    await c.connect();
    try {
      return (await c.query<T>(text)).rows;
    } finally {
      await c.end();
    }
  }
  const rejection = (p: Promise<unknown>) =>
    p.then(
      () => null,
      (e: unknown) => e,
    );

  it('creates no schema in an empty database and says so in one sentence', async () => {
    const err = await rejection(store.open({ readOnly: true }));
    expect(err).toMatchObject({
      code: 'notFound',
      message: expect.stringMatching(
        /^the PostgreSQL database postgres:\/\/\S+ holds no mdsync user database yet; a command that only reads does not create one: run mdsync sync \(or mdsync db init\) first$/,
      ),
    });
    expect(await query("SELECT to_regclass('mdsync_meta')::text AS t")).toEqual([{ t: null }]);
  });

  it('reads, refuses a change in one sentence, and still keeps the history of a test', async () => {
    const writer = await store.open();
    await userRules(writer).createUser({ userName: 'alice', fullName: 'Alice' });
    await writer.close();
    const reader = await store.open({ readOnly: true });
    try {
      expect((await reader.listUsers()).map((u) => u.userName)).toContain('alice');
      const err = await rejection(userRules(reader).createUser({ userName: 'bob' }));
      expect(err).toMatchObject({
        code: 'readOnly',
        message: expect.stringMatching(/was opened read-only \(a command that only reads\) and refused a change/),
      });
      const id = await reader.recordRun(
        {
          startedAt: '2026-01-01T00:00:00.000Z',
          finishedAt: '2026-01-01T00:00:01.000Z',
          actor: 'test',
          dryRun: true,
          status: 'tested',
          summary: summarize([]),
          message: null,
        },
        [],
      );
      expect(id).toBeGreaterThan(0);
    } finally {
      await reader.close();
    }
    expect(await query("SELECT user_name FROM users WHERE user_name = 'bob'")).toEqual([]);
  });

  it('reads a schema-1 database as it is, leaving its migration to a writer', async () => {
    const writer = await store.open();
    await userRules(writer).createUser({ userName: 'alice', fullName: 'Alice' });
    await writer.close();
    await store.exec(`DROP INDEX users_name_order; UPDATE mdsync_meta SET value = '1' WHERE key = 'schema_version'`);
    const reader = await store.open({ readOnly: true });
    try {
      expect((await reader.listUsers()).map((u) => u.userName)).toEqual(['admin', 'alice']);
    } finally {
      await reader.close();
    }
    expect(await query("SELECT value FROM mdsync_meta WHERE key = 'schema_version'")).toEqual([{ value: '1' }]);
    expect(await query("SELECT to_regclass('users_name_order')::text AS t")).toEqual([{ t: null }]);
  });
});
