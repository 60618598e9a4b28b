/**
 * A USERLIST.DAT rewritten while every read of it runs (cut at a record boundary at 90%, then
 * whole, then cut again, as during MDaemon's rewrite), read from an injected file system: the
 * synchronization reads it again, then fails in one sentence with nothing applied, though its
 * settings delete users and it confirms the deletes. Deterministic: no timing, no real rewrite.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ArchiveRepository } from '../db/port';
import { useStore } from '../db/testing/stores';
import { createLocalSource, type LocalFs } from '../mdaemon/local-source';
import { readDirectory } from '../mdaemon/read-directory';
import { changingFs } from '../mdaemon/testing/changing-fs';
import { makeUserlist } from '../mdaemon/testing/make-userlist';
import { runSync } from './run';
import { settingsWith } from './testing/fixtures';

const accounts = Array.from({ length: 20 }, (_, i) => ({ domain: 'company.test', mailbox: `user${i}` }));
const WHOLE = makeUserlist(accounts, 'windows-1252');
const RECORD = WHOLE.length / accounts.length;
const TORN = WHOLE.subarray(0, RECORD * 18); // 90%: two users missing

const store = useStore('sqlite');
let repo: ArchiveRepository;
beforeEach(async () => {
  repo = await store.open({ lock: { waitMs: 100, pollMs: 10 } });
});
afterEach(async () => {
  await repo.close();
});

const noSleep = () => Promise.resolve();
const sync = (fs: LocalFs) =>
  runSync({
    repository: repo,
    readDirectory: () => readDirectory(createLocalSource('/app', { fs, sleep: noSleep }), { codePage: 'cp1252' }),
    settings: settingsWith({ deleteUsers: true, deleteLimit: '100%' }),
    dryRun: false,
    confirmDeletes: true,
    actor: 'test',
  });

it('a USERLIST.DAT changing while read is read again, then refused in one sentence with nothing applied', async () => {
  // A file that holds still: all twenty users.
  const still = changingFs([WHOLE], { cycle: true });
  expect((await sync(still.fs)).summary.create).toBe(20);
  const before = (await repo.listUsers()).map((u) => u.userName);

  const torn = changingFs([TORN, WHOLE], { cycle: true });
  const err = await sync(torn.fs).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toMatchObject({
    code: 'unstable',
    message:
      '/app/USERLIST.DAT changed while it was read, 3 times (is MDaemon rewriting it?); nothing was applied: run again in a moment',
  });
  expect(torn.reads()).toBe(3); // read again, a bounded number of times
  expect((await repo.listUsers()).map((u) => u.userName)).toEqual(before); // nobody deleted
  expect((await repo.listRuns())[0]).toMatchObject({ status: 'failed' });
});
