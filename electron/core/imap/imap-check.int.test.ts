/** checkImapLogin against a real Dovecot (and a few scripted servers) on 127.0.0.1. */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImapSettings } from '../../../shared/settings';
import { startDovecot, type DovecotServer } from '../../testing/servers/dovecot';
import { startSilentServer, type SilentServer } from '../../testing/servers/silent-server';
import { freePort } from '../../testing/servers/free-port';
import { createCheckPool } from './check-pool';
import { checkImapLogin, leanSession } from './imap-check';
import { startFakeImapServer } from './testing/fake-imap-server';

const USER = 'frank@example.com';
const PASSWORD = 'Frank-Pa55word';
const SPECIAL = [
  ['spaces', 'with some spaces '],
  ['double quotes', 'say "hello"'],
  ['single quotes', "it's"],
  ['backslashes', 'back\\slash\\\\'],
  ['umlauts', 'Grüße aus Köln ÄÖÜß'],
  ['colon, braces and wildcards', 'a:b {3} %*'],
] as const;

let dovecot: DovecotServer;
let silent: SilentServer;

function settings(over: Partial<ImapSettings>): ImapSettings {
  return ImapSettings.parse({ host: '127.0.0.1', ...over });
}

function socketCount(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'TLSWrap').length;
}

beforeAll(async () => {
  dovecot = await startDovecot({
    users: [
      { email: USER, password: PASSWORD },
      ...SPECIAL.map(([, pw], i) => ({ email: `special${i}@example.com`, password: pw })),
    ],
    loginDisabledForwarder: true,
  });
  silent = await startSilentServer();
});

afterAll(async () => {
  await silent?.stop();
  await dovecot?.stop();
});

describe('the three connection security modes', () => {
  it('unencrypted: right password ok, no certificate; wrong password and unknown user are auth', async () => {
    const s = settings({ port: dovecot.imapPort, security: 'none' });
    const ok = await checkImapLogin(s, USER, PASSWORD);
    expect(ok).toMatchObject({ ok: true });
    expect(ok.certificate).toBeUndefined();
    expect(ok.ms).toBeGreaterThan(0);
    const wrong = await checkImapLogin(s, USER, 'not-it');
    expect(wrong.ok).toBe(false);
    expect(wrong.error?.code).toBe('auth');
    expect(wrong.error?.message).toMatch(/honor APOP & CRAM-MD5/);
    const unknown = await checkImapLogin(s, 'nobody@example.com', PASSWORD);
    expect(unknown.error?.code).toBe('auth');
  });

  it('IMAP-TLS (STARTTLS) with the pinned certificate: ok and trusted; wrong password is auth', async () => {
    const s = settings({ port: dovecot.imapPort, security: 'starttls', pinnedFingerprint256: dovecot.fingerprint256 });
    const ok = await checkImapLogin(s, USER, PASSWORD);
    expect(ok).toMatchObject({
      ok: true,
      certificate: { subject: 'CN=localhost', fingerprint256: dovecot.fingerprint256, trusted: true },
    });
    const wrong = await checkImapLogin(s, USER, 'nope');
    expect(wrong.error?.code).toBe('auth');
  });

  it('IMAP-SSL with the pinned certificate: ok and trusted; wrong password is auth', async () => {
    const s = settings({
      port: dovecot.imapsPort,
      security: 'ssl',
      pinnedFingerprint256: dovecot.fingerprint256.toLowerCase().replaceAll(':', ''),
    });
    const ok = await checkImapLogin(s, USER, PASSWORD);
    expect(ok).toMatchObject({ ok: true, certificate: { fingerprint256: dovecot.fingerprint256, trusted: true } });
    const wrong = await checkImapLogin(s, USER, 'nope');
    expect(wrong.error?.code).toBe('auth');
    expect(wrong.certificate?.trusted).toBe(true);
  });

  it('IMAP-SSL on an unencrypted port is a tls error', async () => {
    const r = await checkImapLogin(settings({ port: dovecot.imapPort, security: 'ssl' }), USER, PASSWORD);
    expect(r.error?.code).toBe('tls');
  });
});

/** A TCP relay to `port` that records what clients send, line by line. */
async function recordingRelay(port: number): Promise<{ port: number; lines: string[]; stop(): Promise<void> }> {
  const lines: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(port, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => (client.destroy(), upstream.destroy()));
    }
    let buffer = '';
    client.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      let end: number;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        lines.push(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
      }
      upstream.write(chunk);
    });
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    lines,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('what a check sends', () => {
  it('the logon and LOGOUT, nothing else (no ID, no NAMESPACE): one round trip for each', async () => {
    expect(leanSession).toBe(true);
    const relay = await recordingRelay(dovecot.imapPort);
    try {
      for (const [loginMethod, logon] of [
        ['login', /^\w+ LOGIN "frank@example\.com" "Frank-Pa55word"$/],
        ['plain', /^\w+ AUTHENTICATE PLAIN$/],
      ] as const) {
        relay.lines.length = 0;
        const r = await checkImapLogin(settings({ port: relay.port, security: 'none', loginMethod }), USER, PASSWORD);
        expect(r).toMatchObject({ ok: true });
        const commands = relay.lines.filter((l) => /^\w+ [A-Z]/.test(l));
        expect(commands).toHaveLength(2);
        expect(commands[0]).toMatch(logon);
        expect(commands[1]).toMatch(/^\w+ LOGOUT$/);
      }
    } finally {
      await relay.stop();
    }
  });
});

describe('certificates', () => {
  for (const [security, port] of [
    ['starttls', () => dovecot.imapPort],
    ['ssl', () => dovecot.imapsPort],
  ] as const) {
    it(`${security}: an untrusted self-signed certificate is refused, and reported`, async () => {
      const r = await checkImapLogin(settings({ port: port(), security }), USER, PASSWORD);
      expect(r.ok).toBe(false);
      expect(r.error?.code).toBe('tls');
      expect(r.error?.message).toMatch(/self-signed/);
      expect(r.error?.message).toContain(dovecot.fingerprint256);
      expect(r.certificate).toEqual({
        subject: 'CN=localhost',
        fingerprint256: dovecot.fingerprint256,
        trusted: false,
      });
    });

    it(`${security}: "ignore certificate" accepts it (reported as not trusted)`, async () => {
      const r = await checkImapLogin(settings({ port: port(), security, ignoreCertificate: true }), USER, PASSWORD);
      expect(r).toMatchObject({ ok: true, certificate: { fingerprint256: dovecot.fingerprint256, trusted: false } });
    });

    it(`${security}: a different pinned fingerprint is refused, even with "ignore certificate"`, async () => {
      const other = 'AB:'.repeat(31) + 'AB';
      const r = await checkImapLogin(
        settings({ port: port(), security, pinnedFingerprint256: other, ignoreCertificate: true }),
        USER,
        PASSWORD,
      );
      expect(r.error?.code).toBe('tls');
      expect(r.error?.message).toMatch(/not the trusted one/);
      expect(r.certificate).toMatchObject({ fingerprint256: dovecot.fingerprint256, trusted: false });
    });
  }
});

describe('STARTTLS is required, never skipped', () => {
  it('a server without STARTTLS is a tls error, and no LOGIN or AUTHENTICATE was sent', async () => {
    const fake = await startFakeImapServer('IMAP4rev1 AUTH=PLAIN');
    try {
      const r = await checkImapLogin(
        settings({ port: fake.port, security: 'starttls', ignoreCertificate: true }),
        USER,
        PASSWORD,
      );
      expect(r.error?.code).toBe('tls');
      expect(r.error?.message).toMatch(/does not offer STARTTLS/);
      expect(fake.received.join('\n')).not.toMatch(/LOGIN|AUTHENTICATE/i);
      expect(fake.received.join('\n')).not.toContain(PASSWORD);
      expect(fake.received.join('\n')).not.toContain(Buffer.from(PASSWORD).toString('base64'));
    } finally {
      await fake.stop();
    }
  });

  it('unencrypted mode never upgrades on its own', async () => {
    // Dovecot offers STARTTLS; in "none" mode no certificate is met, so none is reported.
    const r = await checkImapLogin(settings({ port: dovecot.imapPort, security: 'none' }), USER, PASSWORD);
    expect(r.ok).toBe(true);
    expect(r.certificate).toBeUndefined();
  });
});

describe('a server that refuses plaintext logins (LOGINDISABLED)', () => {
  it('unencrypted: a tls error that says to use IMAP-TLS', async () => {
    const r = await checkImapLogin(settings({ port: dovecot.loginDisabled!.port, security: 'none' }), USER, PASSWORD);
    expect(r.error?.code).toBe('tls');
    expect(r.error?.message).toMatch(/LOGINDISABLED.*IMAP-TLS/);
  });

  it('IMAP-TLS through the same port logs in', async () => {
    const r = await checkImapLogin(
      settings({ port: dovecot.loginDisabled!.port, security: 'starttls', ignoreCertificate: true }),
      USER,
      PASSWORD,
    );
    expect(r.ok).toBe(true);
  });
});

describe('network and deadlines', () => {
  it('a closed port is a network error', async () => {
    const port = await freePort();
    const r = await checkImapLogin(settings({ port }), USER, PASSWORD);
    expect(r.error?.code).toBe('network');
    expect(r.error?.message).toMatch(/connection refused/);
  });

  for (const security of ['none', 'starttls', 'ssl'] as const) {
    it(`a silent server (${security}) times out in bounded time`, async () => {
      const r = await checkImapLogin(
        settings({ port: silent.port, security, connectTimeoutMs: 300, greetingTimeoutMs: 300, totalTimeoutMs: 2000 }),
        USER,
        PASSWORD,
      );
      expect(r.error?.code).toBe('timeout');
      expect(r.ms).toBeGreaterThanOrEqual(250);
      expect(r.ms).toBeLessThan(5000);
    });
  }

  it('the total limit bounds a check even when the phase limits are longer', async () => {
    const r = await checkImapLogin(
      settings({
        port: silent.port,
        security: 'ssl',
        connectTimeoutMs: 60000,
        greetingTimeoutMs: 60000,
        totalTimeoutMs: 400,
      }),
      USER,
      PASSWORD,
    );
    expect(r.error?.code).toBe('timeout');
    expect(r.error?.message).toMatch(/did not finish within 400 ms/);
    expect(r.ms).toBeLessThan(5000);
  });

  it('leaves no socket open after successes and failures', async () => {
    const before = socketCount();
    await checkImapLogin(settings({ port: dovecot.imapPort }), USER, PASSWORD);
    await checkImapLogin(settings({ port: dovecot.imapPort }), USER, 'wrong');
    await checkImapLogin(settings({ port: dovecot.imapsPort, security: 'ssl' }), USER, PASSWORD);
    await checkImapLogin(
      settings({ port: dovecot.imapPort, security: 'starttls', ignoreCertificate: true }),
      USER,
      PASSWORD,
    );
    const deadline = Date.now() + 3000;
    while (socketCount() > before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(socketCount()).toBeLessThanOrEqual(before);
  });
});

describe('passwords and login methods', () => {
  for (const [i, [what, pw]] of SPECIAL.entries()) {
    it(`a password with ${what} works, and only that password`, async () => {
      const s = settings({ port: dovecot.imapsPort, security: 'ssl', ignoreCertificate: true });
      expect((await checkImapLogin(s, `special${i}@example.com`, pw)).ok).toBe(true);
      expect((await checkImapLogin(s, `special${i}@example.com`, `${pw}x`)).error?.code).toBe('auth');
    });
  }

  for (const method of ['login', 'plain'] as const) {
    it(`forced ${method.toUpperCase()} logs in with special characters and refuses wrong passwords`, async () => {
      const s = settings({ port: dovecot.imapPort, loginMethod: method });
      const [, pw] = SPECIAL[4];
      expect((await checkImapLogin(s, 'special4@example.com', pw)).ok).toBe(true);
      expect((await checkImapLogin(s, 'special4@example.com', 'wrong')).error?.code).toBe('auth');
    });
  }

  for (const [what, pw] of [
    ['empty', ''],
    ['CR', 'a\rb'],
    ['LF', 'a\nb'],
    ['NUL', 'a\0b'],
  ] as const) {
    it(`an ${what} password is a config error, and the server is not contacted`, async () => {
      const r = await checkImapLogin(settings({ port: silent.port }), USER, pw);
      expect(r.error?.code).toBe('config');
      expect(r.ms).toBeLessThan(1000);
    });
  }

  it('not contacting the server: the silent server saw none of those', async () => {
    const before = silent.accepted();
    await checkImapLogin(settings({ port: silent.port }), USER, 'x\ny');
    expect(silent.accepted()).toBe(before);
  });

  it('no result message ever holds the password', async () => {
    const secret = 'Sup3r"Secret\\Grüße';
    const results = [
      await checkImapLogin(settings({ port: dovecot.imapPort }), USER, secret),
      await checkImapLogin(settings({ port: dovecot.imapPort, security: 'starttls' }), USER, secret),
      await checkImapLogin(settings({ port: dovecot.imapsPort, security: 'ssl' }), USER, secret),
      await checkImapLogin(settings({ port: dovecot.imapPort, security: 'ssl' }), USER, secret),
      await checkImapLogin(settings({ port: dovecot.loginDisabled!.port }), USER, secret),
      await checkImapLogin(settings({ port: await freePort() }), USER, secret),
      await checkImapLogin(
        settings({ port: silent.port, connectTimeoutMs: 200, greetingTimeoutMs: 200 }),
        USER,
        secret,
      ),
      await checkImapLogin(settings({ port: dovecot.imapPort }), USER, `${secret}\n`),
    ];
    for (const r of results) {
      expect(r.ok).toBe(false);
      expect(JSON.stringify(r)).not.toContain('Secret');
    }
  });
});

describe("the network service's check workers (dist/imap-worker.cjs)", () => {
  const script = path.resolve(__dirname, '../../../dist/imap-worker.cjs');

  it('check in a worker thread exactly as on this thread: every mode, the certificate, wrong passwords', async () => {
    expect(fs.existsSync(script), `${script} is built by npm run build`).toBe(true);
    const problems: string[] = [];
    const pool = createCheckPool({
      script,
      size: 2,
      onProblem: (m) => problems.push(m),
      fallback: () => Promise.reject(new Error('the worker must run the checks')),
    });
    try {
      const modes = [
        settings({ port: dovecot.imapPort, security: 'none' }),
        settings({ port: dovecot.imapPort, security: 'starttls', pinnedFingerprint256: dovecot.fingerprint256 }),
        settings({ port: dovecot.imapsPort, security: 'ssl', pinnedFingerprint256: dovecot.fingerprint256 }),
      ];
      const strip = ({ ms, ...rest }: { ms: number }) => (expect(ms).toBeGreaterThanOrEqual(0), rest);
      for (const s of modes) {
        const [inWorker, wrong, here] = await Promise.all([
          pool.check(s, USER, PASSWORD),
          pool.check(s, USER, 'not-it'),
          checkImapLogin(s, USER, PASSWORD),
        ]);
        expect(inWorker.ok).toBe(true);
        expect(strip(inWorker)).toEqual(strip(here));
        expect(wrong).toMatchObject({ ok: false, error: { code: 'auth' } });
      }
      const untrusted = await pool.check(settings({ port: dovecot.imapsPort, security: 'ssl' }), USER, PASSWORD);
      expect(untrusted).toMatchObject({
        ok: false,
        error: { code: 'tls' },
        certificate: { fingerprint256: dovecot.fingerprint256, trusted: false },
      });
      expect(problems).toEqual([]);
    } finally {
      await pool.close();
    }
  });
});
