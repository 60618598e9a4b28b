/**
 * A full disk under the data directory, on a real 2 MB tmpfs made by the test (root only; skipped
 * elsewhere with the reason printed): one sentence naming the file and the cause, no temporary
 * file left behind, the old database and the lock as they were.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeUserlist } from '../../core/mdaemon/testing/make-userlist';
import { dataFiles } from '../../core/paths';
import type { CliIo } from '../io';
import { runCli } from '../main';
import { describeIfAvailable } from '../../testing/servers/suite-needs';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-full-'));
const dataDir = path.join(root, 'data');
const appDir = path.join(root, 'app');

function mountTmpfs(): string | null {
  if (process.platform !== 'linux') return 'tmpfs needs Linux';
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  fs.mkdirSync(dataDir, { recursive: true });
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dataDir], { encoding: 'utf8' });
  return r.status === 0 ? null : `mount -t tmpfs was refused: ${(r.stderr || r.error?.message || '').trim()}`;
}
const why = mountTmpfs();

async function cli(...argv: string[]) {
  const r = { code: 0, out: '', err: '' };
  const io: CliIo = {
    stdout: (t) => void (r.out += t),
    stderr: (t) => void (r.err += t),
    readStdin: () => Promise.resolve(''),
    env: { MDSYNC_LOCK_WAIT_MS: '0' },
    defaultDataDir: dataDir,
  };
  r.code = await runCli(argv, io);
  return r;
}

function writeApp(count: number): void {
  const accounts = Array.from({ length: count }, (_, i) => ({ domain: 'company.test', mailbox: `user${i}` }));
  fs.writeFileSync(path.join(appDir, 'USERLIST.DAT'), makeUserlist(accounts, 'windows-1252'));
}

beforeAll(() => fs.mkdirSync(appDir, { recursive: true }));
afterAll(() => {
  // Lazy: the file logger may still hold the log open.
  if (!why) spawnSync('umount', ['-l', dataDir]);
  fs.rmSync(root, { recursive: true, force: true });
});

describeIfAvailable('a full disk (a tmpfs of 2 MB)', why, () => {
  it('is one sentence naming the file and the space needed; nothing is left behind, the old database stays', async () => {
    writeApp(20);
    const sync = () => cli('sync', '--app-dir', appDir, '--data-dir', dataDir, '--code-page', 'windows-1252');
    expect((await sync()).code).toBe(0);
    const file = dataFiles(dataDir).database;
    const users = async () =>
      (JSON.parse((await cli('users', '--data-dir', dataDir, '--json')).out) as unknown[]).length;
    const before = await users();
    const listing = fs.readdirSync(dataDir).sort();
    // Fill the disk but for a few pages, then ask for some 3,000 more users (about 1.3 MB).
    const free = Number(
      spawnSync('df', ['-B1', '--output=avail', dataDir], { encoding: 'utf8' }).stdout.split('\n')[1],
    );
    fs.writeFileSync(path.join(dataDir, 'filler'), Buffer.alloc(Math.max(0, free - 64 * 1024)));
    writeApp(3000);
    const r = await sync();
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      new RegExp(
        `^mdsync sync: cannot write ${file.replace(/[.]/g, '\\.')}: the disk holding ${dataDir} is full: \\d+ MB needed\\n$`,
      ),
    );
    expect(fs.readdirSync(dataDir).sort()).toEqual([...listing, 'filler'].sort());
    expect(await users()).toBe(before); // the failed run is in the history; not one of its users
    expect(before).toBe(21);
    expect(fs.existsSync(dataFiles(dataDir).lock)).toBe(false);
    fs.rmSync(path.join(dataDir, 'filler'));
    expect((await sync()).code).toBe(0);
  });
});
