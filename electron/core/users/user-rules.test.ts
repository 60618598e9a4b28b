/**
 * The user rules over a real embedded store: what a create, change, delete or password means, and
 * what is refused (one sentence, nothing changed). The store contract suite runs the storage
 * primitives on both stores; these cases pin the rules themselves.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteRepository } from '../db/sqlite/repository';
import { type UserRules, userRules } from './user-rules';

let dir: string;
let repo: SqliteRepository;
let rules: UserRules;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-rules-'));
  repo = await SqliteRepository.open({ dataDir: dir, lock: { waitMs: 200 } });
  rules = userRules(repo);
});
afterEach(async () => {
  await repo.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('creating a user', () => {
  it('trims the name, gives login and read access to its own folder, hashes only an integrated password', async () => {
    const anna = await rules.createUser({ userName: '  anna ', password: 'Anna-pw-1' });
    expect(anna).toMatchObject({
      userName: 'anna',
      fullName: '',
      authentication: 'integrated',
      privileges: ['login'],
      emailAddresses: [],
      hasPassword: true,
      folderAccess: [{ folder: 'anna', read: true, write: false, delete: false }],
    });
    expect(await repo.verifyPassword('anna', 'Anna-pw-1')).toBe(true);
    const ds = await rules.createUser({ userName: 'dora', authentication: 'directoryServices', password: 'x' });
    expect(ds.hasPassword).toBe(false);
  });

  it('keeps the own folder access given, puts it first otherwise, and de-duplicates addresses', async () => {
    await rules.createUser({ userName: 'shared' });
    const own = await rules.createUser({
      userName: 'bob',
      emailAddresses: [' bob@x.test ', 'BOB@x.test'],
      folderAccess: [{ folder: 'BOB', read: true, write: true, delete: true }],
    });
    expect(own.emailAddresses).toEqual(['bob@x.test']);
    expect(own.folderAccess).toEqual([{ folder: 'bob', read: true, write: true, delete: true }]);
    const other = await rules.createUser({
      userName: 'carl',
      folderAccess: [{ folder: 'shared', read: true, write: false, delete: false }],
    });
    expect(other.folderAccess.map((a) => a.folder).sort()).toEqual(['carl', 'shared']);
  });

  it('refuses a taken name (any case), an empty or control-character name and a bad address', async () => {
    await rules.createUser({ userName: 'anna' });
    await expect(rules.createUser({ userName: 'ANNA' })).rejects.toMatchObject({
      code: 'exists',
      message: 'a user named ANNA already exists',
    });
    await expect(rules.createUser({ userName: ' ' })).rejects.toMatchObject({ code: 'input' });
    await expect(rules.createUser({ userName: 'a\u0007b' })).rejects.toMatchObject({ code: 'input' });
    await expect(rules.createUser({ userName: 'x', emailAddresses: ['no-at'] })).rejects.toMatchObject({
      code: 'input',
      message: 'no-at is not an email address',
    });
    expect((await repo.listUsers()).map((u) => u.userName)).toEqual(['admin', 'anna']);
  });
});

describe('changing a user', () => {
  it('renames the user and its own folder, and changes only the fields given', async () => {
    await rules.createUser({ userName: 'anna', fullName: 'Anna', emailAddresses: ['a@x.test'] });
    const u = await rules.updateUser(' Anna ', { userName: 'anne', privileges: ['login', 'export'] });
    expect(u).toMatchObject({ userName: 'anne', fullName: 'Anna', emailAddresses: ['a@x.test'] });
    expect(u.privileges).toEqual(['login', 'export']);
    expect((await repo.listFolders()).map((f) => f.name)).toContain('anne');
    expect(await repo.folderOf('anne')).toMatchObject({ folder: 'anne' });
  });

  it('refuses a name another user has, and an unknown user, changing nothing', async () => {
    await rules.createUser({ userName: 'anna' });
    await rules.createUser({ userName: 'bob' });
    await expect(rules.updateUser('anna', { userName: 'BOB', fullName: 'x' })).rejects.toMatchObject({
      code: 'exists',
      message: 'a user named BOB already exists',
    });
    expect((await repo.getUser('anna'))?.fullName).toBe('');
    await expect(rules.updateUser('nobody', { fullName: 'x' })).rejects.toMatchObject({
      code: 'notFound',
      message: 'there is no user named nobody',
    });
  });

  it('keeps the built-in admin its name, integrated authentication and Administrator privilege', async () => {
    await expect(rules.updateUser('admin', { userName: 'root' })).rejects.toMatchObject({ code: 'refused' });
    await expect(rules.setAuthentication('Admin', 'directoryServices')).rejects.toMatchObject({ code: 'refused' });
    await expect(rules.setPrivileges('admin', ['login'])).rejects.toMatchObject({ code: 'refused' });
    expect((await rules.updateUser('admin', { fullName: 'The admin' })).fullName).toBe('The admin');
  });

  it('an administrator cannot take the Administrator privilege from itself; another may', async () => {
    await rules.createUser({ userName: 'boss', privileges: ['admin'] });
    await expect(rules.updateUser('boss', { privileges: ['login'] }, { actor: 'BOSS' })).rejects.toMatchObject({
      code: 'refused',
      message: 'you cannot take the Administrator privilege from yourself',
    });
    expect((await rules.updateUser('boss', { privileges: ['login'] }, { actor: 'admin' })).privileges).toEqual([
      'login',
    ]);
  });
});

describe('deleting a user', () => {
  it('deletes and tells; the built-in admin, an unknown user and oneself are refused', async () => {
    await rules.createUser({ userName: 'anna' });
    const told: string[] = [];
    await expect(rules.deleteUser('Anna', { actor: 'anna' })).rejects.toMatchObject({
      code: 'refused',
      message: 'you cannot delete the user you are logged on as',
    });
    expect(await rules.deleteUser('Anna', { actor: 'admin', onDeleted: (n) => told.push(n) })).toEqual({
      folderKept: false,
      messages: 0,
    });
    expect(told).toEqual(['Anna']);
    expect(await repo.getUser('anna')).toBeNull();
    await expect(rules.deleteUser('ADMIN')).rejects.toMatchObject({
      code: 'refused',
      message: 'the built-in admin cannot be deleted',
    });
    await expect(rules.deleteUser('anna')).rejects.toMatchObject({ code: 'notFound' });
  });
});

describe('passwords', () => {
  it('sets a password; an empty one and an unknown user are refused', async () => {
    await rules.createUser({ userName: 'anna' });
    await rules.setPassword(' anna ', 'Anna-pw-2');
    expect(await repo.verifyPassword('anna', 'Anna-pw-2')).toBe(true);
    await expect(rules.setPassword('anna', '')).rejects.toMatchObject({
      code: 'input',
      message: 'the password is empty',
    });
    await expect(rules.setPassword('nobody', 'pw')).rejects.toMatchObject({ code: 'notFound' });
  });

  it("sets the admin's first password once", async () => {
    await expect(rules.setInitialAdminPassword('')).rejects.toMatchObject({ code: 'input' });
    await rules.setInitialAdminPassword('Admin-pw-1');
    expect(await repo.needsAdminPassword()).toBe(false);
    await expect(rules.setInitialAdminPassword('Admin-pw-2')).rejects.toMatchObject({
      code: 'refused',
      message: 'the admin password is already set',
    });
    expect(await repo.verifyPassword('admin', 'Admin-pw-1')).toBe(true);
  });
});
