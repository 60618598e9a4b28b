import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Change } from '../../../shared/model';
import { UsersPageQuery } from '../../../shared/users-page';
import { publicUser, type ArchiveRepository, type NewRun } from './port';
import { STORES, storeUnavailable, useStore } from './testing/stores';
import { userRules } from '../users/user-rules';
import { SCHEMA_VERSION } from './store-common';

const run = (over: Partial<NewRun> = {}): NewRun => ({
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: '2026-01-01T00:00:01.000Z',
  actor: 'cli',
  dryRun: false,
  status: 'applied',
  summary: { create: 0, update: 0, delete: 0, unchanged: 0, skip: 0, held: 0 },
  message: null,
  ...over,
});

async function partsOf(parts: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const part of parts) out.push(part);
  return out;
}

// One suite, both stores: what the repository promises, whichever store is behind it.
describe.each(STORES)('$kind store', ({ kind }) => {
  if (storeUnavailable(kind)) {
    it.skip('needs PostgreSQL (apt-get install postgresql)', () => undefined);
    return;
  }
  const store = useStore(kind);
  let repo: ArchiveRepository;
  beforeEach(async () => {
    repo = await store.open({ lock: { waitMs: 150, pollMs: 10 } });
  });
  afterEach(async () => {
    await repo.close();
  });

  it('a new database has the built-in admin, which needs a password, set once', async () => {
    expect(repo.keepsSettings).toBe(kind === 'postgres');
    expect(await repo.getUser('ADMIN')).toMatchObject({
      userName: 'admin',
      authentication: 'integrated',
      privileges: ['admin'],
      builtIn: true,
      hasPassword: false,
    });
    expect(await repo.needsAdminPassword()).toBe(true);
    await userRules(repo).setInitialAdminPassword('s3cret!');
    expect(await repo.needsAdminPassword()).toBe(false);
    await expect(userRules(repo).setInitialAdminPassword('again')).rejects.toMatchObject({ code: 'refused' });
    expect(await repo.verifyPassword('admin', 's3cret!')).toBe(true);
    expect(await repo.verifyPassword('admin', 'wrong')).toBe(false);
    expect(await repo.verifyPassword('nobody', 's3cret!')).toBe(false);
  });

  it('writeUsers reads the users and folders asked for, case-insensitively, and runs the writes in one transaction', async () => {
    await userRules(repo).createUser({ userName: 'Anna' });
    const seen: unknown[] = [];
    const released = await repo.writeUsers({ users: ['ANNA', 'nobody'], folders: ['anna', 'none'] }, (facts) => {
      seen.push(facts.user('anna')?.userName, facts.user('NOBODY'), facts.folder('ANNA')?.name, facts.folder('none'));
      return [
        {
          op: 'insert',
          row: {
            userName: 'bea',
            fullName: 'Bea',
            authentication: 'directoryServices',
            emailAddresses: ['bea@x.test'],
            privileges: ['login'],
            passwordHash: null,
          },
        },
        { op: 'ownFolder', user: 'new', userName: 'bea', access: { read: true, write: true, delete: false } },
        { op: 'delete', user: (facts.user('anna') as { id: number }).id },
      ];
    });
    expect(seen).toEqual(['Anna', null, 'Anna', null]);
    expect(released).toEqual({ folderKept: false, messages: 0 });
    expect(await repo.getUser('anna')).toBeNull();
    expect(await repo.getUser('bea')).toMatchObject({
      fullName: 'Bea',
      emailAddresses: ['bea@x.test'],
      folderAccess: [{ folder: 'bea', read: true, write: true, delete: false }],
    });
    await expect(
      repo.writeUsers({ users: ['bea'] }, (facts) => {
        const id = (facts.user('bea') as { id: number }).id;
        return [
          { op: 'details', user: id, fullName: 'Changed', emailAddresses: [] },
          { op: 'access', user: id, access: [{ folder: 'missing', read: true, write: false, delete: false }] },
        ];
      }),
    ).rejects.toMatchObject({ code: 'notFound' });
    expect((await repo.getUser('bea'))?.fullName).toBe('Bea');
    await expect(
      repo.writeUsers({ users: [] }, (facts) => {
        facts.user('bea');
        return [];
      }),
    ).rejects.toThrow('bea was not read before the rules decided');
  });

  it('users are unique case-insensitively and keep addresses, privileges and folder access', async () => {
    const u = await userRules(repo).createUser({
      userName: 'Frank@Company.test',
      fullName: 'Frank Müller',
      emailAddresses: ['frank@company.test', 'FRANK@company.test', 'f.mueller@company.test'],
      authentication: 'directoryServices',
      privileges: ['archive', 'login', 'login'],
    });
    expect(u.emailAddresses).toEqual(['frank@company.test', 'f.mueller@company.test']);
    expect(u.privileges).toEqual(['login', 'archive']);
    expect(u.folderAccess).toEqual([{ folder: 'Frank@Company.test', read: true, write: false, delete: false }]);
    await expect(userRules(repo).createUser({ userName: 'frank@company.TEST' })).rejects.toMatchObject({
      code: 'exists',
    });
    expect((await repo.getUser('FRANK@COMPANY.TEST'))?.fullName).toBe('Frank Müller');
    await userRules(repo).setPrivileges('frank@company.test', ['admin', 'export']);
    expect((await repo.getUser('frank@company.test'))?.privileges).toEqual(['admin']);
    await userRules(repo).setPassword('frank@company.test', 'pw');
    expect(await repo.verifyPassword('frank@company.test', 'pw')).toBe(false); // directoryServices: MDaemon checks it
    await userRules(repo).setAuthentication('frank@company.test', 'integrated');
    expect((await repo.getUser('frank@company.test'))?.authentication).toBe('integrated');
    expect(await repo.verifyPassword('frank@company.test', 'pw')).toBe(true);
    expect((await repo.listUsers()).map((x) => x.userName)).toEqual(['admin', 'Frank@Company.test']);
  });

  it('reads what a logon needs of a user in one lookup, equal to the full record', async () => {
    await userRules(repo).createUser({
      userName: 'Zoë@Company.test',
      fullName: 'Zoë "Z" Ünal',
      emailAddresses: ['zoe@company.test', 'z.uenal@company.test', 'a.first@company.test'],
      authentication: 'directoryServices',
      privileges: ['export', 'changePassword', 'login'],
    });
    await userRules(repo).createUser({ userName: 'anna', privileges: [], emailAddresses: [] });
    await userRules(repo).setPassword('anna', 'pw');
    await repo.importMessages('anna', [
      { subject: 'One', from: 'a@b', date: '2024-01-02T03:04:05.000Z', size: 10, messageId: '<1@z>' },
    ]);
    const fields = (u: Awaited<ReturnType<ArchiveRepository['getUser']>>) =>
      u && {
        userName: u.userName,
        fullName: u.fullName,
        authentication: u.authentication,
        hasPassword: u.hasPassword,
        privileges: u.privileges,
        emailAddresses: u.emailAddresses,
      };
    for (const name of ['admin', 'Zoë@Company.test', 'anna']) {
      expect(await repo.getLogonUser(name)).toStrictEqual(fields(await repo.getUser(name)));
    }
    expect(await repo.getLogonUser('  ZOë@company.TEST ')).toMatchObject({
      userName: 'Zoë@Company.test',
      emailAddresses: ['zoe@company.test', 'z.uenal@company.test', 'a.first@company.test'],
      privileges: ['login', 'changePassword', 'export'],
      hasPassword: false,
    });
    expect(await repo.getLogonUser('ANNA')).toMatchObject({ privileges: [], emailAddresses: [], hasPassword: true });
    expect(await repo.getLogonUser('nobody')).toBeNull();
  });

  it('lists users as JSON text equal to the records the Users screen gets, in the same order', async () => {
    await userRules(repo).createUser({
      userName: 'Zoë@Company.test',
      fullName: 'Zoë "Z" Ünal \\ test',
      emailAddresses: ['zoe@company.test', 'z.uenal@company.test'],
      authentication: 'directoryServices',
      privileges: ['export', 'archive', 'login'],
    });
    await userRules(repo).createUser({ userName: 'anna', privileges: [] });
    await userRules(repo).createUser({ userName: 'Boss', privileges: ['login', 'admin'] });
    await userRules(repo).createUser({ userName: 'carl', emailAddresses: [] });
    await userRules(repo).updateUser('anna', {
      folderAccess: [
        { folder: 'carl', read: true, write: false, delete: true },
        { folder: 'anna', read: true, write: true, delete: false },
        { folder: 'Boss', read: false, write: true, delete: false },
      ],
    });
    await repo.importMessages('carl', [
      { subject: 'One', from: 'a@b', date: '2024-01-02T03:04:05.000Z', size: 10, messageId: '<1@y>' },
      { subject: 'Two', from: 'a@b', date: '2024-01-03T03:04:05.000Z', size: 10, messageId: '<2@y>' },
    ]);
    const text = (await partsOf(repo.listUsersJson())).join('');
    const records = (await repo.listUsers()).map((u) => ({ ...publicUser(u), messages: u.messages }));
    expect(records.map((u) => u.userName)).toEqual(['admin', 'anna', 'Boss', 'carl', 'Zoë@Company.test']);
    expect(JSON.parse(text)).toStrictEqual(records);
    expect(records.find((u) => u.userName === 'carl')?.messages).toBe(2);
    expect((await repo.getUser('CARL'))?.messages).toBe(2);
    expect((await repo.getUser('anna'))?.messages).toBe(0);
    // Both stores make it in pieces: any piece size gives the same text, a piece per few users.
    const sized = repo as ArchiveRepository & { listUsersJson(chunk?: number): AsyncIterable<string> };
    for (const chunk of [1, 2, 4]) {
      const parts = await partsOf(sized.listUsersJson(chunk));
      expect(parts.join('')).toBe(text);
      expect(parts).toHaveLength(Math.ceil(5 / chunk) + 1);
    }
    // A reader that stops after the first piece (a closed socket) lets the database go each time.
    for (let i = 0; i < 25; i++) {
      for await (const part of sized.listUsersJson(1)) {
        expect(part.startsWith('[')).toBe(true);
        break;
      }
    }
    expect((await partsOf(repo.listUsersJson())).join('')).toBe(text);
  });

  it('pages the Users list: sorted, searched and filtered by the store, with the totals', async () => {
    await userRules(repo).createUser({
      userName: 'Zoë@Company.test',
      fullName: 'Zoë Ünal',
      emailAddresses: ['zoe@company.test', 'z_uenal@company.test'],
      authentication: 'directoryServices',
      privileges: ['login'],
    });
    await userRules(repo).createUser({ userName: 'anna', fullName: 'Anna Zeta', privileges: [] });
    await userRules(repo).createUser({ userName: 'Boss', fullName: 'Bea Boss', privileges: ['login', 'admin'] });
    await userRules(repo).createUser({ userName: 'carl', fullName: 'Carl 100%', emailAddresses: ['carl@other.test'] });
    const page = (q: Partial<UsersPageQuery>) => repo.usersPage(UsersPageQuery.parse(q));
    const names = async (q: Partial<UsersPageQuery>) => (await page(q)).rows.map((u) => u.userName);
    const records = (await repo.listUsers()).map((u) => ({ ...publicUser(u), messages: u.messages }));

    expect(await page({})).toStrictEqual({ rows: records, total: 5, all: 5 });
    expect(await names({ offset: 1, limit: 2 })).toEqual(['anna', 'Boss']);
    expect(await names({ descending: true, limit: 2 })).toEqual(['Zoë@Company.test', 'carl']);
    expect(await names({ sort: 'fullName' })).toEqual(['admin', 'anna', 'Boss', 'carl', 'Zoë@Company.test']);
    // Any case, in the name, full name or an address; %, _ and \ match only themselves.
    expect(await page({ search: 'ZOE@' })).toMatchObject({ total: 1, all: 5 });
    expect(await names({ search: 'zeta' })).toEqual(['anna']);
    expect(await names({ search: '_uenal' })).toEqual(['Zoë@Company.test']);
    expect(await names({ search: '100%' })).toEqual(['carl']);
    expect(await names({ search: '%' })).toEqual(['carl']);
    expect(await names({ authentication: 'directoryServices' })).toEqual(['Zoë@Company.test']);
    expect(await names({ privilege: 'admin' })).toEqual(['admin', 'Boss']);
    expect(await names({ privilege: 'login' })).toEqual(['admin', 'Boss', 'carl', 'Zoë@Company.test']);
    expect(await names({ privilege: 'none' })).toEqual(['anna']);
    expect(await page({ privilege: 'none', offset: 5 })).toStrictEqual({ rows: [], total: 1, all: 5 });
  });

  it('renames a user with its own folder, and replaces folder access', async () => {
    await userRules(repo).createUser({ userName: 'anna', emailAddresses: ['anna@x.test'] });
    await userRules(repo).createUser({ userName: 'bob' });
    const renamed = await userRules(repo).updateUser('anna', {
      userName: 'anna.k',
      fullName: 'Anna K',
      folderAccess: [
        { folder: 'anna.k', read: true, write: true, delete: false },
        { folder: 'bob', read: true, write: false, delete: false },
      ],
    });
    expect(renamed).toMatchObject({ userName: 'anna.k', fullName: 'Anna K', emailAddresses: ['anna@x.test'] });
    expect(renamed.folderAccess).toEqual([
      { folder: 'anna.k', read: true, write: true, delete: false },
      { folder: 'bob', read: true, write: false, delete: false },
    ]);
    await expect(userRules(repo).updateUser('anna.k', { userName: 'BOB' })).rejects.toMatchObject({ code: 'exists' });
    await expect(
      userRules(repo).updateUser('bob', {
        folderAccess: [{ folder: 'missing', read: true, write: false, delete: false }],
      }),
    ).rejects.toMatchObject({ code: 'notFound' });
    expect((await repo.getUser('bob'))?.folderAccess).toEqual([
      { folder: 'bob', read: true, write: false, delete: false },
    ]);
  });

  it('deleting keeps a folder with messages (owner null) and removes an empty one; a new user re-attaches it', async () => {
    await userRules(repo).createUser({ userName: 'kept', authentication: 'directoryServices' });
    await userRules(repo).createUser({ userName: 'empty', authentication: 'directoryServices' });
    await repo.importMessages('kept', [
      { subject: 'Hi', from: 'a@b', date: '2024-01-02T03:04:05.000Z', size: 10, messageId: '<x@y>' },
    ]);
    expect((await repo.listUsers()).find((u) => u.userName === 'kept')?.messages).toBe(1);
    expect(await userRules(repo).deleteUser('kept')).toEqual({ folderKept: true, messages: 1 });
    expect(await userRules(repo).deleteUser('empty')).toEqual({ folderKept: false, messages: 0 });
    expect(await repo.listFolders()).toEqual([
      { name: 'admin', owner: 'admin', messages: 0 },
      { name: 'kept', owner: null, messages: 1 },
    ]);
    await userRules(repo).createUser({ userName: 'KEPT' });
    expect((await repo.listFolders()).find((f) => f.name === 'kept')).toEqual({
      name: 'kept',
      owner: 'KEPT',
      messages: 1,
    });
    expect(await repo.folderOf('kept')).toEqual({ folder: 'kept', messages: 1 });
    expect(await repo.latestMessages('kept', 5)).toEqual([
      { subject: 'Hi', from: 'a@b', date: '2024-01-02T03:04:05.000Z', size: 10 },
    ]);
  });

  it('a reader sees what another connection committed', async () => {
    const b = await store.open();
    await userRules(repo).createUser({ userName: 'new-in-a' });
    expect(await b.getUser('new-in-a')).not.toBeNull();
    await userRules(b).deleteUser('new-in-a');
    expect(await repo.getUser('new-in-a')).toBeNull();
    await b.close();
  });

  it('one synchronization at a time: a second one waits, then fails busy; the lock is free afterwards', async () => {
    const b = await store.open({ lock: { waitMs: 100, pollMs: 10 } });
    await repo.exclusive(async () => {
      await expect(b.exclusive(() => Promise.resolve(1))).rejects.toMatchObject({
        code: 'busy',
        message: expect.stringMatching(/^another synchronization is running/),
      });
    });
    await expect(b.exclusive(() => Promise.resolve(2))).resolves.toBe(2);
    await b.close();
  });

  it('keeps the history, and finds the last run of an actor', async () => {
    const changes: Change[] = [
      { action: 'create', userName: 'a', fullName: '', emailAddresses: [], reason: 'r' },
      { action: 'unchanged', userName: 'b', fullName: '', emailAddresses: [], reason: 'r' },
    ];
    const first = await repo.recordRun(run({ actor: 'schedule' }), changes);
    const second = await repo.recordRun(run({ actor: 'cli', dryRun: true, status: 'tested' }), changes);
    expect((await repo.listRuns()).map((r) => r.id)).toEqual([second, first]);
    expect(await repo.runChanges(first)).toEqual([changes[0]]);
    expect(await repo.runChanges(424242)).toEqual([]);
    expect((await repo.lastRun({ actor: 'schedule' }))?.id).toBe(first);
    expect((await repo.lastRun({ dryRun: true }))?.id).toBe(second);
    expect(await repo.lastRun({ actor: 'nobody' })).toBeNull();
  });

  it('brings a version-1 database to this schema on open, its users kept, the Users list index made', async () => {
    await userRules(repo).createUser({ userName: 'anna', fullName: 'Anna Zeta', privileges: ['login'] });
    await repo.close();
    // Back to schema 1 as the last release wrote it: without the Users list's order index.
    await store.exec(
      kind === 'sqlite'
        ? 'DROP INDEX users_full_name_order; PRAGMA user_version = 1'
        : `DROP INDEX users_name_order; UPDATE mdsync_meta SET value = '1' WHERE key = 'schema_version'`,
    );
    repo = await store.open();
    expect((await repo.usersPage(UsersPageQuery.parse({ sort: 'fullName' }))).rows.map((u) => u.userName)).toEqual([
      'admin',
      'anna',
    ]);
    await repo.close();
    if (kind === 'sqlite') {
      // PRAGMA user_version is the 4 bytes at offset 60 of the file's header.
      expect(fs.readFileSync(path.join(store.dir(), 'archive.sqlite')).readUInt32BE(60)).toBe(SCHEMA_VERSION);
      await store.exec('DROP INDEX users_full_name_order'); // fails when the migration did not make it
    } else {
      await store.exec(`DO $$ BEGIN
        IF (SELECT value FROM mdsync_meta WHERE key = 'schema_version') <> '${SCHEMA_VERSION}' THEN
          RAISE EXCEPTION 'not migrated';
        END IF; END $$`);
      await store.exec('DROP INDEX users_name_order'); // fails when the migration did not make it
    }
    repo = await store.open();
  });

  it('migrates once when several open a new database together, and refuses one written by a newer mdsync', async () => {
    const opened = await Promise.all([store.open(), store.open(), store.open()]);
    expect(new Set(await Promise.all(opened.map(async (r) => (await r.listUsers()).length)))).toEqual(new Set([1]));
    await Promise.all(opened.map((r) => r.close()));
    await store.exec(
      kind === 'sqlite'
        ? 'PRAGMA user_version = 99'
        : "UPDATE mdsync_meta SET value = '99' WHERE key = 'schema_version'",
    );
    await expect(store.open()).rejects.toMatchObject({
      code: 'config',
      message: 'the user database was written by a newer mdsync (schema 99); update mdsync',
    });
  });

  it('gives the authorization state by name and by ids; its stamp changes with the password and a re-creation', async () => {
    await userRules(repo).createUser({ userName: 'Anna', privileges: ['login'], password: 'first-pass' });
    const first = await repo.getAuthState('ANNA');
    expect(first).toMatchObject({ userName: 'Anna', authentication: 'integrated', privileges: ['login'] });
    expect(JSON.stringify(first)).not.toContain('scrypt');
    expect(await repo.getAuthStates([first!.id, 999_999])).toEqual([first]);
    await userRules(repo).setPrivileges('anna', ['login', 'changePassword']);
    const promoted = await repo.getAuthState('anna');
    expect(promoted).toMatchObject({ privileges: ['login', 'changePassword'], stamp: first!.stamp });
    await userRules(repo).updateUser('anna', { userName: 'Anne' });
    expect(await repo.getAuthState('anna')).toBeNull();
    expect(await repo.getAuthStates([first!.id])).toMatchObject([{ userName: 'Anne', stamp: first!.stamp }]);
    await userRules(repo).setPassword('anne', 'second-pass');
    const changed = await repo.getAuthState('anne');
    expect(changed?.stamp).not.toBe(first!.stamp);
    await userRules(repo).deleteUser('anne');
    expect(await repo.getAuthStates([first!.id])).toEqual([]);
    await userRules(repo).createUser({ userName: 'Anne', authentication: 'directoryServices' });
    const again = await repo.getAuthState('anne');
    expect(again?.stamp).not.toBe(changed?.stamp);
    expect(await repo.getAuthStates([])).toEqual([]);
  });

  it('postgres shares the logon throttle and the settings document; the embedded file keeps neither', async () => {
    if (kind === 'sqlite') {
      expect(repo.throttleStore()).toBeNull();
      expect(await repo.loadSettingsDoc()).toBeNull();
      await expect(repo.saveSettingsDoc({ version: 1 })).rejects.toThrow(/keeps no settings document/);
      return;
    }
    const other = await store.open();
    const mine = repo.throttleStore();
    const theirs = other.throttleStore();
    if (!mine || !theirs) throw new Error('postgres must give a throttle store');
    await mine.addFailure('anna', 1_000);
    await theirs.addFailure('ANNA-other', 1_000);
    await theirs.addFailure('anna', 2_000);
    expect(await mine.get('anna', 0)).toEqual({ failures: 2, lockedUntil: 0 });
    expect(await mine.get('anna', 1_500)).toEqual({ failures: 1, lockedUntil: 0 });
    await theirs.lock('anna', 9_000);
    expect(await mine.get('anna', 0)).toEqual({ failures: 0, lockedUntil: 9_000 });
    await mine.clear('anna');
    expect(await theirs.get('anna', 0)).toEqual({ failures: 0, lockedUntil: 0 });
    expect(await theirs.get('ANNA-other', 0)).toEqual({ failures: 1, lockedUntil: 0 });
    // A reserved attempt that succeeded is taken back alone; unlocking a name clears all of its keys.
    await mine.addFailure('addr:10.0.0.1', 5_000);
    await mine.addFailure('addr:10.0.0.1', 5_000);
    await theirs.remove('addr:10.0.0.1', 5_000);
    expect(await mine.get('addr:10.0.0.1', 0)).toEqual({ failures: 1, lockedUntil: 0 });
    await mine.addFailure('user:bo_b', 1_000);
    await mine.addFailure('ua:bo_b|10.0.0.1', 1_000);
    await mine.lock('ua:bo_b|10.0.0.2', 9_000);
    await mine.addFailure('ua:bob|10.0.0.1', 1_000);
    await theirs.clearUser('bo_b');
    for (const key of ['user:bo_b', 'ua:bo_b|10.0.0.1', 'ua:bo_b|10.0.0.2'])
      expect(await mine.get(key, 0)).toEqual({ failures: 0, lockedUntil: 0 });
    expect(await mine.get('ua:bob|10.0.0.1', 0)).toEqual({ failures: 1, lockedUntil: 0 });

    expect(await repo.loadSettingsDoc()).toBeNull();
    await repo.saveSettingsDoc({ version: 1, sync: { autoSyncHours: 6 } });
    expect(await other.loadSettingsDoc()).toEqual({ version: 1, sync: { autoSyncHours: 6 } });
    await other.close();
  });
});
