/**
 * Integration tests: the SMB source against a real Samba on 127.0.0.1 (electron/testing/servers/samba.ts),
 * with Samba's defaults and with signing required (smb-policy.int.test.ts covers the dialects).
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../testing/servers/free-port';
import { startSamba, type SambaServer } from '../../testing/servers/samba';
import { UserError } from '../../../shared/result';
import { createSmbSource } from './smb-source';

// Fixed-width-ish records with cp1252 bytes (ä ö ü ß €) that UTF-8 decoding would mangle.
const record = (name: string) =>
  Buffer.concat([
    Buffer.from(`example.com${' '.repeat(34)}${name.padEnd(30)}`, 'latin1'),
    Buffer.from([0xe4, 0xf6, 0xfc, 0xdf, 0x80, 0x0d, 0x0a]),
  ]);
const USERLIST = Buffer.concat([record('frank'), record('anna'), Buffer.from([0x1a])]);
const GROUPS = Buffer.from('[Vertrieb \xc4\xd6]\r\nMember=frank@example.com\r\n', 'latin1');
const BIG = randomBytes(2 * 1024 * 1024 + 12345);
// Spaces, quotes, backslash and non-ASCII letters: all must survive smbpasswd and NTLMv2.
const PASSWORD = `Pä ss"w'ord\\ß-${randomBytes(4).toString('hex')}`;

let samba: SambaServer;

function source(over: Partial<Parameters<typeof createSmbSource>[0]> = {}) {
  return createSmbSource({
    unc: samba.uncPath('App'),
    domain: '',
    userName: samba.user,
    password: samba.password,
    timeoutMs: 3000,
    ...over,
  });
}

async function failure(p: Promise<unknown>): Promise<UserError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return e as UserError;
  }
  throw new Error('expected a failure');
}

function expectNoPassword(e: unknown, password: string): void {
  for (const text of [
    String(e),
    (e as Error).stack ?? '',
    JSON.stringify(e),
    inspect(e, { depth: 10, showHidden: true }),
  ]) {
    expect(text).not.toContain(password);
  }
}

describe.each([
  { name: "Samba's defaults", policy: undefined },
  { name: 'signing required', policy: { signing: 'mandatory' } as const },
])('SMB source against Samba ($name)', ({ policy }) => {
  beforeAll(async () => {
    samba = await startSamba({
      files: {
        'App/USERLIST.DAT': USERLIST,
        'App/Groups.dat': GROUPS,
        'App/Big.dat': BIG,
        'App/Sub/inner.txt': 'inner',
      },
      password: PASSWORD,
      policy,
    });
  });

  afterAll(async () => {
    await samba?.stop();
  });

  it('reads USERLIST.DAT and Groups.dat byte for byte, with size and mtime', async () => {
    const src = source();
    try {
      expect(src.description).toBe(`\\\\127.0.0.1:${samba.port}\\${samba.share}\\App`);
      const users = await src.readFile('USERLIST.DAT');
      expect(users?.data.equals(USERLIST)).toBe(true);
      expect(users?.size).toBe(USERLIST.length);
      expect(Math.abs((users?.mtimeMs ?? 0) - Date.now())).toBeLessThan(120_000);
      const groups = await src.readFile('Groups.dat');
      expect(groups?.data.equals(GROUPS)).toBe(true);
    } finally {
      await src.close();
    }
  });

  it('reads a 2 MB file exactly', async () => {
    const src = source();
    try {
      const t0 = performance.now();
      const big = await src.readFile('BIG.DAT');
      const ms = performance.now() - t0;
      expect(big?.data.length).toBe(BIG.length);
      expect(big?.data.equals(BIG)).toBe(true);
      process.stdout.write(
        `[measure] connect + read ${(BIG.length / 1048576).toFixed(2)} MB over SMB: ${ms.toFixed(0)} ms\n`,
      );
    } finally {
      await src.close();
    }
  });

  it('matches names case-insensitively', async () => {
    const src = source();
    try {
      expect((await src.readFile('userlist.dat'))?.data.equals(USERLIST)).toBe(true);
      expect((await src.readFile('GROUPS.DAT'))?.data.equals(GROUPS)).toBe(true);
      expect(await src.stat('uSeRlIsT.dAt')).toMatchObject({ size: USERLIST.length });
    } finally {
      await src.close();
    }
  });

  it('gives null for a missing file, and stat works', async () => {
    const src = source();
    try {
      expect(await src.readFile('Alias.dat')).toBeNull();
      expect(await src.stat('Alias.dat')).toBeNull();
      const st = await src.stat('Groups.dat');
      expect(st?.size).toBe(GROUPS.length);
      expect(typeof st?.mtimeMs).toBe('number');
    } finally {
      await src.close();
    }
  });

  it('serves concurrent calls on one source', async () => {
    const src = source();
    try {
      const [a, b, c] = await Promise.all([
        src.readFile('USERLIST.DAT'),
        src.readFile('Groups.dat'),
        src.stat('Big.dat'),
      ]);
      expect(a?.data.equals(USERLIST)).toBe(true);
      expect(b?.data.equals(GROUPS)).toBe(true);
      expect(c?.size).toBe(BIG.length);
    } finally {
      await src.close();
    }
  });

  it('sees a file MDaemon rewrote, and reconnects after close()', async () => {
    const src = source();
    try {
      const first = await src.stat('Groups.dat');
      const next = Buffer.concat([GROUPS, Buffer.from('Member=anna@example.com\r\n')]);
      await new Promise((r) => setTimeout(r, 20));
      await samba.writeFiles({ 'App/Groups.dat': next });
      await src.close();
      const again = await src.readFile('groups.dat');
      expect(again?.data.equals(next)).toBe(true);
      expect(again?.mtimeMs).toBeGreaterThan(first?.mtimeMs ?? Infinity);
      await samba.writeFiles({ 'App/Groups.dat': GROUPS });
    } finally {
      await src.close();
    }
  });

  it('logs on with a domain given (NTLMv2 computed for that domain)', async () => {
    const src = source({ domain: 'WORKGROUP' });
    try {
      expect((await src.readFile('Groups.dat'))?.data.equals(GROUPS)).toBe(true);
    } finally {
      await src.close();
    }
  });

  it('refuses a wrong password with an auth error that does not contain the password', async () => {
    const wrong = `Wrong-${PASSWORD}`;
    const src = source({ password: wrong });
    const e = await failure(src.readFile('USERLIST.DAT'));
    await src.close();
    expect(e.code).toBe('auth');
    expect(e.message).toBe(`the share refused user ${samba.user}: wrong user name or password`);
    expectNoPassword(e, wrong);
    expectNoPassword(e, PASSWORD);
  });

  it('refuses an unknown user (Samba offers a guest logon, which we do not take)', async () => {
    const src = source({ userName: 'nobody-here' });
    const e = await failure(src.stat('USERLIST.DAT'));
    await src.close();
    expect(e.code).toBe('auth');
    expect(e.message).toBe(
      'the share refused user nobody-here: the server offered only a guest logon, which it does for an unknown user name (some servers also for a wrong password); check the user name and password',
    );
    expectNoPassword(e, PASSWORD);
  });

  it('reports a missing share as notFound', async () => {
    const src = source({ unc: `\\\\127.0.0.1:${samba.port}\\noshare\\App` });
    const e = await failure(src.readFile('USERLIST.DAT'));
    await src.close();
    expect(e.code).toBe('notFound');
    expect(e.message).toBe('share noshare not found on 127.0.0.1');
    expectNoPassword(e, PASSWORD);
  });

  it('reports a missing directory as notFound', async () => {
    const src = source({ unc: samba.uncPath('NoSuchDir') });
    const e = await failure(src.readFile('USERLIST.DAT'));
    await src.close();
    expect(e.code).toBe('notFound');
    expect(e.message).toContain('NoSuchDir');
    expect(e.message).not.toContain('\n');
  });

  it('reads from the share root and from a sub folder', async () => {
    const root = source({ unc: samba.uncPath() });
    const sub = source({ unc: samba.uncPath('App/Sub') });
    try {
      expect(await root.readFile('USERLIST.DAT')).toBeNull();
      expect((await sub.readFile('INNER.TXT'))?.data.toString()).toBe('inner');
    } finally {
      await root.close();
      await sub.close();
    }
  });

  it('fails fast with network on a closed port', async () => {
    const port = await freePort();
    const src = source({ unc: `\\\\127.0.0.1:${port}\\mdapp\\App` });
    const t0 = performance.now();
    const e = await failure(src.readFile('USERLIST.DAT'));
    const ms = performance.now() - t0;
    await src.close();
    expect(e.code).toBe('network');
    expect(e.message).toBe(`nothing accepts SMB connections on 127.0.0.1:${port} (connection refused)`);
    expect(ms).toBeLessThan(1000);
  });

  it('times out in bounded time on a server that accepts and never answers', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((s) => {
      sockets.add(s);
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const src = source({ unc: `\\\\127.0.0.1:${port}\\mdapp\\App`, timeoutMs: 800 });
      const t0 = performance.now();
      const e = await failure(src.readFile('USERLIST.DAT'));
      const ms = performance.now() - t0;
      await src.close();
      expect(e.code).toBe('timeout');
      expect(e.message).toBe(
        `127.0.0.1:${port} accepted the connection but did not answer as an SMB server within 0.8 s`,
      );
      expect(ms).toBeGreaterThanOrEqual(750);
      expect(ms).toBeLessThan(2000);
      expect(sockets.size).toBe(1);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });

  it('measures connect + read of USERLIST.DAT', async () => {
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const src = source();
      const t0 = performance.now();
      const f = await src.readFile('USERLIST.DAT');
      times.push(performance.now() - t0);
      await src.close();
      expect(f?.data.equals(USERLIST)).toBe(true);
    }
    times.sort((a, b) => a - b);
    const median = times[5] ?? 0;
    process.stdout.write(
      `[measure] connect + list + stat + read USERLIST.DAT (new connection each): median ${median.toFixed(1)} ms, min ${(times[0] ?? 0).toFixed(1)} ms, max ${(times[9] ?? 0).toFixed(1)} ms\n`,
    );
    expect(median).toBeLessThan(1000);
  });
});
