import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Change } from '../../../shared/model';
import { openRemoteClient, type RemoteClient } from './remote-client';
import { parseServerAddress } from './server-address';
import { FAKE_PASSWORD, startFakeService, type FakeService } from './testing/fake-service';
import { selfSignedCertificate, type TestCertificate } from './testing/self-signed';
import { ConnectRefusal } from './verified-socket';

// The remote client against a stand-in of the service's wire protocol (HTTPS + WSS on 127.0.0.1,
// a self-signed certificate). remote-client.int.test.ts runs the same paths against the real one.
const logger = { log: () => undefined };
const retry = { firstMs: 20, maxMs: 100 };
let cert: TestCertificate;
let fake: FakeService;
const clients: RemoteClient[] = [];

beforeAll(async () => {
  cert = selfSignedCertificate();
  fake = await startFakeService(cert);
});
afterAll(() => fake.close());
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

function open(
  pin: string | null,
  events: [string, unknown][] = [],
  extra: { ca?: string[]; onStopped?: (r: ConnectRefusal) => void } = {},
) {
  return openRemoteClient({
    target: parseServerAddress(`127.0.0.1:${fake.port}`),
    pin: () => pin,
    onEvent: (e, p) => events.push([e, p]),
    logger,
    retry,
    timeoutMs: 3000,
    ...extra,
  }).then((c) => {
    clients.push(c);
    return c;
  });
}

async function refusal(p: Promise<unknown>): Promise<ConnectRefusal> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ConnectRefusal) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

async function until(cond: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('remote client: certificates', () => {
  it('refuses an untrusted self-signed certificate with its fingerprint, before sending anything', async () => {
    const before = { bytes: fake.log.bytes, requests: fake.log.requests.length, tcp: fake.log.tcpConnections };
    const r = await refusal(open(null));
    expect(r.state).toBe('untrusted');
    expect(r.fingerprint256).toBe(cert.fingerprint256);
    expect(r.subject).toContain('CN=mdsync test');
    expect(r.message).toBe(
      `the certificate of 127.0.0.1:${fake.port} is self-signed (SHA-256 ${cert.fingerprint256}): trust it only if it is the fingerprint your mdsync server printed`,
    );
    await until(() => fake.log.tcpConnections > before.tcp);
    await new Promise((r) => setTimeout(r, 200)); // anything sent would have arrived by now
    expect(fake.log.bytes).toBe(before.bytes);
    expect(fake.log.requests.length).toBe(before.requests);
  });

  it('accepts exactly the pinned certificate and refuses another one, saying it changed', async () => {
    const client = await open(cert.fingerprint256);
    expect(client.connected()).toBe(true);
    const other = selfSignedCertificate().fingerprint256;
    const r = await refusal(open(other));
    expect(r.state).toBe('changed');
    expect(r.message).toContain(
      `the certificate of 127.0.0.1:${fake.port} changed since you trusted it (was ${other}, now ${cert.fingerprint256})`,
    );
  });

  it('accepts a certificate that verifies without a pin', async () => {
    const client = await open(null, [], { ca: [cert.cert] });
    const info = await client.invoke('app:info', {});
    expect(info).toMatchObject({ ok: true, value: { name: 'mdsync' } });
  });

  it('says so in one line when nothing listens', async () => {
    const r = await refusal(
      openRemoteClient({
        target: parseServerAddress('127.0.0.1:1'),
        pin: () => null,
        onEvent: () => undefined,
        logger,
      }),
    );
    expect(r.state).toBe('unreachable');
    expect(r.message).toBe('127.0.0.1:1 refused the connection: is mdsync server running there?');
  });
});

describe('remote client: calls, sessions and events', () => {
  it('logs on over POST, then calls over the WebSocket with the session; logoff ends it', async () => {
    const client = await open(cert.fingerprint256);
    expect(await client.invoke('users:list', {})).toMatchObject({ ok: false, error: { code: 'notLoggedOn' } });

    const wrong = await client.invoke('auth:logon', { userName: 'admin', password: 'wrong' });
    expect(wrong).toMatchObject({ ok: true, value: { ok: false, reason: 'invalidCredentials' } });
    const mark = fake.log.requests.length;
    const logon = await client.invoke('auth:logon', { userName: 'admin', password: FAKE_PASSWORD });
    expect(logon).toMatchObject({ ok: true, value: { ok: true, user: { userName: 'admin' } } });
    const after = fake.log.requests.slice(mark);
    expect(after[0]).toEqual({
      method: 'POST',
      path: '/api/call',
      host: `127.0.0.1:${fake.port}`,
      origin: `https://127.0.0.1:${fake.port}`,
      auth: '',
    });
    expect(after[1]).toMatchObject({ method: 'GET', path: '/api', auth: 'bearer' });

    expect(await client.invoke('users:list', { x: 1 })).toMatchObject({ ok: true, value: [{ userName: 'admin' }] });
    expect(await client.invoke('auth:session', {})).toMatchObject({ ok: true, value: { userName: 'admin' } });

    const logoffMark = fake.log.requests.length;
    expect(await client.invoke('auth:logoff', {})).toEqual({ ok: true, value: { done: true } });
    expect(fake.log.requests[logoffMark]).toMatchObject({ method: 'POST', auth: 'cookie' });
    expect(await client.invoke('auth:session', {})).toEqual({ ok: true, value: null });
  });

  it('logs off on the server when the client is closed with a session open', async () => {
    const client = await open(cert.fingerprint256);
    await client.invoke('auth:logon', { userName: 'admin', password: FAKE_PASSWORD });
    const mark = fake.log.requests.length;
    client.close();
    await until(() => fake.log.requests.length > mark);
    expect(fake.log.requests[mark]).toMatchObject({ method: 'POST', path: '/api/call', auth: 'cookie' });
  });

  it("answers a past run's first page and re-emits pushed events", async () => {
    const events: [string, unknown][] = [];
    const client = await open(cert.fingerprint256, events);
    await client.invoke('auth:logon', { userName: 'admin', password: FAKE_PASSWORD });
    const opened = await client.invoke('history:open', { runId: 1 });
    expect(opened.ok).toBe(true);
    const kept = (opened as { value: { results: string; first: { rows: Change[]; total: number } } }).value;
    expect(kept.results).toBe('kept-1');
    expect(kept.first.total).toBe(600);
    expect(kept.first.rows).toHaveLength(100);
    expect(kept.first.rows[99]).toEqual({
      action: 'create',
      userName: 'u99@example.com',
      fullName: 'User 99',
      emailAddresses: ['u99@example.com'],
      reason: 'new in MDaemon',
    });
    fake.push('sync:progress', { phase: 'read', done: 1, total: 2 });
    await until(() => events.length > 0);
    expect(events[0]).toEqual(['sync:progress', { phase: 'read', done: 1, total: 2 }]);
  });

  it('passes on session:ended and goes on anonymously', async () => {
    const events: [string, unknown][] = [];
    const client = await open(cert.fingerprint256, events);
    await client.invoke('auth:logon', { userName: 'admin', password: FAKE_PASSWORD });
    fake.endSessions('your account was deleted');
    await until(() => events.some(([e]) => e === 'session:ended'));
    expect(events).toContainEqual(['session:ended', { reason: 'your account was deleted' }]);
    await until(async () => (await client.invoke('auth:session', {})).ok);
    expect(await client.invoke('users:list', {})).toMatchObject({ ok: false, error: { code: 'notLoggedOn' } });
  });
});

describe('remote client: the service restarts', () => {
  it('fails calls in one line during the outage, reconnects, and ends the session the service refused', async () => {
    fake.refuseUnknownBearer = true;
    const events: [string, unknown][] = [];
    const client = await open(cert.fingerprint256, events);
    await client.invoke('auth:logon', { userName: 'admin', password: FAKE_PASSWORD });
    await fake.stop();
    await until(() => !client.connected());
    const during = await client.invoke('app:info', {});
    expect(during).toEqual({
      ok: false,
      error: {
        code: 'disconnected',
        message: `127.0.0.1:${fake.port} refused the connection: is mdsync server running there?`,
      },
    });
    await fake.restart();
    await until(() => client.connected());
    expect(events).toContainEqual([
      'session:ended',
      { reason: 'the mdsync server ended your session (it may have restarted); log on again' },
    ]);
    expect(await client.invoke('app:info', {})).toMatchObject({ ok: true });
    expect(await client.invoke('auth:session', {})).toEqual({ ok: true, value: null });
    fake.refuseUnknownBearer = false;
  });

  it('ends the session a restarted service serves anonymously, and says so once', async () => {
    const events: [string, unknown][] = [];
    const client = await open(cert.fingerprint256, events);
    await client.invoke('auth:logon', { userName: 'admin', password: FAKE_PASSWORD });
    await fake.restart();
    await until(() => events.length > 0);
    expect(events).toEqual([
      [
        'session:ended',
        { reason: 'the mdsync server no longer knows your session (it may have restarted); log on again' },
      ],
    ]);
    expect(client.connected()).toBe(true);
    expect(await client.invoke('auth:session', {})).toEqual({ ok: true, value: null });
    const again = await client.invoke('auth:logon', { userName: 'admin', password: FAKE_PASSWORD });
    expect(again).toMatchObject({ ok: true, value: { ok: true } });
    expect(await client.invoke('users:list', {})).toMatchObject({ ok: true });
  });

  it('stops for good when the restarted service presents another certificate', async () => {
    const stopped: ConnectRefusal[] = [];
    const client = await open(cert.fingerprint256, [], { onStopped: (r) => stopped.push(r) });
    const next = selfSignedCertificate();
    await fake.restart(next);
    await until(() => stopped.length > 0);
    expect(stopped[0]!.state).toBe('changed');
    const call = await client.invoke('app:info', {});
    expect(call).toMatchObject({ ok: false, error: { code: 'certificateChanged' } });
    expect(!call.ok && call.error.message).toContain(`now ${next.fingerprint256}`);
    await fake.restart(cert);
  });
});
