import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../shared/result';
import { DirectorySettings } from '../../../shared/settings';
import { createLocalSource, fsError } from './local-source';
import { isUncPath, openAppDirSource } from './open-source';
import { memorySource } from './testing/memory-source';

const settings = (appDir: string, userName = '', domain = '') =>
  DirectorySettings.parse({ appDir, share: { userName, domain } });

function routes(appDir: string, platform: NodeJS.Platform, password: string | null, userName = 'reader') {
  const calls: unknown[] = [];
  const smb = memorySource({}, { description: 'smb' });
  const source = openAppDirSource(settings(appDir, userName, 'CORP'), {
    platform,
    sharePassword: password,
    createSmbSource: (o) => (calls.push(o), smb),
  });
  return { source, calls, smb };
}

function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error('did not throw');
}

describe('openAppDirSource', () => {
  it('recognises UNC paths in both slash styles', () => {
    expect(isUncPath('\\\\srv\\share')).toBe(true);
    expect(isUncPath('//srv/share/dir')).toBe(true);
    expect(isUncPath('/srv/share')).toBe(false);
    expect(isUncPath('C:\\MDaemon\\App')).toBe(false);
  });

  it('reads local paths locally', () => {
    const r = routes('/srv/mdaemon/App', 'linux', null);
    expect(r.calls).toEqual([]);
    expect(r.source.description).toBe('/srv/mdaemon/App');
  });

  it('lets Windows read UNC paths itself', () => {
    const r = routes('\\\\MDAEMON\\MDApp', 'win32', null);
    expect(r.calls).toEqual([]);
    expect(r.source.description).toBe('\\\\MDAEMON\\MDApp');
  });

  it('uses SMB for UNC paths elsewhere, with the share credentials', () => {
    const r = routes('//MDAEMON/MDApp/App', 'linux', 'pw');
    expect(r.source).toBe(r.smb);
    expect(r.calls).toEqual([{ unc: '\\\\MDAEMON\\MDApp\\App', domain: 'CORP', userName: 'reader', password: 'pw' }]);
  });

  it.each([
    ['', 'linux', 'pw', 'reader', 'no App directory is configured'],
    [
      '\\\\MDAEMON\\MDApp',
      'darwin',
      null,
      'reader',
      "reading \\\\MDAEMON\\MDApp here needs the share's user name and password",
    ],
    [
      '\\\\MDAEMON\\MDApp',
      'linux',
      'pw',
      '',
      "reading \\\\MDAEMON\\MDApp here needs the share's user name and password",
    ],
    ['\\\\MDAEMON', 'linux', 'pw', 'reader', '\\\\MDAEMON needs a server and a share name (\\\\server\\share\\dir)'],
    [
      'C:\\MDaemon\\App',
      'linux',
      null,
      '',
      'C:\\MDaemon\\App is a Windows path; on this machine enter the App directory as a UNC path (\\\\server\\share)',
    ],
  ] as const)('refuses %j on %s with config', (appDir, platform, password, user, message) => {
    const err = userError(() => routes(appDir, platform, password, user));
    expect([err.code, err.message]).toEqual(['config', message]);
  });
});

describe('createLocalSource', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mdsync-local-'));
    await fs.writeFile(path.join(dir, 'Userlist.dat'), 'abc');
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  it('matches names case-insensitively and reports size and mtime', async () => {
    const src = createLocalSource(dir);
    const f = await src.readFile('USERLIST.DAT');
    expect(f?.data.toString()).toBe('abc');
    expect(f?.size).toBe(3);
    expect(await src.stat('userlist.DAT')).toEqual({ size: 3, mtimeMs: f?.mtimeMs });
    expect(await src.readFile('Groups.dat')).toBeNull();
    expect(await src.stat('Groups.dat')).toBeNull();
  });

  it('refuses a missing directory with one line', async () => {
    const missing = path.join(dir, 'nope');
    await expect(createLocalSource(missing).readFile('USERLIST.DAT')).rejects.toMatchObject({
      code: 'notFound',
      message: `App directory ${missing} not found`,
    });
  });

  it('maps permission and other file system errors to one-line UserErrors', () => {
    const err = (code: string) => Object.assign(new Error(`${code}: raw message`), { code });
    expect(fsError(err('EACCES'), 'App directory X')).toMatchObject({
      code: 'unreadable',
      message: 'no permission to read App directory X',
    });
    expect(fsError(err('EPERM'), 'X')).toMatchObject({ code: 'unreadable' });
    expect(fsError(err('ENOTDIR'), 'App directory X')).toMatchObject({
      code: 'notFound',
      message: 'App directory X is not a directory',
    });
    expect(fsError(err('EIO'), 'X')).toMatchObject({ code: 'unreadable', message: 'cannot read X (EIO)' });
    // Node refuses files over 2 GB with a code, which is said in words.
    expect(fsError(err('ERR_FS_FILE_TOO_LARGE'), 'USERLIST.DAT')).toMatchObject({
      code: 'tooLarge',
      message: 'USERLIST.DAT is larger than 2 GB, more than can be read; is it the right file?',
    });
  });

  it('refuses a file given as the App directory', async () => {
    const file = path.join(dir, 'Userlist.dat');
    await expect(createLocalSource(file).readFile('USERLIST.DAT')).rejects.toMatchObject({
      code: 'notFound',
      message: `App directory ${file} is not a directory`,
    });
  });
});
