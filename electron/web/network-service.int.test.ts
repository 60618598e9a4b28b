/**
 * The network service as a real process (`dist/cli.cjs server`) on 127.0.0.1 and a free port:
 * TLS, the fingerprint it prints, sessions and their end, access levels, Host/Origin checks,
 * message limits, the logon throttle across connections, and a clean stop.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPoolSize } from '../core/imap/check-pool';
import {
  callHttp,
  logOn,
  openBridge,
  pinned,
  prepareDataDir,
  request,
  startService,
  type ServiceProcess,
} from './testing/service-process';

const ADMIN_PW = 'Admin-Pass-1 service';
const BOB_PW = 'Bob-Pass-1 service';
let service: ServiceProcess;
let dataDir: string;

beforeAll(async () => {
  dataDir = prepareDataDir(ADMIN_PW, BOB_PW);
  service = await startService(dataDir);
}, 120_000);

afterAll(async () => {
  const code = await service?.stop('SIGTERM');
  expect(code).toBe(0);
  fs.rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('the network service', () => {
  it('serves the certificate whose fingerprint it printed, with the key readable by the owner only', async () => {
    const served = await new Promise<string>((resolve, reject) => {
      const socket = tls.connect({ host: '127.0.0.1', port: service.port, ...pinned(service) }, () => {
        resolve(socket.getPeerCertificate().fingerprint256);
        socket.end();
      });
      socket.on('error', reject);
    });
    expect(served).toBe(service.fingerprint);
    if (process.platform !== 'win32') {
      expect(fs.statSync(path.join(dataDir, 'tls', 'server.key')).mode & 0o077).toBe(0);
    }
  });

  it('checks logons against MDaemon in a worker thread beside the thread that answers requests (two cores or more)', () => {
    const log = fs.readFileSync(path.join(dataDir, 'mdsync.log'), 'utf8');
    if (defaultPoolSize() === 1) expect(log).toContain('logons are checked against MDaemon in 1 worker thread');
    else expect(log).not.toContain('logons are checked against MDaemon in');
    expect(log).not.toMatch(/IMAP check worker/);
  });

  it('does not serve plain HTTP on its port', async () => {
    const outcome = await new Promise<string>((resolve) => {
      const req = http.get({ host: '127.0.0.1', port: service.port, path: '/' }, (res) => {
        res.resume();
        resolve(`status ${res.statusCode}`);
      });
      req.on('error', (err: NodeJS.ErrnoException) => resolve(`error ${err.code ?? err.message}`));
    });
    expect(outcome).toMatch(/^error /);
  });

  it('serves the logon page and app information to anyone, nothing else before logon', async () => {
    const page = await request(service, { path: '/' });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain(`wss://127.0.0.1:${service.port}`);
    const anon = await openBridge(service);
    const info = await anon.call('app:info');
    expect(info).toMatchObject({ ok: true, value: { mode: 'server' } });
    expect(await anon.call('archive:mine')).toMatchObject({ ok: false, error: { code: 'notLoggedOn' } });
    expect(await anon.call('users:list')).toMatchObject({ ok: false, error: { code: 'notLoggedOn' } });
    expect(await anon.call('auth:logon', { userName: 'admin', password: ADMIN_PW })).toMatchObject({
      ok: false,
      error: { code: 'useHttp' },
    });
    anon.ws.close();
  });

  it('a logon sets a Secure, HttpOnly, SameSite=Strict __Host- cookie; a plain user gets no admin channel', async () => {
    const res = await callHttp(service, 'auth:logon', { userName: 'bob', password: BOB_PW });
    expect(JSON.parse(res.body)).toMatchObject({
      result: { ok: true, value: { ok: true, user: { userName: 'bob' } } },
    });
    const setCookie = res.headers['set-cookie']?.[0] ?? '';
    expect(setCookie).toMatch(/^__Host-mdsync_session=[A-Za-z0-9_-]{43}; HttpOnly; Secure; SameSite=Strict; Path=\/$/);
    const cookie = setCookie.split(';')[0]!;
    const bob = await openBridge(service, { cookie });
    expect(await bob.call('auth:session')).toMatchObject({ ok: true, value: { userName: 'bob' } });
    expect(await bob.call('archive:mine')).toMatchObject({ ok: true });
    expect(await bob.call('users:list')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await bob.call('settings:get')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    bob.ws.close();
    // A second logon gets a new id: an id known before logon is never promoted (no fixation).
    expect(await logOn(service, 'bob', BOB_PW)).not.toBe(cookie);
  });

  it('the same session id works as a bearer for clients without a browser', async () => {
    const cookie = await logOn(service, 'admin', ADMIN_PW);
    const desktop = await openBridge(service, { bearer: cookie.split('=')[1]!, origin: null });
    expect(await desktop.call('users:list')).toMatchObject({ ok: true });
    desktop.ws.close();
    await expect(openBridge(service, { origin: null })).rejects.toThrow('HTTP 403');
  });

  it('Log off ends the session on the server, for every socket of it', async () => {
    const cookie = await logOn(service, 'admin', ADMIN_PW);
    const other = await openBridge(service, { cookie });
    expect(await other.call('users:list')).toMatchObject({ ok: true });
    const res = await callHttp(service, 'auth:logoff', {}, cookie);
    expect(res.headers['set-cookie']?.[0]).toMatch(/^__Host-mdsync_session=; .*Max-Age=0/);
    expect(await other.call('users:list')).toMatchObject({ ok: false, error: { code: 'notLoggedOn' } });
    expect(other.events).toContainEqual({ event: 'session:ended', payload: { reason: 'you logged off' } });
    other.ws.close();
    const again = await openBridge(service, { cookie });
    expect(await again.call('auth:session')).toEqual({ ok: true, value: null });
    again.ws.close();
  });

  it('refuses a forged Host or Origin', async () => {
    const forgedHost = await request(service, { path: '/', headers: { host: `evil.example:${service.port}` } });
    expect(forgedHost.status).toBe(421);
    await expect(openBridge(service, { origin: 'https://evil.example' })).rejects.toThrow('HTTP 403');
    await expect(openBridge(service, { origin: `http://127.0.0.1:${service.port}` })).rejects.toThrow('HTTP 403');
    const res = await request(service, {
      method: 'POST',
      path: '/api/call',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ id: 1, channel: 'auth:logon', input: { userName: 'admin', password: ADMIN_PW } }),
    });
    expect(res.status).toBe(403);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('closes a connection that sends an oversized message; refuses an oversized call body', async () => {
    const client = await openBridge(service);
    client.ws.send(JSON.stringify({ id: 1, channel: 'app:info', input: { pad: 'x'.repeat(2 * 1024 * 1024) } }));
    expect(await client.closed()).toBe(1009);
    const res = await request(service, {
      method: 'POST',
      path: '/api/call',
      headers: { 'content-type': 'application/json', origin: service.origin },
      body: JSON.stringify({ id: 1, channel: 'auth:logon', input: { userName: 'a', password: 'p'.repeat(70_000) } }),
    });
    expect(res.status).toBe(413);
  });

  it('throttles wrong passwords spread over many connections as one, and never logs a password', async () => {
    const wrong = (i: number) => `Wrong-${i}-secret`;
    // Each call is its own TLS connection.
    for (let i = 0; i < 5; i++) {
      const res = await callHttp(service, 'auth:logon', { userName: 'bob', password: wrong(i) });
      expect(JSON.parse(res.body)).toMatchObject({ result: { ok: true, value: { ok: false } } });
    }
    // Different, unknown names from the same address: the address itself is throttled.
    for (let i = 0; i < 8; i++) await callHttp(service, 'auth:logon', { userName: `nobody${i}`, password: wrong(i) });
    const log = fs.readFileSync(path.join(dataDir, 'mdsync.log'), 'utf8');
    expect(log).toMatch(/logon of "bob" from 127\.0\.0\.1 delayed \d+ ms after repeated failures/);
    // nobodyN failed only once by name: only the address count can have delayed it.
    expect(log).toMatch(/logon of "nobody\d" from 127\.0\.0\.1 delayed \d+ ms after repeated failures/);
    expect(log).toMatch(/logon refused for "bob" from 127\.0\.0\.1: wrong password/);
    for (let i = 0; i < 8; i++) expect(log).not.toContain(wrong(i));
    expect(log).not.toContain(ADMIN_PW);
    expect(log).not.toContain(BOB_PW);
  }, 120_000);

  it('deleting a user ends its sessions on the server, even with none of its pages open', async () => {
    const bobCookie = await logOn(service, 'bob', BOB_PW);
    const admin = await openBridge(service, { cookie: await logOn(service, 'admin', ADMIN_PW) });
    expect(await admin.call('users:delete', { userName: 'bob' })).toMatchObject({ ok: true });
    admin.ws.close();
    const bob = await openBridge(service, { cookie: bobCookie });
    // archive:mine first: auth:session would re-read the user and end the session by itself.
    expect(await bob.call('archive:mine')).toMatchObject({ ok: false, error: { code: 'notLoggedOn' } });
    expect(await bob.call('auth:session')).toEqual({ ok: true, value: null });
    bob.ws.close();
  }, 60_000);
});

describe('session lifetimes', () => {
  let short: ServiceProcess;
  let dir: string;
  beforeAll(async () => {
    dir = prepareDataDir(ADMIN_PW, BOB_PW);
    short = await startService(dir, ['--session-idle', '2s']);
  }, 120_000);
  afterAll(async () => {
    expect(await short?.stop('SIGINT')).toBe(0);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('an idle session ends on the server and its page is told', async () => {
    const cookie = await logOn(short, 'bob', BOB_PW);
    const page = await openBridge(short, { cookie });
    expect(await page.call('archive:mine')).toMatchObject({ ok: true });
    await new Promise((r) => setTimeout(r, 3500));
    expect(page.events.map((e) => e.event)).toContain('session:ended');
    expect(await page.call('archive:mine')).toMatchObject({ ok: false, error: { code: 'notLoggedOn' } });
    page.ws.close();
  }, 30_000);
});
