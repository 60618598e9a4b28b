/**
 * Notifications over the whole main-side stack (handlers over real services, a real SQLite file,
 * the sample App directory) and a real SMTP server on 127.0.0.1 (Debian's aiosmtpd): the SMTP
 * password is kept in the secret store, never answered by settings:get and never written to a
 * file; Send test message delivers one message or says in one line why not; a scheduled run that
 * holds deletions sends exactly one message through the real scheduler.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import type { ChannelInput, ChannelName, ChannelOutput } from '../../../shared/contract';
import type { Result } from '../../../shared/result';
import { defaultSettings, type Settings } from '../../../shared/settings';
import { freePort } from '../../testing/servers/free-port';
import { smtpUnavailable, startSmtp, type SmtpServer } from '../../testing/servers/smtp';
import { describeIfAvailable } from '../../testing/servers/suite-needs';
import { createFileLogger } from '../../core/logger';
import { dataFiles } from '../../core/paths';
import type { Timers } from '../../core/scheduler';
import { createMemorySecretStore } from '../../core/secret-store';
import { createFileSettingsStore } from '../../core/settings-store';
import { createServices, type Services } from '../../app/services';
import { createHandlers } from '../handlers';
import { dispatch, type CallContext } from '../registry';
import type { Session } from '../../app/session';

const sample = path.resolve(__dirname, '../../../build-resources/sample-app');
const SMTP_SECRET = 'Smtp-Int-Secret 42';
const ADMIN = 'Adm1n pass 12';

/** Timers on a clock the test moves. */
function manualTimers() {
  let now = Date.now();
  const pending = new Set<{ at: number; fn: () => void }>();
  const timers: Timers = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const t = { at: now + ms, fn };
      pending.add(t);
      return t;
    },
    clearTimeout: (h) => void pending.delete(h as { at: number; fn: () => void }),
  };
  const advance = (ms: number) => {
    now += ms;
    for (const t of [...pending]) {
      if (t.at > now) continue;
      pending.delete(t);
      t.fn();
    }
  };
  return { timers, advance };
}

describeIfAvailable('notifications over the main-side stack', smtpUnavailable(), () => {
  let smtp: SmtpServer;
  let secure: SmtpServer;
  let guarded: SmtpServer;
  let dir: string;
  let services: Services;
  let session: Session;
  let transcript: string[];
  let clock: ReturnType<typeof manualTimers>;

  async function call<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<Result<ChannelOutput<C>>> {
    const ctx: CallContext = { session, emit: () => undefined };
    const result = await dispatch(createHandlers(services), channel, input, ctx, services.logger);
    transcript.push(JSON.stringify(result));
    return result as Result<ChannelOutput<C>>;
  }
  function notifyTo(server: SmtpServer, more: Partial<Settings['notify']> = {}): Settings['notify'] {
    return {
      ...defaultSettings().notify,
      host: '127.0.0.1',
      port: server.port,
      security: 'none',
      sender: 'mdsync@company.test',
      recipients: ['admin@company.test'],
      ...more,
    };
  }

  beforeAll(async () => {
    [smtp, secure, guarded] = await Promise.all([
      startSmtp(),
      startSmtp({ starttls: true }),
      startSmtp({ auth: { user: 'mailer', password: SMTP_SECRET } }),
    ]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([smtp?.stop(), secure?.stop(), guarded?.stop()]);
  });
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-notify-'));
    session = { user: null };
    transcript = [];
    clock = manualTimers();
    services = await createServices({
      mode: 'browser',
      dataDir: dir,
      version: 'test',
      platform: 'linux',
      logger: createFileLogger(dataFiles(dir).log),
      settings: createFileSettingsStore(dir),
      secrets: createMemorySecretStore('tests keep secrets in memory'),
      schedulerTimers: clock.timers,
    });
    const admin = await call('auth:setup-admin', { password: ADMIN });
    if (!admin.ok) throw new Error(admin.error.message);
    session.user = admin.value;
  });
  afterEach(async () => {
    services.scheduler.stop();
    await services.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Every file in the data directory, as bytes. */
  const files = () => fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f))] as const);

  it('keeps the SMTP password in the secret store: never answered, never in a file', async () => {
    const settings = defaultSettings();
    // A password smuggled into the settings document is dropped by the schema, not saved.
    settings.notify = { ...notifyTo(smtp, { userName: 'mailer' }), password: SMTP_SECRET } as Settings['notify'];
    const saved = await call('settings:save', { settings, sharePassword: null, smtpPassword: SMTP_SECRET });
    expect(saved).toMatchObject({ ok: true, value: { smtpPasswordStored: true } });
    expect(services.secrets.get('smtpPassword')).toBe(SMTP_SECRET);

    const view = await call('settings:get', {});
    expect(view).toMatchObject({ ok: true, value: { smtpPasswordStored: true } });
    expect(view.ok && view.value.settings.notify.userName).toBe('mailer');

    // Saving again without a typed password keeps the stored one; an empty one removes it.
    await call('settings:save', { settings, sharePassword: null });
    expect(services.secrets.get('smtpPassword')).toBe(SMTP_SECRET);
    const removed = await call('settings:save', { settings, sharePassword: null, smtpPassword: '' });
    expect(removed).toMatchObject({ ok: true, value: { smtpPasswordStored: false } });

    expect(transcript.join('\n')).not.toContain(SMTP_SECRET);
    const config = fs.readFileSync(dataFiles(dir).settings, 'utf8');
    expect(config).toContain('mailer');
    for (const [name, bytes] of files()) expect(bytes.includes(Buffer.from(SMTP_SECRET)), name).toBe(false);
  });

  it('Send test message delivers one message, or says in one line why not', async () => {
    const before = smtp.messages().length;
    expect(await call('notify:test', { notify: notifyTo(smtp) })).toEqual({ ok: true, value: { ok: true } });
    expect(smtp.messages()).toHaveLength(before + 1);
    expect(smtp.messages().at(-1)).toMatch(/^Subject: mdsync: test message from /m);

    const dead = await freePort();
    expect(await call('notify:test', { notify: notifyTo(smtp, { port: dead }) })).toEqual({
      ok: true,
      value: { ok: false, error: `the SMTP server 127.0.0.1:${dead} refused the connection` },
    });

    const untrusted = await call('notify:test', { notify: notifyTo(secure, { security: 'starttls' }) });
    expect(untrusted).toMatchObject({
      ok: true,
      value: {
        ok: false,
        error: `the SMTP server 127.0.0.1:${secure.port} presented a certificate that is not trusted`,
        certificate: { fingerprint256: secure.fingerprint256, trusted: false },
      },
    });
    const other = await call('notify:test', {
      notify: notifyTo(secure, { security: 'starttls', pinnedFingerprint256: 'AB:'.repeat(31) + 'AB' }),
    });
    expect(other.ok && other.value.error).toBe(
      `the SMTP server 127.0.0.1:${secure.port} presented a certificate other than the trusted one`,
    );
    const pinned = notifyTo(secure, { security: 'starttls', pinnedFingerprint256: secure.fingerprint256 });
    expect(await call('notify:test', { notify: pinned, smtpPassword: SMTP_SECRET })).toEqual({
      ok: true,
      value: { ok: true },
    });
    expect(fs.readFileSync(dataFiles(dir).log, 'utf8')).not.toContain(SMTP_SECRET);
  }, 60_000);

  it('Send test message logs on with the typed or the stored SMTP password, and says when it is refused', async () => {
    const notify = notifyTo(guarded, { userName: 'mailer' });
    const where = `127.0.0.1:${guarded.port}`;
    expect(await call('notify:test', { notify, smtpPassword: 'wrong one' })).toEqual({
      ok: true,
      value: { ok: false, error: `the SMTP server ${where} refused the SMTP user name or password` },
    });
    expect(await call('notify:test', { notify, smtpPassword: SMTP_SECRET })).toEqual({ ok: true, value: { ok: true } });
    const settings = defaultSettings();
    settings.notify = notify;
    await call('settings:save', { settings, sharePassword: null, smtpPassword: SMTP_SECRET });
    const before = guarded.messages().length;
    expect(await call('notify:test', { notify })).toEqual({ ok: true, value: { ok: true } });
    expect(guarded.messages()).toHaveLength(before + 1);
    expect(guarded.messages().join('\n')).not.toContain(SMTP_SECRET);
    expect(transcript.join('\n')).not.toContain(SMTP_SECRET);
    for (const [name, bytes] of files()) expect(bytes.includes(Buffer.from(SMTP_SECRET)), name).toBe(false);
  }, 60_000);

  it('a scheduled run that holds deletions sends exactly one message, through the real scheduler', async () => {
    const settings = defaultSettings();
    settings.directory.appDir = sample;
    settings.directory.codePage = 'cp1252';
    settings.sync.deleteUsers = true;
    settings.sync.deleteLimit = '1';
    const first = await call('sync:run', { settings, sharePassword: null });
    if (!first.ok) throw new Error(first.error.message);

    // Only Sales in scope: the others would go, more than the limit allows, so they are held.
    settings.sync.groups = ['Sales'];
    settings.sync.autoSyncHours = 1;
    settings.notify = notifyTo(smtp);
    expect(await call('settings:save', { settings, sharePassword: null })).toMatchObject({ ok: true });
    const before = smtp.messages().length;
    services.scheduler.start();
    await services.scheduler.planned();
    expect(services.scheduler.nextRunAt).not.toBeNull();
    clock.advance(3_600_000 + 1);
    const deadline = Date.now() + 30_000;
    while (smtp.messages().length === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500)); // a second message would be here by now

    const runs = await call('history:list', { limit: 10 });
    if (!runs.ok) throw new Error(runs.error.message);
    expect(runs.value[0]).toMatchObject({ actor: 'schedule', dryRun: false });
    const fresh = smtp.messages().slice(before).map(readable);
    expect(fresh).toHaveLength(1);
    expect(fresh[0]).toMatch(/needs a person \(\d+ held, \d+ skipped\)/);
    expect(fresh[0]).toMatch(/deletions held for confirmation: [1-9]/);
    expect(fresh[0]).toContain('Synchronize now and confirm the deletions');
  }, 90_000);
});

/** A received message as a person reads it: folded headers unfolded, quoted-printable decoded. */
function readable(raw: string): string {
  return raw
    .replace(/\r?\n[ \t]+/g, ' ')
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
