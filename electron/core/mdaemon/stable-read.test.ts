/**
 * The torn-read refusal, deterministic: a local source over an injected file system whose
 * USERLIST.DAT changes between the stat before and the stat after a read (as during MDaemon's
 * rewrite of it) is read again; one that keeps changing is one sentence, and no bytes come back.
 * The same check and the time limit hold for the SMB source (a fake client).
 */
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../shared/result';
import type { SmbClient } from '../smb/smb-client';
import { createSmbSource } from '../smb/smb-source';
import { createLocalSource, type LocalFs } from './local-source';
import { changingFs } from './testing/changing-fs';

const FULL = Buffer.alloc(2370, 0x41); // ten 237-byte records
const TORN = FULL.subarray(0, 2133); // cut at a record boundary at 90%

const noSleep = () => Promise.resolve();

describe('a local USERLIST.DAT changing while it is read', () => {
  it('is read again, and the version that held still is the one returned', async () => {
    // Read 1 gives the torn file, after which it shows as the full one: changed, read again.
    const f = changingFs([TORN, FULL]);
    const got = await createLocalSource('/app', { fs: f.fs, sleep: noSleep }).readFile('USERLIST.DAT');
    expect(got?.data.length).toBe(FULL.length);
    expect(got?.size).toBe(FULL.length);
    expect(f.reads()).toBe(3); // torn, whole, whole again: the same bytes twice
  });

  it('is read again when rewritten with the same size and time, and the bytes read twice are returned', async () => {
    const old = Buffer.alloc(FULL.length, 0x42);
    const f = changingFs([old, FULL], { sameStat: true });
    const got = await createLocalSource('/app', { fs: f.fs, sleep: noSleep }).readFile('USERLIST.DAT');
    expect(got?.data.equals(FULL)).toBe(true);
    expect(f.reads()).toBe(3);
  });

  it('is refused when its bytes keep changing behind the same size and time', async () => {
    const versions = [0x41, 0x42].map((b) => Buffer.alloc(FULL.length, b));
    const f = changingFs(versions, { cycle: true, sameStat: true });
    await expect(
      createLocalSource('/app', { fs: f.fs, sleep: noSleep }).readFile('USERLIST.DAT'),
    ).rejects.toMatchObject({ code: 'unstable' });
    expect(f.reads()).toBe(4); // one read, then three that each differed from the one before
  });

  it('is refused in one sentence after three reads when it keeps changing, with no bytes returned', async () => {
    const sizes = [2133, 2370, 2133, 2370, 2133];
    const f = changingFs(sizes.map((n) => FULL.subarray(0, n)));
    const err = await createLocalSource('/app', { fs: f.fs, sleep: noSleep })
      .readFile('USERLIST.DAT')
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(UserError);
    expect(err).toMatchObject({
      code: 'unstable',
      message:
        '/app/USERLIST.DAT changed while it was read, 3 times (is MDaemon rewriting it?); nothing was applied: run again in a moment',
    });
    expect(f.reads()).toBe(3);
  });

  it('refuses a read that does not finish within the limit in one sentence', async () => {
    const fs: LocalFs = {
      readdir: () => Promise.resolve(['USERLIST.DAT']),
      stat: () => Promise.resolve({ size: 3, mtimeMs: 1, isFile: () => true, isFIFO: () => false }),
      // Ends only when aborted, as Node's readFile does with a signal.
      readFile: (_f, { signal }) =>
        new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error))),
    };
    await expect(createLocalSource('/app', { fs, timeoutMs: 20 }).readFile('USERLIST.DAT')).rejects.toMatchObject({
      code: 'unreadable',
      message: 'reading /app/USERLIST.DAT took longer than 0.02 s; nothing was applied',
    });
  });
});

describe('USERLIST.DAT over SMB', () => {
  function client(read: () => Promise<Buffer | null>, stat: () => Promise<{ size: number; mtimeMs: number }>) {
    let reads = 0;
    const c: SmbClient = {
      list: () => Promise.resolve(['USERLIST.DAT']),
      stat,
      readFile: () => (reads++, read()),
      close: () => Promise.resolve(),
    };
    return { connect: () => c, reads: () => reads };
  }
  const options = { unc: '\\\\srv\\share\\App', domain: '', userName: 'u', password: 'p' };

  it('has a limit on the whole read (a share that trickles or stops), in one sentence', async () => {
    const c = client(
      () => new Promise<Buffer>(() => undefined),
      () => Promise.resolve({ size: 3, mtimeMs: 1 }),
    );
    const src = createSmbSource({ ...options, connect: c.connect, read: { timeoutMs: 20 } });
    await expect(src.readFile('USERLIST.DAT')).rejects.toMatchObject({
      code: 'unreadable',
      message: 'reading \\\\srv\\share\\App\\USERLIST.DAT took longer than 0.02 s; nothing was applied',
    });
  });

  it('reads again when the file changed while it was read, and refuses after three reads', async () => {
    let mtime = 0;
    const c = client(
      () => Promise.resolve(Buffer.from('abc')),
      () => Promise.resolve({ size: 3, mtimeMs: mtime++ }), // a new time at every look
    );
    const src = createSmbSource({ ...options, connect: c.connect, read: { sleep: noSleep } });
    await expect(src.readFile('USERLIST.DAT')).rejects.toMatchObject({
      code: 'unstable',
      message: expect.stringMatching(/^\\\\srv\\share\\App\\USERLIST\.DAT changed while it was read, 3 times/),
    });
    expect(c.reads()).toBe(3);
  });
});
