/**
 * The desktop client's remote path against the real `mdsync server` (a child process on
 * 127.0.0.1 with its default self-signed certificate): fingerprint trust, logon over HTTPS then
 * calls over WSS, reconnect after a restart of the service, and a changed certificate refused.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createConnectionManager, type ConnectionManager } from './connection-manager';
import { createServerStore } from './server-store';
import { realServiceMissing, setAdminPassword, startRealService, type RealService } from './testing/real-service';
import { describeIfAvailable } from '../../testing/servers/suite-needs';

const missing = realServiceMissing('source');

const ADMIN_PASSWORD = 'Server-Admin-Pass-1';
let root: string;
let service: RealService;
let manager: ConnectionManager;
const events: [string, unknown][] = [];

async function until(cond: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describeIfAvailable('desktop client against the real mdsync server', missing, () => {
  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-remote-int-'));
    fs.mkdirSync(path.join(root, 'server'));
    fs.mkdirSync(path.join(root, 'desktop'));
    setAdminPassword('source', path.join(root, 'server'), ADMIN_PASSWORD);
    service = await startRealService('source', path.join(root, 'server'));
    manager = createConnectionManager({
      store: createServerStore(path.join(root, 'desktop')),
      logger: { log: () => undefined },
      onEvent: (e, p) => events.push([e, p]),
      retry: { firstMs: 50, maxMs: 500 },
      timeoutMs: 5000,
    });
  }, 120_000);

  afterAll(async () => {
    manager?.close();
    await service?.stop();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('shows the self-signed certificate by the fingerprint the service printed; trusting it connects', async () => {
    const first = await manager.set(service.address);
    expect(first).toMatchObject({
      server: service.address,
      state: 'untrusted',
      fingerprint256: service.fingerprint256,
    });
    expect(first.message).toContain(`SHA-256 ${service.fingerprint256}`);
    expect(manager.remote()).toBeNull();

    const trusted = await manager.trust(service.address, service.fingerprint256);
    expect(trusted).toMatchObject({ server: service.address, state: 'connected' });
    const remote = manager.remote()!;
    expect(await remote.invoke('auth:session', {})).toEqual({ ok: true, value: null });
    expect(await remote.invoke('users:list', {})).toMatchObject({ ok: false, error: { code: 'notLoggedOn' } });

    const wrong = await remote.invoke('auth:logon', { userName: 'admin', password: 'not-the-password' });
    expect(wrong).toMatchObject({ ok: true, value: { ok: false, reason: 'invalidCredentials' } });
    const logon = await remote.invoke('auth:logon', { userName: 'admin', password: ADMIN_PASSWORD });
    expect(logon).toMatchObject({ ok: true, value: { ok: true, user: { userName: 'admin' } } });
    expect(await remote.invoke('auth:session', {})).toMatchObject({ ok: true, value: { userName: 'admin' } });
    const users = await remote.invoke('users:list', {});
    expect(users.ok).toBe(true);
    expect((users as { value: { userName: string }[] }).value.map((u) => u.userName)).toContain('admin');
  }, 60_000);

  it('fails calls in one line while the crashed service is down and reconnects after its restart', async () => {
    const remote = manager.remote()!;
    const port = service.port;
    await service.stop('SIGKILL'); // a crash: no goodbye to the sockets
    await until(() => !remote.connected());
    const during = await remote.invoke('app:info', {});
    expect(during).toMatchObject({ ok: false, error: { code: 'disconnected' } });
    expect(!during.ok && during.error.message).toMatch(new RegExp(`^127\\.0\\.0\\.1:${port} [^\\n]+$`));

    service = await startRealService('source', path.join(root, 'server'), port);
    await until(() => remote.connected());
    expect(manager.state()).toMatchObject({ state: 'connected' });
    expect(await remote.invoke('app:info', {})).toMatchObject({ ok: true, value: { name: 'mdsync' } });
    // The restarted service forgot the session and serves the socket anonymously: the client finds
    // out and tells the window (a clean stop would have pushed session:ended itself).
    expect(await remote.invoke('auth:session', {})).toEqual({ ok: true, value: null });
    expect(events).toContainEqual([
      'session:ended',
      { reason: 'the mdsync server no longer knows your session (it may have restarted); log on again' },
    ]);
    const again = await remote.invoke('auth:logon', { userName: 'admin', password: ADMIN_PASSWORD });
    expect(again).toMatchObject({ ok: true, value: { ok: true } });
    expect(await remote.invoke('auth:session', {})).toMatchObject({ ok: true, value: { userName: 'admin' } });
  }, 120_000);

  it('refuses the certificate of another service on the same address, saying it changed', async () => {
    const port = service.port;
    const pinned = service.fingerprint256;
    await service.stop();
    fs.mkdirSync(path.join(root, 'other'));
    service = await startRealService('source', path.join(root, 'other'), port);
    expect(service.fingerprint256).not.toBe(pinned);
    await until(() => manager.state().state === 'changed');
    expect(manager.remote()).toBeNull();
    expect(manager.state().message).toContain(
      `the certificate of ${service.address} changed since you trusted it (was ${pinned}, now ${service.fingerprint256})`,
    );
    expect(events).toContainEqual(['session:ended', { reason: manager.state().message }]);
    const fresh = await manager.set(service.address);
    expect(fresh).toMatchObject({ state: 'changed', fingerprint256: service.fingerprint256 });
  }, 120_000);
});
