import { describe, expect, it } from 'vitest';
import { UserError } from '../../../shared/result';
import type { SmbClient, SmbConnectOptions } from './smb-client';
import { createSmbSource, pickName } from './smb-source';

function fakeClient(files: Record<string, string>, dirs: Record<string, string[]>) {
  const calls: string[] = [];
  let seen: SmbConnectOptions | undefined;
  const client: SmbClient = {
    readFile: (p) => (calls.push(`read ${p}`), Promise.resolve(p in files ? Buffer.from(files[p] ?? '') : null)),
    stat: (p) => (
      calls.push(`stat ${p}`),
      Promise.resolve(p in files ? { size: (files[p] ?? '').length, mtimeMs: 42 } : null)
    ),
    list: (d) => {
      calls.push(`list ${d}`);
      const entries = dirs[d];
      return entries ? Promise.resolve(entries) : Promise.reject(new UserError('notFound', `folder ${d} not found`));
    },
    close: () => (calls.push('close'), Promise.resolve()),
  };
  const connect = (o: SmbConnectOptions) => ((seen = o), client);
  return { connect, calls, seen: () => seen };
}

describe('pickName', () => {
  it('prefers the exact name, else a case-insensitive match', () => {
    expect(pickName(['userlist.dat', 'USERLIST.DAT'], 'USERLIST.DAT')).toBe('USERLIST.DAT');
    expect(pickName(['Userlist.Dat', 'Groups.dat'], 'USERLIST.DAT')).toBe('Userlist.Dat');
    expect(pickName(['Groups.dat'], 'Alias.dat')).toBeUndefined();
  });
});

describe('createSmbSource', () => {
  it('resolves names in the folder listing, then stats, reads and stats again', async () => {
    const f = fakeClient({ 'MD\\App\\Userlist.dat': 'abc' }, { 'MD\\App': ['Userlist.dat', 'Groups.dat'] });
    const src = createSmbSource({
      unc: '//srv:4450/share/MD/App',
      domain: 'CORP',
      userName: 'u',
      password: 'secret-pw',
      connect: f.connect,
    });
    expect(src.description).toBe('\\\\srv:4450\\share\\MD\\App');
    expect(f.seen()).toMatchObject({ host: 'srv', port: 4450, share: 'share', domain: 'CORP', userName: 'u' });
    expect(await src.readFile('USERLIST.DAT')).toEqual({ data: Buffer.from('abc'), size: 3, mtimeMs: 42 });
    // Read twice: trusted once a second read gave the same bytes.
    expect(f.calls).toEqual([
      'list MD\\App',
      ...Array<string[]>(2)
        .fill(['stat MD\\App\\Userlist.dat', 'read MD\\App\\Userlist.dat', 'stat MD\\App\\Userlist.dat'])
        .flat(),
    ]);
    expect(await src.stat('Alias.dat')).toBeNull();
    expect(await src.readFile('Alias.dat')).toBeNull();
    await src.close();
    expect(f.calls.at(-1)).toBe('close');
  });

  it('reads from the share root', async () => {
    const f = fakeClient({ 'USERLIST.DAT': 'x' }, { '': ['USERLIST.DAT'] });
    const src = createSmbSource({
      unc: '\\\\srv\\share',
      domain: '',
      userName: 'u',
      password: 'p',
      connect: f.connect,
    });
    expect(src.description).toBe('\\\\srv\\share');
    expect((await src.readFile('userlist.dat'))?.data.toString()).toBe('x');
  });

  it('passes a missing folder on as notFound', async () => {
    const f = fakeClient({}, {});
    const src = createSmbSource({
      unc: '\\\\srv\\share\\Nope',
      domain: '',
      userName: 'u',
      password: 'p',
      connect: f.connect,
    });
    await expect(src.readFile('USERLIST.DAT')).rejects.toMatchObject({ code: 'notFound' });
  });

  it('refuses a malformed UNC path at once, and file names with folders', async () => {
    expect(() => createSmbSource({ unc: 'C:\\MDaemon\\App', domain: '', userName: 'u', password: 'p' })).toThrow(
      UserError,
    );
    const f = fakeClient({}, { '': [] });
    const src = createSmbSource({
      unc: '\\\\srv\\share',
      domain: '',
      userName: 'u',
      password: 'p',
      connect: f.connect,
    });
    await expect(src.readFile('..\\x')).rejects.toMatchObject({ code: 'config' });
  });
});
