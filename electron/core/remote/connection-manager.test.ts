import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../shared/result';
import { createConnectionManager, type ConnectionManager } from './connection-manager';
import { createServerStore, SERVERS_FILE } from './server-store';
import { FAKE_PASSWORD, startFakeService, type FakeService } from './testing/fake-service';
import { selfSignedCertificate, type TestCertificate } from './testing/self-signed';

const logger = { log: () => undefined };
let cert: TestCertificate;
let fake: FakeService;
let dir: string;
let managers: ConnectionManager[];
let events: [string, unknown][];
let targetChanges: number;

beforeAll(async () => {
  cert = selfSignedCertificate();
  fake = await startFakeService(cert);
});
afterAll(() => fake.close());
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-conn-'));
  managers = [];
  events = [];
  targetChanges = 0;
});
afterEach(() => {
  for (const m of managers) m.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function manager(): ConnectionManager {
  const m = createConnectionManager({
    store: createServerStore(dir),
    logger,
    onEvent: (e, p) => events.push([e, p]),
    onTargetChanged: () => targetChanges++,
    retry: { firstMs: 20, maxMs: 100 },
    timeoutMs: 3000,
  });
  managers.push(m);
  return m;
}

describe('connection manager', () => {
  it('starts on this computer and stays there while a chosen server is untrusted', async () => {
    const m = manager();
    expect(await m.restore()).toEqual({
      server: null,
      state: 'local',
      message: null,
      fingerprint256: null,
      subject: null,
    });
    const server = `127.0.0.1:${fake.port}`;
    const state = await m.set(server);
    expect(state).toMatchObject({ server, state: 'untrusted', fingerprint256: cert.fingerprint256 });
    expect(state.message).toContain('is self-signed');
    expect(m.remote()).toBeNull();
    expect(targetChanges).toBe(0);
  });

  it('trusts by fingerprint, connects, remembers the choice and the pin for the next start', async () => {
    const server = `127.0.0.1:${fake.port}`;
    const m = manager();
    await m.set(server);
    expect(await m.trust(server, cert.fingerprint256.toLowerCase())).toMatchObject({ server, state: 'connected' });
    expect(m.remote()?.target.key).toBe(server);
    expect(targetChanges).toBe(1);
    const saved = JSON.parse(fs.readFileSync(path.join(dir, SERVERS_FILE), 'utf8'));
    expect(saved).toEqual({ version: 1, last: server, pins: { [server]: cert.fingerprint256 } });
    const logon = await m.remote()!.invoke('auth:logon', { userName: 'admin', password: FAKE_PASSWORD });
    expect(logon).toMatchObject({ ok: true, value: { ok: true } });
    expect(fs.readFileSync(path.join(dir, SERVERS_FILE), 'utf8')).not.toContain(FAKE_PASSWORD);
    m.close();

    const next = manager();
    expect(await next.restore()).toMatchObject({ server, state: 'connected' });
    expect(await next.set(null)).toMatchObject({ server: null, state: 'local' });
    expect(next.remote()).toBeNull();
    expect(JSON.parse(fs.readFileSync(path.join(dir, SERVERS_FILE), 'utf8')).last).toBeNull();
  });

  it('refuses a changed certificate at start-up with the sentence, and stays on this computer', async () => {
    const server = `127.0.0.1:${fake.port}`;
    const old = selfSignedCertificate().fingerprint256;
    createServerStore(dir).setPin(server, old);
    createServerStore(dir).setLastServer(server);
    const m = manager();
    const state = await m.restore();
    expect(state).toMatchObject({ server, state: 'changed', fingerprint256: cert.fingerprint256 });
    expect(state.message).toContain(`changed since you trusted it (was ${old}, now ${cert.fingerprint256})`);
    expect(m.remote()).toBeNull();
  });

  it('answers a bad address with one line and changes nothing', async () => {
    const m = manager();
    await expect(m.set('no such:host')).rejects.toBeInstanceOf(UserError);
    expect(m.state().state).toBe('local');
    expect(fs.existsSync(path.join(dir, SERVERS_FILE))).toBe(false);
  });

  it('treats an unreadable servers file as empty and says so once', () => {
    fs.writeFileSync(path.join(dir, SERVERS_FILE), '{ not json');
    const warnings: string[] = [];
    const store = createServerStore(dir, (w) => warnings.push(w));
    expect(store.lastServer()).toBeNull();
    expect(store.pin('x:1')).toBeNull();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('is not a servers file');
  });
});
