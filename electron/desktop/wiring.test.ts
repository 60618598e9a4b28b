import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_NAMES, EVENT_NAMES } from '../../shared/contract';
import { startApp, type RunningApp, type WiringDeps } from './wiring';
import { ipcEvent, standIn, type Recording } from './testing/stand-in';
import { createMemorySecretStore } from '../core/secret-store';
import { createFileSettingsStore } from '../core/settings-store';
import { FAKE_PASSWORD, startFakeService, type FakeService } from '../core/remote/testing/fake-service';
import { selfSignedCertificate, type TestCertificate } from '../core/remote/testing/self-signed';

// The main process's wiring run in plain Node against a recording stand-in of Electron's API:
// what cannot run here (the window) is still asserted as it is set up.
type Listener = (...args: unknown[]) => unknown;

let root: string;
let cert: TestCertificate;
let fake: FakeService;
let rec: Recording;
let running: RunningApp;
const sent: [string, unknown][] = [];
const call = (channel: string, input: unknown = {}) =>
  rec.ipc.get(channel)!(ipcEvent('app://mdsync/', sent), input) as Promise<{
    ok: boolean;
    value?: Record<string, unknown>;
    error?: { code: string; message: string };
  }>;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-wiring-'));
  fs.mkdirSync(path.join(root, 'dist/electron'), { recursive: true });
  fs.mkdirSync(path.join(root, 'dist/renderer/assets'), { recursive: true });
  fs.writeFileSync(
    path.join(root, 'dist/renderer/index.html'),
    '<meta name="csp-nonce" content="__CSP_NONCE__"><script src="/assets/app.js"></script>',
  );
  fs.writeFileSync(path.join(root, 'dist/renderer/assets/app.js'), 'export {};');
  fs.writeFileSync(path.join(root, 'secret.txt'), 'outside the renderer');
  cert = selfSignedCertificate();
  fake = await startFakeService(cert);
  const s = standIn();
  rec = s.rec;
  const app = await startApp(s.e, {
    here: path.join(root, 'dist/electron'),
    argv: ['electron', '.', `--data-dir=${path.join(root, 'data')}`],
    platform: 'linux',
    version: '9.9.9',
    settingsStore: createFileSettingsStore,
    secretStore: () => createMemorySecretStore('test'),
  });
  running = app!;
}, 60_000);

afterAll(async () => {
  for (const l of rec.app.get('before-quit') ?? []) l();
  await running.services.close();
  await fake.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('Electron main wiring (stand-in of Electron)', () => {
  it('registers app:// as a secure standard scheme and keeps one instance', async () => {
    expect(rec.schemes).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
    expect(rec.userData).toBe(path.join(root, 'data'));
    const second = standIn(false);
    expect(await startApp(second.e, { argv: [] } as unknown as WiringDeps)).toBeNull();
    expect(second.rec.quits).toBe(1);
    expect(second.rec.ipc.size).toBe(0);
  });

  it('opens one sandboxed, isolated window without Node, with the preload, on app://mdsync/', () => {
    expect(rec.windows).toHaveLength(1);
    const win = rec.windows[0]!;
    expect(win.options.webPreferences).toEqual({
      preload: path.join(root, 'dist/electron/preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    });
    expect(win.options.show).toBe(false);
    expect(win.loaded).toEqual(['app://mdsync/']);
  });

  it('refuses new windows, navigation away, webviews and every permission', () => {
    const handlers = new Map<string, Listener>();
    let openHandler: (() => unknown) | undefined;
    const contents = {
      setWindowOpenHandler: (h: () => unknown) => (openHandler = h),
      on: (event: string, l: Listener) => handlers.set(event, l),
    };
    for (const l of rec.app.get('web-contents-created') ?? []) l({}, contents);
    expect(openHandler?.()).toEqual({ action: 'deny' });
    const navigate = (url: string) => {
      let prevented = false;
      handlers.get('will-navigate')!({ preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    expect(navigate('https://example.com/')).toBe(true);
    expect(navigate('app://mdsync.evil/')).toBe(true);
    expect(navigate('app://mdsync/index.html')).toBe(false);
    let webview = false;
    handlers.get('will-attach-webview')!({ preventDefault: () => (webview = true) });
    expect(webview).toBe(true);
    const granted: boolean[] = [];
    rec.permissionRequest!({}, 'media', (g) => granted.push(g));
    expect(granted).toEqual([false]);
    expect(rec.permissionCheck!()).toBe(false);
  });

  it('serves the renderer on app:// with a CSP that names no remote origin, and nothing outside it', async () => {
    const handle = rec.protocols.get('app')!;
    const page = await handle(new Request('app://mdsync/'));
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("connect-src 'self';");
    expect(csp).not.toMatch(/https?:|wss?:|\*/);
    const html = await page.text();
    const nonce = /content="([^"]+)"/.exec(html)![1]!;
    expect(nonce).not.toBe('__CSP_NONCE__');
    expect(csp).toContain(`'nonce-${nonce}'`);
    const js = await handle(new Request('app://mdsync/assets/app.js'));
    expect(js.headers.get('content-type')).toContain('javascript');
    expect((await handle(new Request('app://mdsync/%2e%2e/%2e%2e/secret.txt'))).status).toBe(404);
    expect((await handle(new Request('app://mdsync/..%2f..%2fsecret.txt'))).status).toBe(404);
    expect((await handle(new Request('app://other/index.html'))).status).toBe(404);
  });

  it('sets the menu, with Help › Open Data Directory', () => {
    const template = (
      rec.menu as { template: { label?: string; submenu?: { label?: string; click?: () => void }[] }[] }
    ).template;
    expect(template.map((m) => m.label)).toEqual(['File', 'Edit', 'View', 'Help']);
    template[3]!.submenu!.find((i) => i.label === 'Open Data Directory')!.click!();
    expect(rec.opened).toEqual([path.join(root, 'data')]);
  });

  it('registers every contract channel on ipcMain and answers only the app’s own main frame', async () => {
    expect([...rec.ipc.keys()].sort()).toEqual([...CHANNEL_NAMES].sort());
    const info = await call('app:info');
    expect(info).toMatchObject({ ok: true, value: { mode: 'electron', version: '9.9.9', canBrowse: false } });
    const foreign = await rec.ipc.get('app:info')!(ipcEvent('https://example.com/', sent), {});
    expect(foreign).toEqual({ ok: false, error: { code: 'forbidden', message: 'untrusted sender' } });
    const subframe = await rec.ipc.get('app:info')!(ipcEvent('app://mdsync/', sent, false), {});
    expect(subframe).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('chooses a server: untrusted first, then trusted; calls and events go there; This computer again', async () => {
    expect(await call('connection:get')).toEqual({
      ok: true,
      value: { server: null, state: 'local', message: null, fingerprint256: null, subject: null },
    });
    expect(await call('auth:setup-admin', { password: 'Local-Keeper-1' })).toMatchObject({ ok: true });
    expect(await call('connection:set', { server: 'bad host' })).toMatchObject({
      ok: false,
      error: { code: 'badInput' },
    });
    // A bad address changes nothing: still this computer, still logged on here.
    expect(await call('auth:session')).toMatchObject({ ok: true, value: { userName: 'admin' } });
    const server = `127.0.0.1:${fake.port}`;
    const untrusted = await call('connection:set', { server });
    expect(untrusted.value).toMatchObject({ server, state: 'untrusted', fingerprint256: cert.fingerprint256 });
    expect((await call('app:info')).value).toMatchObject({ mode: 'electron' }); // still this computer
    expect(await call('auth:session')).toMatchObject({ ok: true, value: { userName: 'admin' } });

    const trusted = await call('connection:trust', { server, fingerprint256: cert.fingerprint256 });
    expect(trusted.value).toMatchObject({ server, state: 'connected' });
    expect((await call('app:info')).value).toMatchObject({ version: 'fake' });
    expect(await call('users:list')).toMatchObject({ ok: false, error: { code: 'notLoggedOn' } });
    const logon = await call('auth:logon', { userName: 'admin', password: FAKE_PASSWORD });
    expect(logon).toMatchObject({ ok: true, value: { ok: true } });
    expect(await call('users:list')).toMatchObject({ ok: true, value: [{ userName: 'admin' }] });
    // The contract is still checked here before anything is forwarded.
    expect(await call('history:open', { runId: 'x' })).toMatchObject({ ok: false, error: { code: 'badInput' } });

    fake.push('sync:progress', { phase: 'read', done: 3, total: 9 });
    fake.push('not:an-event', {});
    const end = Date.now() + 5000;
    while (!sent.some(([e]) => e === 'sync:progress') && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(sent).toContainEqual(['sync:progress', { phase: 'read', done: 3, total: 9 }]);
    expect(sent.every(([e]) => (EVENT_NAMES as string[]).includes(e))).toBe(true);

    expect((await call('connection:set', { server: null })).value).toMatchObject({ state: 'local' });
    expect((await call('app:info')).value).toMatchObject({ mode: 'electron' });
    expect(await call('auth:session')).toEqual({ ok: true, value: null });
  });
});
