import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { postgresUnavailable, startPostgres, type PostgresServer } from '../../testing/servers/postgres';
import { makeUserlist } from '../../core/mdaemon/testing/make-userlist';
import { loadSettings } from '../../core/settings-store';
import { exitCodeFor, type CliIo, type Command } from '../io';
import type { MachineDeps } from './common-flags';
import { foldersCommand } from './folders';
import { makeRunCommand } from './sync';
import { usersCommand } from './users';
import { dbCommand } from './db';
import { loginCommand } from './login';
import { type ArchiveRepository } from '../../core/db/port';
import { openRepository } from '../../core/db/open';
import { describeIfAvailable } from '../../testing/servers/suite-needs';
import { userRules } from '../../core/users/user-rules';

const unavailable = postgresUnavailable();

const deps: MachineDeps = {
  platform: 'linux',
  readRegistry: () => Promise.resolve(null),
  dirExists: () => Promise.resolve(false),
  loadSmbSource: () => Promise.reject(new Error('no SMB in these tests')),
  loadSettings,
};

describeIfAvailable('choosing PostgreSQL on the command line', unavailable, () => {
  let server: PostgresServer;
  let root: string;
  let url: string;
  beforeAll(async () => {
    server = await startPostgres();
  }, 120_000);
  afterAll(async () => server?.stop());
  beforeEach(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-clidb-'));
    url = await server.createDatabase();
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  async function cli(command: Command, argv: string[], stdin = '', env: Record<string, string> = {}) {
    let stdout = '';
    let stderr = '';
    const io: CliIo = {
      stdout: (t) => void (stdout += t),
      stderr: (t) => void (stderr += t),
      readStdin: () => Promise.resolve(stdin),
      env,
      defaultDataDir: path.join(root, 'data'),
    };
    let code: number;
    try {
      code = await command(argv, io);
    } catch (err) {
      stderr += `${err instanceof Error ? err.message : String(err)}\n`;
      code = exitCodeFor(err);
    }
    const all = `${stdout}${stderr}`;
    expect(all).not.toContain(server.password);
    return { code, stdout, stderr };
  }

  it('--database with PGPASSWORD, MDSYNC_DATABASE_URL, config.json and --database-password-stdin all reach the same database', async () => {
    const pw = { PGPASSWORD: server.password };
    expect(await cli(usersCommand, ['add', 'viaflag', '--database', url], '', pw)).toMatchObject({ code: 0 });
    const viaEnv = await cli(usersCommand, ['--json'], '', { ...pw, MDSYNC_DATABASE_URL: url });
    expect((JSON.parse(viaEnv.stdout) as { userName: string }[]).map((u) => u.userName)).toEqual(['admin', 'viaflag']);
    fs.mkdirSync(path.join(root, 'data'), { recursive: true });
    fs.writeFileSync(path.join(root, 'data', 'config.json'), JSON.stringify({ database: url }));
    const viaConfig = await cli(foldersCommand, ['--json'], '', pw);
    expect((JSON.parse(viaConfig.stdout) as { name: string }[]).map((f) => f.name)).toEqual(['admin', 'viaflag']);
    const viaStdin = await cli(foldersCommand, ['--json', '--database-password-stdin'], `${server.password}\n`);
    expect(viaStdin.code).toBe(0);
    expect(
      await cli(usersCommand, ['passwd', 'admin', '--password-stdin', '--database', url], 'Admin-pw-1\n', pw),
    ).toMatchObject({ code: 0 });
    const login = await cli(loginCommand, ['--user', 'admin', '--password-stdin', '--json'], 'Admin-pw-1\n', {
      ...pw,
      MDSYNC_DATABASE_URL: url,
    });
    expect(JSON.parse(login.stdout)).toMatchObject({ ok: true, userName: 'admin' });
    // The embedded file was never created: everything went to PostgreSQL.
    expect(fs.existsSync(path.join(root, 'data', 'archive.sqlite'))).toBe(false);
  });

  it('test and sync apply to PostgreSQL', async () => {
    const app = path.join(root, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(
      path.join(app, 'USERLIST.DAT'),
      makeUserlist(
        [
          { domain: 'c.test', mailbox: 'anna', fullName: 'Anna', password: 'x' },
          { domain: 'c.test', mailbox: 'bob', fullName: 'Bob', password: 'x' },
        ],
        'windows-1252',
      ),
    );
    const common = ['--app-dir', app, '--code-page', 'windows-1252', '--database', url, '--json'];
    const env = { PGPASSWORD: server.password };
    const sync = await cli(makeRunCommand(false, deps), common, '', env);
    expect(sync.code).toBe(0);
    expect(JSON.parse(sync.stdout)).toMatchObject({ summary: { create: 2 } });
    const test = await cli(makeRunCommand(true, deps), common, '', env);
    expect(JSON.parse(test.stdout)).toMatchObject({ summary: { create: 0, unchanged: 2 } });
  });

  it('users, test and login on an empty database say so in one line and create no schema', async () => {
    const env = { PGPASSWORD: server.password };
    const app = path.join(root, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(
      path.join(app, 'USERLIST.DAT'),
      makeUserlist([{ domain: 'c.test', mailbox: 'anna' }], 'windows-1252'),
    );
    const empty =
      /^the PostgreSQL database postgres:\/\/\S+ holds no mdsync user database yet; a command that only reads does not create one: run mdsync sync \(or mdsync db init\) first\n$/;
    const runs = [
      await cli(usersCommand, ['--database', url], '', env),
      await cli(
        makeRunCommand(true, deps),
        ['--app-dir', app, '--code-page', 'windows-1252', '--database', url],
        '',
        env,
      ),
      await cli(loginCommand, ['--user', 'anna', '--password-stdin', '--database', url], 'pw\n', env),
    ];
    for (const r of runs) expect(r).toMatchObject({ code: 2, stderr: expect.stringMatching(empty) });
    // Nothing was created: a writing command still finds the database empty and sets it up.
    const added = await cli(usersCommand, ['add', 'first', '--database', url], '', env);
    expect(added.code).toBe(0);
    expect(JSON.parse((await cli(usersCommand, ['--json', '--database', url], '', env)).stdout)).toHaveLength(2);
  });

  it('bad choices are one line each, with the password nowhere', async () => {
    const withPw = url.replace('mdsync_test@', `mdsync_test:${encodeURIComponent('hunter2')}@`);
    const inUrl = await cli(usersCommand, ['--database', withPw]);
    expect(inUrl).toMatchObject({
      code: 2,
      stderr:
        '--database: the database URL must not hold a password: use PGPASSWORD, a pgpass file or --database-password-stdin\n',
    });
    const wrong = await cli(usersCommand, ['--database', url], '', { PGPASSWORD: 'not-it' });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(
      /^the PostgreSQL database postgres:\/\/mdsync_test@127\.0\.0\.1:\d+\/\S+ refused the logon of mdsync_test \(wrong or missing password\)\n$/,
    );
    const closed = await cli(usersCommand, ['--database', 'postgres://u@127.0.0.1:1/db'], '', { PGPASSWORD: 'x' });
    expect(closed.code).toBe(1);
    expect(closed.stderr).toMatch(
      /^the user database is unavailable: the PostgreSQL database postgres:\/\/u@127\.0\.0\.1:1\/db is unreachable or went away \(ECONNREFUSED\); nothing was changed\n$/,
    );
    const both = await cli(
      usersCommand,
      ['passwd', 'admin', '--password-stdin', '--database-password-stdin', '--database', url],
      'x\n',
    );
    expect(both.code).toBe(2);
    expect(both.stderr.split('\n')).toHaveLength(2);
    const notPg = await cli(usersCommand, ['--database', 'mysql://u@h/db']);
    expect(notPg).toMatchObject({ code: 2, stderr: '--database: the database URL must start with postgres://\n' });
  });

  it('db copy moves everything to PostgreSQL and back, verified, and refuses a non-empty target', async () => {
    const dir = path.join(root, 'data');
    const file = await openRepository({ dataDir: dir });
    await userRules(file).createUser({ userName: 'anna', password: 'Anna-pw-1', privileges: ['login', 'export'] });
    await userRules(file).createUser({
      userName: 'bob@c.test',
      fullName: 'Bob Ünal',
      authentication: 'directoryServices',
      emailAddresses: ['bob@c.test', 'b@c.test'],
      folderAccess: [{ folder: 'anna', read: true, write: false, delete: false }],
    });
    await file.importMessages('anna', [
      { subject: 'Hi', from: 'x@y', date: '2024-05-06T07:08:09.000Z', size: 42, messageId: '<m@x>' },
    ]);
    await userRules(file).deleteUser('anna'); // the folder stays, without owner
    const runId = await file.recordRun(
      {
        startedAt: 'a',
        finishedAt: 'b',
        actor: 'cli',
        dryRun: false,
        status: 'applied',
        summary: { create: 1, update: 0, delete: 0, unchanged: 0, skip: 0, held: 0 },
        message: null,
      },
      [{ action: 'create', userName: 'bob@c.test', fullName: 'Bob Ünal', emailAddresses: [], reason: 'new' }],
    );
    await userRules(file).createUser({ userName: 'anna', password: 'Anna-pw-2' }); // re-attaches the folder
    const snapshot = async (r: ArchiveRepository) =>
      JSON.stringify([
        (await r.listUsers()).map(({ id: _id, ...u }) => u),
        await r.listFolders(),
        await r.listRuns(),
        await r.runChanges(runId),
        await r.latestMessages('anna', 5),
        await r.verifyPassword('anna', 'Anna-pw-2'),
      ]);
    const before = await snapshot(file);
    await file.close();

    const env = { PGPASSWORD: server.password };
    const to = await cli(dbCommand, ['copy', '--to', url, '--json'], '', env);
    expect(to.code).toBe(0);
    expect(JSON.parse(to.stdout)).toMatchObject({
      counts: { users: 3, emails: 2, privileges: 3, folders: 3, access: 4, messages: 1, runs: 1 },
    });
    const pg = await openRepository({ dataDir: dir, databaseUrl: url, databasePassword: server.password });
    expect(await snapshot(pg)).toBe(before);
    await userRules(pg).createUser({ userName: 'after-copy' }); // the id sequences moved past the copied rows
    await pg.close();
    const again = await cli(dbCommand, ['copy', '--to', url], '', env);
    expect(again).toMatchObject({
      code: 1,
      stderr: 'the PostgreSQL database is not empty; copy into a new database\n',
    });

    const back = path.join(root, 'back');
    const from = await cli(dbCommand, ['copy', '--from', url, '--data-dir', back], '', env);
    expect(from.code).toBe(0);
    expect(from.stdout).toMatch(
      /^copied postgres:\/\/mdsync_test@127\.0\.0\.1:\d+\/\S+ to \S+archive\.sqlite: 4 users, .* counts verified\n$/,
    );
    const returned = await openRepository({ dataDir: back });
    await userRules(returned).deleteUser('after-copy');
    expect(await snapshot(returned)).toBe(before);
    await returned.close();
    const occupied = await cli(dbCommand, ['copy', '--from', url, '--data-dir', back], '', env);
    expect(occupied.code).toBe(2);
  });
});
