import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DirectoryRead, SyncProgress } from '../../../shared/model';
import { UserError } from '../../../shared/result';
import type { Settings } from '../../../shared/settings';
import type { ArchiveRepository } from '../db/port';
import { STORES, storeUnavailable, useStore } from '../db/testing/stores';
import { appliedCreateReason } from './plan';
import { runSync, type RunSyncOptions } from './run';
import { account, directory, settingsWith } from './testing/fixtures';
import { userRules } from '../users/user-rules';

// One suite, both stores: every scenario runs on the SQLite file and on PostgreSQL.
describe.each(STORES)('$kind store', ({ kind }) => {
  if (storeUnavailable(kind)) {
    it.skip('needs PostgreSQL (apt-get install postgresql)', () => undefined);
    return;
  }
  const store = useStore(kind);
  let repo: ArchiveRepository;

  beforeEach(async () => {
    repo = await store.open({ lock: { waitMs: 100, pollMs: 10 } });
  });
  afterEach(async () => {
    await repo.close();
  });

  const run = (
    read: DirectoryRead | (() => Promise<DirectoryRead>),
    settings: Settings,
    extra: Partial<RunSyncOptions> = {},
  ) =>
    runSync({
      repository: repo,
      readDirectory: typeof read === 'function' ? read : () => Promise.resolve(read),
      settings,
      dryRun: false,
      actor: 'test',
      ...extra,
    });
  const names = async () => (await repo.listUsers()).map((u) => u.userName);

  const three = directory([
    account('anna@one.test'),
    account('bob@one.test', { aliases: ['robert@one.test'] }),
    account('carl@two.test'),
  ]);

  describe('synchronize now', () => {
    it('creates users with Directory Services authentication, the default privileges and their folder', async () => {
      const settings = settingsWith(
        {},
        {
          defaultPrivileges: {
            privileges: ['login', 'archive'],
            ownFolder: { read: true, write: true, delete: false },
          },
        },
      );
      const report = await run(three, settings);
      expect(report.summary).toEqual({ create: 3, update: 0, delete: 0, unchanged: 0, skip: 0, held: 0 });
      expect(await repo.getUser('bob@one.test')).toMatchObject({
        authentication: 'directoryServices',
        emailAddresses: ['bob@one.test', 'robert@one.test'],
        privileges: ['login', 'archive'],
        folderAccess: [{ folder: 'bob@one.test', read: true, write: true, delete: false }],
        hasPassword: false,
      });
      expect((await repo.listFolders()).map((f) => [f.name, f.owner])).toContainEqual([
        'carl@two.test',
        'carl@two.test',
      ]);
      const [last] = await repo.listRuns();
      expect(last).toMatchObject({
        id: report.runId,
        actor: 'test',
        dryRun: false,
        status: 'applied',
        summary: report.summary,
      });
      expect((await repo.runChanges(report.runId as number)).map((c) => `${c.action} ${c.userName}`)).toEqual([
        'create anna@one.test',
        'create bob@one.test',
        'create carl@two.test',
      ]);
    });

    it('is idempotent: a test right after a sync shows only unchanged lines', async () => {
      const settings = settingsWith({ deleteUsers: true, userNameFormat: 'email' });
      await run(three, settings);
      const again = await run(three, settings, { dryRun: true });
      expect(again.summary).toEqual({ create: 0, update: 0, delete: 0, unchanged: 3, skip: 0, held: 0 });
      const mailbox = settingsWith({ userNameFormat: 'mailbox', deleteUsers: true });
      const fresh = directory([account('dora@one.test', { aliases: ['d@one.test'] })]);
      await run(fresh, mailbox, { confirmDeletes: true });
      expect((await run(fresh, mailbox, { dryRun: true })).changes.map((c) => c.action)).toEqual(['unchanged']);
    });

    it('updates full name and addresses only, keeping authentication and privileges the administrator set', async () => {
      await run(three, settingsWith());
      await userRules(repo).setPrivileges('anna@one.test', ['login', 'export']);
      await userRules(repo).setAuthentication('anna@one.test', 'integrated');
      const changed = directory([
        account('anna@one.test', { fullName: 'Anna Neu', aliases: ['a@one.test'] }),
        ...three.accounts.slice(1),
      ]);
      const report = await run(changed, settingsWith());
      expect(report.summary.update).toBe(1);
      expect(await repo.getUser('anna@one.test')).toMatchObject({
        fullName: 'Anna Neu',
        emailAddresses: ['anna@one.test', 'a@one.test'],
        authentication: 'integrated',
        privileges: ['login', 'export'],
      });
    });

    it('deletes Directory Services users only, keeps a folder with messages, removes an empty one, re-attaches later', async () => {
      await run(three, settingsWith());
      await userRules(repo).createUser({ userName: 'manual@one.test', authentication: 'integrated' });
      await repo.importMessages('anna@one.test', [{ subject: 's', from: 'f', date: null, size: 1, messageId: null }]);
      const report = await run(directory([account('carl@two.test')]), settingsWith({ deleteUsers: true }));
      expect(report.changes.filter((c) => c.action === 'delete').map((c) => c.reason)).toEqual([
        'no longer an MDaemon account in scope; archive folder kept (1 messages)',
        'no longer an MDaemon account in scope; empty archive folder removed',
      ]);
      expect(await names()).toEqual(['admin', 'carl@two.test', 'manual@one.test']);
      expect((await repo.listFolders()).map((f) => [f.name, f.owner, f.messages])).toEqual([
        ['admin', 'admin', 0],
        ['anna@one.test', null, 1],
        ['carl@two.test', 'carl@two.test', 0],
        ['manual@one.test', 'manual@one.test', 0],
      ]);
      const tested = await run(three, settingsWith(), { dryRun: true });
      expect(tested.changes.find((c) => c.userName === 'anna@one.test')?.reason).toBe(
        're-created for this MDaemon account; its archive folder, kept when the user was deleted, will be re-attached',
      );
      const back = await run(three, settingsWith());
      expect(back.changes.find((c) => c.userName === 'anna@one.test')?.reason).toBe(
        're-created for this MDaemon account; its archive folder, kept when the user was deleted, was re-attached',
      );
      expect((await repo.listFolders()).find((f) => f.name === 'anna@one.test')).toEqual({
        name: 'anna@one.test',
        owner: 'anna@one.test',
        messages: 1,
      });
    });

    it('holds deletes beyond the limit while creates and updates apply; confirmation releases them', async () => {
      const many = directory(Array.from({ length: 8 }, (_, i) => account(`u${i}@one.test`)));
      await run(many, settingsWith());
      const report = await run(directory([account('new@one.test')]), settingsWith({ deleteUsers: true }));
      expect(report.summary).toMatchObject({ create: 1, held: 8, delete: 0 });
      expect(await names()).toHaveLength(10);
      expect((await repo.listRuns())[0]?.message).toBe('8 deletes held for confirmation');
      const confirmed = await run(directory([account('new@one.test')]), settingsWith({ deleteUsers: true }), {
        confirmDeletes: true,
      });
      expect(confirmed.summary).toMatchObject({ delete: 8, held: 0, unchanged: 1 });
      expect(await names()).toEqual(['admin', 'new@one.test']);
    });
  });

  describe('nothing changes', () => {
    const snapshot = async () => JSON.stringify([await repo.listUsers(), await repo.listFolders()]);

    it('in a test run, which is recorded as tested', async () => {
      await run(three, settingsWith());
      const before = await snapshot();
      const report = await run(directory([account('z@one.test')]), settingsWith({ deleteUsers: true }), {
        dryRun: true,
        confirmDeletes: true,
      });
      expect(report).toMatchObject({ dryRun: true, summary: { create: 1, delete: 3 } });
      expect(await snapshot()).toBe(before);
      expect((await repo.listRuns())[0]).toMatchObject({ id: report.runId, status: 'tested', dryRun: true });
    });

    it('in a test run recorded later: the report comes first, without runId, the entry after it', async () => {
      const pending: Promise<number | null>[] = [];
      const report = await run(three, settingsWith(), { dryRun: true, recordLater: (p) => pending.push(p) });
      expect(report.summary.create).toBe(3);
      expect(report).not.toHaveProperty('runId');
      expect(pending).toHaveLength(1);
      const runId = await pending[0]!;
      expect((await repo.listRuns())[0]).toMatchObject({ id: runId, status: 'tested', summary: report.summary });
      expect(await repo.runChanges(runId as number)).toEqual(report.changes);
      expect(await names()).toEqual(['admin']);
    });

    it('when the source cannot be read: its UserError comes through and the run is recorded as failed', async () => {
      await run(three, settingsWith());
      const before = await snapshot();
      const unreadable = () => Promise.reject(new UserError('unreadable', 'cannot read USERLIST.DAT: EACCES'));
      await expect(
        run(unreadable, settingsWith({ deleteUsers: true }), { confirmDeletes: true }),
      ).rejects.toMatchObject({
        code: 'unreadable',
      });
      expect(await snapshot()).toBe(before);
      expect((await repo.listRuns())[0]).toMatchObject({
        status: 'failed',
        message: 'cannot read USERLIST.DAT: EACCES',
      });
    });

    it('when the source is empty: every delete is held, even confirmed', async () => {
      await run(three, settingsWith());
      const before = await snapshot();
      const report = await run(directory([]), settingsWith({ deleteUsers: true, deleteLimit: '100%' }), {
        confirmDeletes: true,
      });
      expect(report.summary).toMatchObject({ held: 3, delete: 0 });
      expect(await snapshot()).toBe(before);
    });

    it('when the source has invalid records: creates apply, deletes are held', async () => {
      await run(three, settingsWith());
      const report = await run(
        { ...directory([account('new@one.test')]), invalidRecords: 1 },
        settingsWith({ deleteUsers: true }),
        { confirmDeletes: true },
      );
      expect(report.summary).toMatchObject({ create: 1, held: 3, delete: 0 });
      expect(await names()).toHaveLength(5);
    });

    it('when a test is cancelled', async () => {
      const controller = new AbortController();
      const read = () => {
        controller.abort();
        return Promise.resolve(three);
      };
      await expect(run(read, settingsWith(), { dryRun: true, signal: controller.signal })).rejects.toMatchObject({
        code: 'cancelled',
      });
      expect(await names()).toEqual(['admin']);
      expect((await repo.listRuns())[0]).toMatchObject({ status: 'cancelled', dryRun: true });
    });

    it('reads the App directory before taking the writer lock: a slow read keeps no other writer waiting', async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const running = run(async () => {
        await gate;
        return three;
      }, settingsWith());
      await new Promise((resolve) => setTimeout(resolve, 20));
      const other = await store.open({ lock: { waitMs: 100, pollMs: 10 } });
      try {
        await other.exclusive(() => Promise.resolve());
      } finally {
        await other.close();
        release();
      }
      await running;
      expect(await names()).toEqual(['admin', 'anna@one.test', 'bob@one.test', 'carl@two.test']);
    });

    it('when another writer holds the lock: the sync fails busy', async () => {
      const other = await store.open();
      await other.exclusive(async () => {
        await expect(run(three, settingsWith())).rejects.toMatchObject({
          code: 'busy',
          message: expect.stringMatching(/^another synchronization is running/),
        });
      });
      await other.close();
      expect(await names()).toEqual(['admin']);
    });
  });

  it('reports its phases in order', async () => {
    const phases: SyncProgress['phase'][] = [];
    await run(three, settingsWith(), { onProgress: (p) => phases.push(p.phase) });
    expect([...new Set(phases)]).toEqual(['read', 'plan', 'apply', 'done']);
  });

  describe('the database keeps its own guarantees whatever the plan says', () => {
    it('apply refuses to delete admin or an integrated user, and the whole transaction rolls back', async () => {
      await userRules(repo).createUser({ userName: 'manual', authentication: 'integrated' });
      for (const userName of ['admin', 'manual']) {
        await expect(
          repo.exclusive((session) =>
            session.apply({
              changes: [
                {
                  action: 'create',
                  userName: 'new@one.test',
                  fullName: 'N',
                  emailAddresses: ['new@one.test'],
                  reason: 'r',
                },
                { action: 'delete', userName, fullName: '', emailAddresses: [], reason: 'forged' },
              ],
              defaults: settingsWith().defaultPrivileges,
              appliedReason: appliedCreateReason,
              run: () => ({
                startedAt: 'now',
                finishedAt: 'now',
                actor: 'forger',
                dryRun: false,
                status: 'applied',
                summary: { create: 1, update: 0, delete: 1, unchanged: 0, skip: 0, held: 0 },
                message: null,
              }),
            }),
          ),
        ).rejects.toThrow(/refusing to delete/);
      }
      expect(await names()).toEqual(['admin', 'manual']);
    });

    it('a create whose folder name belongs to another user fails the run and changes nothing', async () => {
      await userRules(repo).createUser({ userName: 'owner' });
      await store.exec("UPDATE folders SET name = 'anna@one.test' WHERE name = 'owner'");
      await expect(run(three, settingsWith())).rejects.toMatchObject({
        code: 'exists',
        message: 'the archive folder anna@one.test belongs to another user',
      });
      expect(await names()).toEqual(['admin', 'owner']);
      expect((await repo.listRuns())[0]).toMatchObject({
        status: 'failed',
        message: 'the archive folder anna@one.test belongs to another user',
      });
    });
  });

  it('history keeps every change of a sync, and the first 1000 of a test', async () => {
    const big = directory(Array.from({ length: 1500 }, (_, i) => account(`u${i}@one.test`)));
    const tested = await run(big, settingsWith(), { dryRun: true });
    expect(await repo.runChanges(tested.runId as number)).toHaveLength(1000);
    expect((await repo.listRuns())[0]?.message).toBe('history keeps the first 1000 of 1500 changes of this test');
    const synced = await run(big, settingsWith());
    expect(await repo.runChanges(synced.runId as number)).toHaveLength(1500);
    const again = await run(big, settingsWith());
    expect(await repo.runChanges(again.runId as number)).toEqual([]);
    expect((await repo.listRuns())[0]?.summary.unchanged).toBe(1500);
  });
});
