/**
 * A damaged user database, on real files through the command line: found before it is trusted,
 * never rotated into the backup, reported by the commands that read, moved aside (kept) by the
 * ones that write, and put back on purpose with `mdsync db restore`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeUserlist } from '../../core/mdaemon/testing/make-userlist';
import { loadSqlJs } from '../../core/db/sqlite/sqljs';
import { SqliteRepository } from '../../core/db/sqlite/repository';
import { backupPath } from '../../core/db/sqlite/db-file';
import { dataFiles } from '../../core/paths';
import type { CliIo } from '../io';
import { runCli } from '../main';
import { userRules } from '../../core/users/user-rules';

let root: string;
let appDir: string;
let dataDir: string;
let file: string;

async function cli(...argv: string[]) {
  const r = { code: 0, out: '', err: '' };
  const io: CliIo = {
    stdout: (t) => void (r.out += t),
    stderr: (t) => void (r.err += t),
    readStdin: () => Promise.resolve(''),
    env: {},
    defaultDataDir: dataDir,
  };
  r.code = await runCli(argv, io);
  return r;
}

const sync = (...more: string[]) =>
  cli('sync', '--app-dir', appDir, '--data-dir', dataDir, '--code-page', 'windows-1252', ...more);

function writeApp(count: number): void {
  const accounts = Array.from({ length: count }, (_, i) => ({ domain: 'company.test', mailbox: `user${i}` }));
  fs.writeFileSync(path.join(appDir, 'USERLIST.DAT'), makeUserlist(accounts, 'windows-1252'));
}

/** Page number and size of a leaf page of the index on users' names (one the ordinary reads need not touch). */
async function nameIndexLeaf(bytes: Uint8Array): Promise<{ page: number; size: number }> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database(bytes);
  const root = db.exec("SELECT rootpage FROM sqlite_master WHERE name = 'sqlite_autoindex_users_1'")[0]!.values[0]![0];
  const size = db.exec('PRAGMA page_size')[0]!.values[0]![0] as number;
  db.close();
  const view = Buffer.from(bytes);
  let page = root as number;
  // Walk down the right-most pointers of the interior pages (type 2) to a leaf (type 10).
  for (let type = view[(page - 1) * size]; type === 2; type = view[(page - 1) * size]) {
    page = view.readUInt32BE((page - 1) * size + 8);
  }
  expect(view[(page - 1) * size]).toBe(10);
  return { page, size };
}

async function sound(f: string): Promise<boolean> {
  const SQL = await loadSqlJs();
  try {
    const db = new SQL.Database(fs.readFileSync(f));
    const ok = db.exec('PRAGMA integrity_check')[0]?.values[0]?.[0] === 'ok';
    db.close();
    return ok;
  } catch {
    return false;
  }
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-damage-'));
  appDir = path.join(root, 'app');
  dataDir = path.join(root, 'data');
  file = dataFiles(dataDir).database;
  fs.mkdirSync(appDir);
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('a damaged page the ordinary reads do not touch', () => {
  it('is reported by users and test, and a sync moves it aside instead of making it the backup', async () => {
    writeApp(400);
    expect((await sync()).code).toBe(0);
    writeApp(401);
    expect((await sync()).code).toBe(0); // the backup now holds the 400 accounts' users
    const good = fs.readFileSync(file);
    const { page, size } = await nameIndexLeaf(good);
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(size, 0xa5), 0, size, (page - 1) * size);
    fs.closeSync(fd);
    const damaged = fs.readFileSync(file);
    const bakBefore = fs.readFileSync(backupPath(file));

    const users = await cli('users', '--data-dir', dataDir);
    expect(users.code).toBe(1);
    expect(users.err).toMatch(
      /^mdsync users: the user database \S+archive\.sqlite is damaged \(PRAGMA quick_check found damage: [^\n]+\); nothing was changed: see "mdsync db check", and "mdsync db restore --from FILE" to put a good copy back\n$/,
    );
    const test = await cli('test', '--app-dir', appDir, '--data-dir', dataDir, '--code-page', 'windows-1252');
    expect(test.code).toBe(1);
    expect(test.err).toMatch(/^mdsync test: the user database \S+ is damaged/);
    expect(fs.readFileSync(file).equals(damaged)).toBe(true);
    expect(fs.readFileSync(backupPath(file)).equals(bakBefore)).toBe(true);

    const check = await cli('db', 'check', '--data-dir', dataDir, '--json');
    expect(check.code).toBe(1);
    const state = JSON.parse(check.out) as { database: { ok: boolean }; backup: { ok: boolean; users: number } };
    expect(state.database.ok).toBe(false);
    expect(state.backup).toMatchObject({ ok: true, users: 401 });

    const run = await sync();
    expect(run.code).toBe(0);
    expect(run.err).toMatch(
      /warning: the user database archive\.sqlite is damaged \(PRAGMA quick_check found damage: Tree \d+ page \d+: .*\): it was moved aside to archive\.sqlite\.damaged-\S+ \(402 users\) and its backup archive\.sqlite\.bak \(401 users\) is used from now on/,
    );
    const aside = fs.readdirSync(dataDir).filter((n) => n.startsWith('archive.sqlite.damaged-'));
    expect(aside).toHaveLength(1);
    expect(fs.readFileSync(path.join(dataDir, aside[0]!)).equals(damaged)).toBe(true);
    expect(await sound(backupPath(file))).toBe(true);
    expect(await sound(file)).toBe(true);
    expect(fs.readFileSync(dataFiles(dataDir).log, 'utf8')).toContain('moved aside to archive.sqlite.damaged-');
    const after = await cli('users', '--data-dir', dataDir, '--json');
    expect((JSON.parse(after.out) as unknown[]).length).toBe(402);
  });
});

describe('a damaged header', () => {
  it('makes test refuse without writing, and a sync keep the damaged file aside', async () => {
    writeApp(300);
    expect((await sync()).code).toBe(0); // the backup is the first, one-user database
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(16, 0x41), 0, 16, 0);
    fs.closeSync(fd);
    const damaged = fs.readFileSync(file);
    const test = await cli('test', '--app-dir', appDir, '--data-dir', dataDir, '--code-page', 'windows-1252');
    expect(test.code).toBe(1);
    expect(test.err).toContain('is damaged (its header is not a SQLite header); nothing was changed');
    expect(fs.readFileSync(file).equals(damaged)).toBe(true);
    const run = await sync();
    expect(run.code).toBe(0);
    expect(run.err).toMatch(/\(301 users\) and its backup archive\.sqlite\.bak \(1 user\) is used/);
    const aside = fs.readdirSync(dataDir).find((n) => n.startsWith('archive.sqlite.damaged-'))!;
    expect(fs.readFileSync(path.join(dataDir, aside)).equals(damaged)).toBe(true);
  });
});

describe('a truncated file', () => {
  it('is named with what is wrong by a reading command', async () => {
    writeApp(50);
    expect((await sync()).code).toBe(0);
    const bytes = fs.readFileSync(file);
    fs.writeFileSync(file, bytes.subarray(0, bytes.length - 4096));
    const users = await cli('users', '--data-dir', dataDir);
    expect(users.code).toBe(1);
    expect(users.err).toMatch(
      /is damaged \(its size \(\d+ bytes\) does not match the \d+ pages of 4096 bytes its header records\)/,
    );
    expect(fs.statSync(file).size).toBe(bytes.length - 4096);
  });
});

describe('a header damaged in place after the file was opened', () => {
  it('is not rotated into the backup by the next commit', async () => {
    const repo = await SqliteRepository.open({ dataDir, lock: { waitMs: 200 } });
    await userRules(repo).createUser({ userName: 'one' });
    const st = fs.statSync(file);
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(16, 0x41), 0, 16, 0); // no SQLite header any more
    fs.closeSync(fd);
    fs.utimesSync(file, st.atime, st.mtime); // the same stamp: no reload before the commit
    const damaged = fs.readFileSync(file);
    await userRules(repo).createUser({ userName: 'two' });
    await repo.close();
    expect(fs.readFileSync(backupPath(file)).equals(damaged)).toBe(false);
    expect(await sound(backupPath(file))).toBe(true);
  });
});

describe('the database and its backup both gone', () => {
  it('is refused where the data directory shows it had one, and db init makes a new one', async () => {
    writeApp(5);
    expect((await sync()).code).toBe(0);
    fs.rmSync(file);
    fs.rmSync(backupPath(file));
    const run = await sync();
    expect(run.code).toBe(1);
    expect(run.err).toMatch(
      /and its backup are missing, though \S+ has had one \(archive\.sqlite\.made\); nothing was made/,
    );
    expect(fs.existsSync(file)).toBe(false);
    const init = await cli('db', 'init', '--data-dir', dataDir);
    expect(init.code).toBe(0);
    expect((await sync()).code).toBe(0);
  });
});

describe('mdsync db restore', () => {
  it('puts a sound copy back and keeps what it replaces aside', async () => {
    writeApp(3);
    expect((await sync()).code).toBe(0);
    const current = fs.readFileSync(file);
    const r = await cli('db', 'restore', '--from', backupPath(file), '--data-dir', dataDir, '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { keptAside: string; restored: { users: number } };
    expect(out.restored.users).toBe(1);
    expect(fs.readFileSync(out.keptAside).equals(current)).toBe(true);
    expect(fs.readFileSync(file).equals(fs.readFileSync(backupPath(file)))).toBe(true);
    fs.writeFileSync(path.join(root, 'junk'), 'not a database\n'.repeat(100));
    const bad = await cli('db', 'restore', '--from', path.join(root, 'junk'), '--data-dir', dataDir);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/junk is damaged \(its header is not a SQLite header\); nothing was changed/);
  });
});
