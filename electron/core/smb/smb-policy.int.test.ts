/**
 * Integration tests: our SMB 2/3 client against real Samba servers on 127.0.0.1 that require
 * signing (SMB 2.1, 3.0, 3.0.2, 3.1.1) or encryption, as Windows Server 2025 and hardened sites do.
 *
 * Each policy reads the sample App directory and must give the same accounts as the local copy;
 * a wrong password must say so; tampering, silence and interruption of signed or encrypted
 * traffic must each be named.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSamba, type SambaPolicy, type SambaServer } from '../../testing/servers/samba';
import { UserError } from '../../../shared/result';
import { createLocalSource } from '../mdaemon/local-source';
import { readDirectory } from '../mdaemon/read-directory';
import { Smb2Client } from './smb2-client';
import { createSmbSource } from './smb-source';
import { startFrameProxy } from './testing/frame-proxy';

const SAMPLE = join(__dirname, '../../../build-resources/sample-app');
const PASSWORD = `Sïgn "me" \\ ${Date.now().toString(36)}`;
const BIG = Buffer.alloc(3 * 1024 * 1024 + 77, 0x5a);

async function sampleFiles(): Promise<Record<string, Buffer>> {
  const files: Record<string, Buffer> = { 'App/Big.dat': BIG };
  for (const name of await readdir(SAMPLE)) {
    if (name.endsWith('.dat') || name.endsWith('.DAT')) files[`App/${name}`] = await readFile(join(SAMPLE, name));
  }
  return files;
}

function source(samba: SambaServer, over: { password?: string; port?: number; timeoutMs?: number } = {}) {
  return createSmbSource({
    unc: `\\\\127.0.0.1:${over.port ?? samba.port}\\${samba.share}\\App`,
    domain: '',
    userName: samba.user,
    password: over.password ?? samba.password,
    timeoutMs: over.timeoutMs ?? 5000,
  });
}

async function failure(p: Promise<unknown>): Promise<UserError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    for (const text of [String(e), (e as Error).stack ?? '', inspect(e, { depth: 10, showHidden: true })]) {
      expect(text).not.toContain(PASSWORD);
    }
    return e as UserError;
  }
  throw new Error('expected a failure');
}

/** What the client reports after logging on. */
async function protection(samba: SambaServer) {
  const c = new Smb2Client({
    host: '127.0.0.1',
    port: samba.port,
    share: samba.share,
    domain: '',
    userName: samba.user,
    password: samba.password,
  });
  try {
    expect(await c.readdir('App')).toContain('USERLIST.DAT');
    return c.protection;
  } finally {
    c.disconnect();
  }
}

const expected = readDirectory(createLocalSource(SAMPLE), { codePage: 'cp1252' });

const CASES: { name: string; policy: SambaPolicy; dialect: string; encryption: string }[] = [
  {
    name: 'signing required, SMB 2.1',
    policy: { signing: 'mandatory', minProtocol: 'SMB2_10', maxProtocol: 'SMB2_10' },
    dialect: '2.1',
    encryption: '',
  },
  {
    name: 'signing required, SMB 3.0',
    policy: { signing: 'mandatory', minProtocol: 'SMB3_00', maxProtocol: 'SMB3_00' },
    dialect: '3.0',
    encryption: '',
  },
  {
    name: 'signing required, SMB 3.0.2',
    policy: { signing: 'mandatory', minProtocol: 'SMB3_02', maxProtocol: 'SMB3_02' },
    dialect: '3.0.2',
    encryption: '',
  },
  {
    name: 'signing required, SMB 3.1.1 only',
    policy: { signing: 'mandatory', minProtocol: 'SMB3_11' },
    dialect: '3.1.1',
    encryption: '',
  },
  {
    name: 'signing required, from SMB 2.1 up (highest wins)',
    policy: { signing: 'mandatory', minProtocol: 'SMB2_10' },
    dialect: '3.1.1',
    encryption: '',
  },
  {
    name: 'encryption required, SMB 3.1.1',
    policy: { encrypt: 'required' },
    dialect: '3.1.1',
    encryption: 'AES-128-GCM',
  },
  {
    name: 'encryption required for every session, SMB 3.0.2',
    policy: { serverEncrypt: 'required', maxProtocol: 'SMB3_02' },
    dialect: '3.0.2',
    encryption: 'AES-128-CCM',
  },
  {
    name: 'encryption required, SMB 3.0',
    policy: { encrypt: 'required', maxProtocol: 'SMB3_00' },
    dialect: '3.0',
    encryption: 'AES-128-CCM',
  },
];

describe.each(CASES)('Samba with $name', ({ policy, dialect, encryption }) => {
  let samba: SambaServer;
  beforeAll(async () => {
    samba = await startSamba({ files: await sampleFiles(), password: PASSWORD, policy });
  });
  afterAll(async () => {
    await samba?.stop();
  });

  it(`negotiates ${dialect}, signs${encryption ? ` and encrypts with ${encryption}` : ''}`, async () => {
    expect(await protection(samba)).toEqual({ dialect, signing: true, encryption });
  });

  it('reads the same accounts, groups and warnings as from a local copy', async () => {
    const src = source(samba);
    try {
      const t0 = performance.now();
      const read = await readDirectory(src, { codePage: 'cp1252' });
      const ms = performance.now() - t0;
      expect(read.accounts.length).toBeGreaterThan(10);
      expect(read).toEqual(await expected);
      const big = await src.readFile('Big.dat');
      expect(big?.data.equals(BIG)).toBe(true);
      process.stdout.write(
        `[measure] SMB ${dialect}${encryption ? ` ${encryption}` : ''}: connect + read App directory ${ms.toFixed(0)} ms\n`,
      );
    } finally {
      await src.close();
    }
  });

  it('refuses a wrong password as such', async () => {
    const wrong = `${PASSWORD}x`;
    const src = source(samba, { password: wrong });
    const e = await failure(src.readFile('USERLIST.DAT'));
    await src.close();
    expect(e.code).toBe('auth');
    expect(e.message).toBe(`the share refused user ${samba.user}: wrong user name or password`);
    expect(e.message).not.toContain(wrong);
  });
});

describe.each([
  { what: 'a share', policy: { encrypt: 'required', maxProtocol: 'SMB2_10' } as const },
  { what: 'a server', policy: { serverEncrypt: 'required', maxProtocol: 'SMB2_10' } as const },
])('$what that requires encryption, limited to SMB 2.1', ({ policy }) => {
  it('is refused with a sentence that names encryption, not plain access denied', async () => {
    const samba = await startSamba({
      files: await sampleFiles(),
      password: PASSWORD,
      policy,
    });
    try {
      const src = source(samba);
      const e = await failure(src.readFile('USERLIST.DAT'));
      await src.close();
      expect(e.code).toBe('unreadable');
      expect(e.message).toBe(
        `share ${samba.share} on 127.0.0.1 refused user ${samba.user} over SMB 2.1 (access denied): if the server or share requires encryption, it must allow SMB 3; otherwise check the user name and the share's permissions`,
      );
    } finally {
      await samba.stop();
    }
  });
});

describe('a server limited to SMB 1', () => {
  it('is refused as dialect not supported', async () => {
    const samba = await startSamba({
      files: { 'App/USERLIST.DAT': 'x' },
      password: PASSWORD,
      policy: { minProtocol: 'NT1', maxProtocol: 'NT1' },
    });
    try {
      const src = source(samba);
      const e = await failure(src.readFile('USERLIST.DAT'));
      await src.close();
      expect(e.code).toBe('protocol');
      expect(e.message).toBe(
        `the SMB server 127.0.0.1:${samba.port} closed the connection when offered SMB 2.0.2 to 3.1.1, as a server that speaks only SMB 1 does: dialect not supported (allow SMB 2 or 3 on the server)`,
      );
    } finally {
      await samba.stop();
    }
  });
});

const DISTURBED: { name: string; policy: SambaPolicy; bad: string }[] = [
  {
    name: 'signed (SMB 3.1.1, signing required)',
    policy: { signing: 'mandatory', minProtocol: 'SMB3_11' },
    bad: 'failed signature verification over SMB 3.1.1',
  },
  {
    name: 'signed (SMB 2.1, signing required)',
    policy: { signing: 'mandatory', maxProtocol: 'SMB2_10' },
    bad: 'failed signature verification over SMB 2.1',
  },
  {
    name: 'encrypted (SMB 3.0, encryption required)',
    policy: { encrypt: 'required', maxProtocol: 'SMB3_00' },
    bad: 'could not be decrypted over SMB 3.0',
  },
];

describe.each(DISTURBED)('$name traffic disturbed on the way', ({ policy, bad }) => {
  let samba: SambaServer;
  beforeAll(async () => {
    samba = await startSamba({ files: await sampleFiles(), password: PASSWORD, policy });
  });
  afterAll(async () => {
    await samba?.stop();
  });

  it('an altered answer is refused and the connection dropped', async () => {
    // Frame 5: an answer after logon (tree connect is frame 3).
    const proxy = await startFrameProxy(samba.port, { when: (i) => i === 5, action: 'flip' });
    try {
      const src = source(samba, { port: proxy.port });
      const e = await failure(src.readFile('USERLIST.DAT'));
      await src.close();
      expect(e.code).toBe('protocol');
      expect(e.message).toContain(bad);
    } finally {
      await proxy.stop();
    }
  });

  it('a server that goes silent mid-read times out in bounded time', async () => {
    const proxy = await startFrameProxy(samba.port, { when: (_, f) => f.length > 100_000, action: 'silence' });
    try {
      const src = source(samba, { port: proxy.port, timeoutMs: 800 });
      expect(await src.stat('Big.dat')).toMatchObject({ size: BIG.length });
      const t0 = performance.now();
      const e = await failure(src.readFile('Big.dat'));
      const ms = performance.now() - t0;
      await src.close();
      expect(e.code).toBe('timeout');
      expect(e.message).toBe(
        `the SMB server 127.0.0.1:${proxy.port} stopped answering while reading App\\Big.dat in \\\\127.0.0.1:${proxy.port}\\${samba.share} (nothing for 0.8 s)`,
      );
      expect(ms).toBeLessThan(5000);
    } finally {
      await proxy.stop();
    }
  });

  it('a connection cut mid-read is replaced and the file read whole', async () => {
    const proxy = await startFrameProxy(samba.port, {
      when: (_, f) => f.length > 100_000,
      action: 'cut',
      connections: 1,
    });
    try {
      const src = source(samba, { port: proxy.port });
      expect(await src.stat('Big.dat')).toMatchObject({ size: BIG.length });
      const big = await src.readFile('Big.dat');
      await src.close();
      expect(big?.data.equals(BIG)).toBe(true);
      expect(proxy.connections()).toBe(2);
    } finally {
      await proxy.stop();
    }
  });

  it('a connection cut every time is reported as such', async () => {
    const proxy = await startFrameProxy(samba.port, { when: (_, f) => f.length > 100_000, action: 'cut' });
    try {
      const src = source(samba, { port: proxy.port });
      const e = await failure(src.readFile('Big.dat'));
      await src.close();
      expect(e.code).toBe('network');
      expect(e.message).toBe(`the SMB server 127.0.0.1:${proxy.port} closed the connection unexpectedly`);
    } finally {
      await proxy.stop();
    }
  });
});
