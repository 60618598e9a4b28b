/** `mdsync imap-check` with a fake CliIo: flags, stdin password, output and exit status. */
/* eslint-disable @typescript-eslint/require-await -- the fakes implement async interfaces */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImapCheckResult } from '../../../shared/model';
import { defaultSettings, type ImapSettings, type Settings } from '../../../shared/settings';
import { startDovecot, type DovecotServer } from '../../testing/servers/dovecot';
import { exitCodeFor, type CliIo } from '../io';
import { imapCheck, makeImapCheck } from './imap-check';

const SECRET = 'Pa55 "wörd" \\ x';

function fakeIo(stdin: string, dataDir = '/nonexistent/mdsync-test-data') {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    readStdin: async () => stdin,
    env: {},
    defaultDataDir: dataDir,
  };
  return { io, out, err };
}

async function run(cmd: ReturnType<typeof makeImapCheck>, argv: string[], io: CliIo): Promise<number> {
  try {
    return await cmd(argv, io);
  } catch (e) {
    io.stderr(`${(e as Error).message}\n`);
    return exitCodeFor(e);
  }
}

function fakeCommand(result: ImapCheckResult, saved: Partial<ImapSettings> = {}) {
  const calls: Array<{ settings: ImapSettings; user: string; password: string; dataDir?: string }> = [];
  let dataDir = '';
  const cmd = makeImapCheck({
    check: async (settings, user, password) => {
      calls.push({ settings, user, password, dataDir });
      return result;
    },
    loadSettings: (dir): Settings => {
      dataDir = dir;
      const s = defaultSettings();
      return { ...s, imap: { ...s.imap, ...saved } };
    },
  });
  return { cmd, calls, dataDir: () => dataDir };
}

describe('imap-check command', () => {
  it('reads the password from the first stdin line and applies flags over saved settings', async () => {
    const f = fakeCommand({ ok: true, ms: 12 }, { host: 'saved.example', security: 'ssl', port: 1993 });
    const { io, out } = fakeIo(`${SECRET}\nignored\n`);
    const code = await run(
      f.cmd,
      [
        '--user',
        'frank@c.test',
        '--password-stdin',
        '--imap-security',
        'starttls',
        '--ignore-cert',
        '--data-dir',
        '/d',
      ],
      io,
    );
    expect(code).toBe(0);
    expect(f.calls[0]).toMatchObject({ user: 'frank@c.test', password: SECRET });
    expect(f.calls[0]?.settings).toMatchObject({
      host: 'saved.example',
      security: 'starttls',
      port: null,
      ignoreCertificate: true,
    });
    expect(f.dataDir()).toBe('/d');
    expect(out.join('')).toMatch(/^ok: frank@c.test logged on to saved.example:143 in 12 ms\n$/);
    expect(out.join('')).not.toContain(SECRET);
  });

  it('prints the contract JSON; a refusal exits 1, a config problem 2', async () => {
    const refused: ImapCheckResult = {
      ok: false,
      error: { code: 'auth', message: 'refused' },
      ms: 41,
      certificate: { subject: 'CN=x', fingerprint256: 'AB', trusted: false },
    };
    const f = fakeCommand(refused, { host: 'h' });
    const a = fakeIo(SECRET);
    expect(await run(f.cmd, ['--user', 'u', '--password-stdin', '--json'], a.io)).toBe(1);
    expect(JSON.parse(a.out.join(''))).toEqual(refused);
    const g = fakeCommand({
      ok: false,
      error: { code: 'config', message: 'No MDaemon IMAP server is configured' },
      ms: 0,
    });
    const b = fakeIo(SECRET);
    expect(await run(g.cmd, ['--user', 'u', '--password-stdin'], b.io)).toBe(2);
    expect(b.err.join('')).toMatch(/^config: No MDaemon IMAP server/);
  });

  it('bad usage exits 2 without reading a password or contacting a server', async () => {
    const cases = [
      ['--password-stdin'],
      ['--user', 'u'],
      ['--user', 'u', '--password-stdin', '--imap-port', 'x'],
      ['--user', 'u', '--password-stdin', '--imap-port', '70000'],
      ['--user', 'u', '--password-stdin', '--imap-security', 'tls'],
      ['--user', 'u', '--password-stdin', '--fingerprint', 'zz'],
      ['--user', 'u', `--password=${SECRET}`],
      ['--user', 'u', '--password-stdin', 'extra'],
    ];
    for (const argv of cases) {
      const f = fakeCommand({ ok: true, ms: 1 });
      const { io, err } = fakeIo(SECRET);
      expect(await run(f.cmd, argv, io), argv.join(' ')).toBe(2);
      expect(f.calls).toHaveLength(0);
      expect(err.join('')).not.toContain(SECRET);
    }
  });

  it('an empty standard input exits 2', async () => {
    const f = fakeCommand({ ok: true, ms: 1 });
    const { io } = fakeIo('\n');
    expect(await run(f.cmd, ['--user', 'u', '--password-stdin'], io)).toBe(2);
    expect(f.calls).toHaveLength(0);
  });
});

describe('imap-check command against Dovecot', () => {
  let dovecot: DovecotServer;
  beforeAll(async () => {
    dovecot = await startDovecot({ users: [{ email: 'frank@c.test', password: SECRET }] });
  });
  afterAll(async () => {
    await dovecot?.stop();
  });

  it('logs on over IMAP-SSL with a pinned fingerprint, and refuses a wrong password', async () => {
    const argv = [
      '--user',
      'frank@c.test',
      '--password-stdin',
      '--imap-host',
      '127.0.0.1',
      '--imap-port',
      String(dovecot.imapsPort),
      '--imap-security',
      'ssl',
      '--fingerprint',
      dovecot.fingerprint256,
      '--json',
    ];
    const ok = fakeIo(`${SECRET}\n`);
    expect(await run(imapCheck, argv, ok.io)).toBe(0);
    expect(JSON.parse(ok.out.join(''))).toMatchObject({
      ok: true,
      certificate: { fingerprint256: dovecot.fingerprint256, trusted: true },
    });
    const bad = fakeIo('wrong\n');
    expect(await run(imapCheck, argv, bad.io)).toBe(1);
    expect(JSON.parse(bad.out.join(''))).toMatchObject({ ok: false, error: { code: 'auth' } });
  });

  it('an untrusted certificate: exit 1, one line naming its fingerprint', async () => {
    const { io, err, out } = fakeIo(`${SECRET}\n`);
    const code = await run(
      imapCheck,
      [
        '--user',
        'frank@c.test',
        '--password-stdin',
        '--imap-host',
        `127.0.0.1:${dovecot.imapPort}`,
        '--imap-security',
        'starttls',
      ],
      io,
    );
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err.join('').trim().split('\n')).toHaveLength(1);
    expect(err.join('')).toMatch(/^tls: .*self-signed/);
    expect(err.join('')).toContain(dovecot.fingerprint256);
  });
});
