import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteRepository } from './repository';
import { backupPath, looksWhole } from './db-file';
import { dataFiles } from '../../paths';
import { userRules } from '../../users/user-rules';

let dir: string;
const open = (extra: Partial<Parameters<typeof SqliteRepository.open>[0]> = {}) =>
  SqliteRepository.open({ dataDir: dir, lock: { waitMs: 200 }, ...extra });

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-db-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('a new database', () => {
  it('is a SQLite file with the built-in admin, which needs a password', async () => {
    const repo = await open();
    expect(fs.readFileSync(dataFiles(dir).database).subarray(0, 15).toString()).toBe('SQLite format 3');
    const admin = await repo.getUser('ADMIN');
    expect(admin).toMatchObject({
      userName: 'admin',
      authentication: 'integrated',
      privileges: ['admin'],
      builtIn: true,
    });
    expect(await repo.needsAdminPassword()).toBe(true);
    await userRules(repo).setInitialAdminPassword('s3cret!');
    expect(await repo.needsAdminPassword()).toBe(false);
    await expect(userRules(repo).setInitialAdminPassword('again')).rejects.toMatchObject({ code: 'refused' });
    expect(await repo.verifyPassword('admin', 's3cret!')).toBe(true);
    expect(await repo.verifyPassword('admin', 'wrong')).toBe(false);
    expect(fs.readFileSync(dataFiles(dir).database).includes('s3cret!')).toBe(false);
    await repo.close();
  });
});

describe('transactions', () => {
  it('a failing transaction changes neither memory nor the file', async () => {
    const repo = await open();
    const before = fs.readFileSync(dataFiles(dir).database);
    await expect(
      repo.transaction((sql, now) => {
        sql.run(
          "INSERT INTO users (user_name, authentication, created_at, updated_at) VALUES ('ghost', 'integrated', ?, ?)",
          [now, now],
        );
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await repo.getUser('ghost')).toBeNull();
    expect(fs.readFileSync(dataFiles(dir).database).equals(before)).toBe(true);
    await repo.close();
  });
});

describe('several processes', () => {
  it('a reader sees what another process committed (the file is reloaded)', async () => {
    const a = await open();
    const b = await open();
    await userRules(a).createUser({ userName: 'new-in-a' });
    expect(await b.getUser('new-in-a')).not.toBeNull();
    await userRules(b).deleteUser('new-in-a');
    expect(await a.getUser('new-in-a')).toBeNull();
    await a.close();
    await b.close();
  });

  it('a second writer waits, then fails busy', async () => {
    const a = await open();
    const b = await open({ lock: { waitMs: 100, pollMs: 10 } });
    await a.exclusive(async () => {
      await expect(userRules(b).createUser({ userName: 'x' })).rejects.toMatchObject({
        code: 'busy',
        message: expect.stringMatching(/^another synchronization is running/),
      });
    });
    await userRules(b).createUser({ userName: 'x' });
    await a.close();
    await b.close();
  });

  it('a lock left by a dead process is taken over', async () => {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(dataFiles(dir).lock, JSON.stringify({ pid: 999999999, startedAt: 'x', token: 't' }));
    const repo = await open();
    await userRules(repo).createUser({ userName: 'after-crash' });
    expect(fs.existsSync(dataFiles(dir).lock)).toBe(false);
    await repo.close();
  });
});

describe('durability', () => {
  it('keeps the previous state as a backup and falls back to it when the main file is damaged', async () => {
    const repo = await open();
    await userRules(repo).createUser({ userName: 'one' });
    await userRules(repo).createUser({ userName: 'two' });
    await repo.close();
    const file = dataFiles(dir).database;
    fs.writeFileSync(file, Buffer.alloc(4096, 7));
    fs.writeFileSync(path.join(dir, '.archive.sqlite.abc.mdsync-tmp'), 'half');
    const warnings: string[] = [];
    const again = await open({ onWarning: (m) => warnings.push(m) });
    expect(warnings[0]).toMatch(
      /archive\.sqlite is damaged \(its header is not a SQLite header\): it was moved aside to archive\.sqlite\.damaged-\S+ \(its users cannot be counted\) and its backup archive\.sqlite\.bak \(2 users\) is used/,
    );
    expect(await again.getUser('one')).not.toBeNull();
    expect(await again.getUser('two')).toBeNull();
    await userRules(again).createUser({ userName: 'three' });
    expect(fs.existsSync(path.join(dir, '.archive.sqlite.abc.mdsync-tmp'))).toBe(false);
    await again.close();
    const third = await open();
    expect(third.warnings).toEqual([]);
    expect((await third.listUsers()).map((u) => u.userName)).toEqual(['admin', 'one', 'three']);
    expect(fs.existsSync(backupPath(file))).toBe(true);
    await third.close();
  });

  it('refuses clearly when the file and its backup are both damaged', async () => {
    fs.writeFileSync(dataFiles(dir).database, 'not a database at all');
    fs.writeFileSync(backupPath(dataFiles(dir).database), 'nor this');
    await expect(open()).rejects.toMatchObject({ code: 'corrupt' });
  });
});

describe('integrity', () => {
  it('a transaction leaving a row without its parent is rolled back', async () => {
    const repo = await open();
    await expect(
      repo.transaction((sql) =>
        sql.run("INSERT INTO user_emails (user_id, position, address) VALUES (4242, 0, 'x@y')"),
      ),
    ).rejects.toThrow(/integrity check failed: a row of user_emails points at a missing users row/);
    await expect(repo.transaction((sql) => sql.one('SELECT count(*) FROM user_emails')?.[0])).resolves.toBe(0);
    await repo.close();
  });
});

describe('damage detection', () => {
  it('treats a truncated file as damaged and uses the backup', async () => {
    const repo = await open();
    await userRules(repo).createUser({ userName: 'one' });
    await userRules(repo).createUser({ userName: 'two' });
    await repo.close();
    const file = dataFiles(dir).database;
    const bytes = fs.readFileSync(file);
    expect(looksWhole(bytes)).toBe(true);
    fs.writeFileSync(file, bytes.subarray(0, bytes.length - 4096));
    const again = await open();
    expect(again.warnings).toHaveLength(1);
    expect(await again.getUser('one')).not.toBeNull();
    await again.close();
  });
});
