/**
 * The logon throttle on the real service, with clients on several loopback source addresses
 * (all of 127/8 is loopback): concurrent guesses are all counted, guesses from elsewhere do not
 * lock a user out at its own address, a password change is throttled, and `mdsync users unlock`
 * reaches the running service.
 */
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logOnSocket } from './testing/logon';
import { cli, pinned, prepareDataDir, startService, type ServiceProcess } from './testing/service-process';

const ADMIN_PW = 'Admin-Pass-1 throttle';
const BOB_PW = 'Bob-Pass-1 throttle';
let service: ServiceProcess;
let dataDir: string;

interface Answer {
  ok: boolean;
  reason?: string;
  retryAfterSeconds?: number;
  user?: { userName: string };
}

/** `auth:logon` from a source address; resolves with the answer and the Set-Cookie lines. */
function logonFrom(
  from: string,
  userName: string,
  password: string,
  cookie?: string,
): Promise<{ answer: Answer; cookies: string[]; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port: service.port,
        method: 'POST',
        path: '/api/call',
        localAddress: from,
        agent: false,
        headers: { 'content-type': 'application/json', origin: service.origin, ...(cookie ? { cookie } : {}) },
        ...pinned(service),
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString('utf8')));
        res.on('end', () => {
          const parsed = JSON.parse(body) as { result: { value: Answer } };
          resolve({ answer: parsed.result.value, cookies: res.headers['set-cookie'] ?? [], ms: Date.now() - started });
        });
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ id: 1, channel: 'auth:logon', input: { userName, password } }));
  });
}

const log = () => fs.readFileSync(path.join(dataDir, 'mdsync.log'), 'utf8');
const count = (re: RegExp) => log().match(new RegExp(re.source, 'g'))?.length ?? 0;

beforeAll(async () => {
  dataDir = prepareDataDir(ADMIN_PW, BOB_PW);
  service = await startService(dataDir);
}, 120_000);

afterAll(async () => {
  expect(await service?.stop('SIGTERM')).toBe(0);
  fs.rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('the logon throttle', () => {
  it('counts 40 concurrent wrong logons as 40: at most 10 are checked, then the pair is locked; unlock clears it', async () => {
    const all = await Promise.all(
      Array.from({ length: 40 }, (_, i) => logonFrom('127.0.0.5', 'bob', `Wrong-${i}-concurrent`)),
    );
    expect(all.every((r) => !r.answer.ok)).toBe(true);
    expect(count(/logon refused for "bob" from 127\.0\.0\.5: wrong password/)).toBeLessThanOrEqual(10);
    for (const r of all.filter((x) => x.answer.reason === 'busy'))
      expect(r.answer.retryAfterSeconds).toBeGreaterThan(0);
    const locked = await logonFrom('127.0.0.5', 'bob', BOB_PW);
    expect(locked.answer).toMatchObject({ ok: false, reason: 'lockedOut' });
    expect(locked.answer.retryAfterSeconds).toBeGreaterThan(60);

    expect(cli(['users', 'unlock', 'bob', '--data-dir', dataDir]).status).toBe(0);
    expect((await logonFrom('127.0.0.5', 'bob', BOB_PW)).answer).toMatchObject({ ok: true });
    expect(log()).not.toContain('-concurrent');
  }, 120_000);

  it('wrong passwords for admin from other addresses do not stop admin at its own address', async () => {
    const first = await logonFrom('127.0.0.1', 'admin', ADMIN_PW);
    expect(first.answer).toMatchObject({ ok: true });
    const device = first.cookies.find((c) => c.startsWith('__Host-mdsync_device='));
    expect(device).toMatch(/; HttpOnly; Secure; SameSite=Strict; Path=\/; Max-Age=\d+$/);
    for (const from of ['127.0.0.2', '127.0.0.3']) {
      await Promise.all(Array.from({ length: 12 }, (_, i) => logonFrom(from, 'admin', `Guess-${i}-admin`)));
      expect((await logonFrom(from, 'admin', ADMIN_PW)).answer).toMatchObject({ reason: 'lockedOut' });
    }
    // A stranger keeps one guess running while admin logs on from its own, known device.
    const guessing = logonFrom('127.0.0.4', 'admin', 'Guess-running-admin');
    const mine = await logonFrom('127.0.0.1', 'admin', ADMIN_PW, device!.split(';')[0]);
    expect(mine.answer).toMatchObject({ ok: true });
    expect(mine.ms).toBeLessThan(2000);
    await guessing;
    // Without the device cookie: a bounded slowdown, never a lock-out.
    const stranger = await logonFrom('127.0.0.6', 'admin', ADMIN_PW);
    expect(stranger.answer).toMatchObject({ ok: true });
  }, 180_000);

  it("guesses from admin's own address (one NAT, a proxy on the host) do not lock admin out of its known device", async () => {
    const here = '127.0.0.10';
    const first = await logonFrom(here, 'admin', ADMIN_PW);
    const device = first.cookies.find((c) => c.startsWith('__Host-mdsync_device='))!.split(';')[0];
    // Someone else behind the same address: guesses for admin, then a spray of names.
    await Promise.all(Array.from({ length: 12 }, (_, i) => logonFrom(here, 'admin', `Guess-${i}-nat`)));
    for (let round = 0; round < 2; round++) {
      await Promise.all(Array.from({ length: 15 }, (_, i) => logonFrom(here, `spray-${round}-${i}`, 'Guess-nat')));
    }
    expect(log()).toMatch(/logons from 127\.0\.0\.10 locked for 5 minutes/);
    expect((await logonFrom(here, 'admin', ADMIN_PW)).answer).toMatchObject({ ok: false, reason: 'lockedOut' });
    const mine = await logonFrom(here, 'admin', ADMIN_PW, device);
    expect(mine.answer).toMatchObject({ ok: true });
  }, 120_000);

  it('a Directory Services user while MDaemon cannot check is slowed down like an unknown name: the throttle tells nothing', async () => {
    const args = ['users', 'add', 'dave', '--auth', 'directoryServices', '--email', 'dave@example.com'];
    expect(cli([...args, '--privilege', 'login', '--data-dir', dataDir]).status).toBe(0);
    // No MDaemon IMAP server is configured: dave's password cannot be checked, and nobody-here is nobody.
    const guesses = (name: string, from: string) =>
      (async () => {
        const reasons: (string | undefined)[] = [];
        for (let i = 0; i < 5; i++) reasons.push((await logonFrom(from, name, `Guess-${i}-oracle`)).answer.reason);
        return reasons;
      })();
    const [dave, nobody] = await Promise.all([guesses('dave', '127.0.0.7'), guesses('nobody-here', '127.0.0.8')]);
    expect(dave).toEqual(nobody);
    const delays = (name: string) =>
      log().match(new RegExp(`logon of "${name}" from 127\\.0\\.0\\.\\d delayed \\d+ ms`, 'g'));
    expect(delays('nobody-here')?.length).toBeGreaterThan(0);
    expect(delays('dave')?.map((l) => l.replace('dave', 'nobody-here').replace('.7 ', '.8 '))).toEqual(
      delays('nobody-here'),
    );
    expect(log()).toMatch(/logon refused for "dave" from 127\.0\.0\.7: Directory Services user, but no MDaemon/);
  }, 120_000);

  it('auth:change-password is throttled and logged like a logon', async () => {
    const args = ['users', 'set-privileges', 'bob', '--privilege', 'login', '--privilege', 'changePassword'];
    expect(cli([...args, '--data-dir', dataDir]).status).toBe(0);
    const bob = await logOnSocket(service, 'bob', BOB_PW);
    const results = await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        bob.call('auth:change-password', { current: `Wrong-${i}-current`, next: 'Brand-New-Key-1' }),
      ),
    );
    const answers = results.map((r) => (r.ok ? 'ok' : (r.error?.code ?? '?')));
    expect(answers).not.toContain('ok');
    expect(answers).toContain('lockedOut');
    const right = await bob.call('auth:change-password', { current: BOB_PW, next: 'Brand-New-Key-1' });
    expect(right).toMatchObject({ ok: false, error: { code: 'lockedOut' } });
    expect(log()).toMatch(/password change refused for "bob" from 127\.0\.0\.1: wrong password/);
    expect(log()).not.toContain('-current');
    bob.ws.close();
  }, 180_000);
});
