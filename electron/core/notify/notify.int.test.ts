/**
 * Mail to a real SMTP server on 127.0.0.1 (Debian's aiosmtpd): plain, STARTTLS and implicit TLS
 * (SMTPS, the "SSL" choice) with a self-signed certificate trusted by its pinned fingerprint; a
 * run that holds deletions sends one message with the right counts; a dead server or a
 * certificate not trusted is one log line and no failure.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { defaultSettings, type NotifySettings } from '../../../shared/settings';
import type { SyncReport } from '../../../shared/model';
import { freePort } from '../../testing/servers/free-port';
import { smtpUnavailable, startSmtp, type SmtpServer } from '../../testing/servers/smtp';
import { describeIfAvailable } from '../../testing/servers/suite-needs';
import { sendMail } from './mailer';
import { notifyAfterRun } from './run-notice';
import { sendTestMessage } from './test-message';

const held: SyncReport = {
  dryRun: false,
  summary: { create: 2, update: 1, delete: 0, unchanged: 40, skip: 1, held: 7 },
  changes: [],
  warnings: [{ file: 'USERLIST.DAT', line: 12, message: 'the mailbox name is empty: the record is skipped' }],
};

function settings(port: number, more: Partial<NotifySettings> = {}): NotifySettings {
  return {
    ...defaultSettings().notify,
    host: '127.0.0.1',
    port,
    security: 'none',
    sender: 'mdsync@example.test',
    recipients: ['admin@example.test', 'ops@example.test'],
    ...more,
  };
}

describeIfAvailable('notification mail', smtpUnavailable(), () => {
  let plain: SmtpServer;
  let secure: SmtpServer;
  let smtps: SmtpServer;

  beforeAll(async () => {
    [plain, secure, smtps] = await Promise.all([
      startSmtp(),
      startSmtp({ starttls: true }),
      startSmtp({ smtps: true }),
    ]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([plain?.stop(), secure?.stop(), smtps?.stop()]);
  });

  it('a run that held deletions sends one message with the counts, reasons and what to do', async () => {
    const logs: string[] = [];
    await notifyAfterRun(
      { ok: true, report: held },
      { settings: settings(plain.port), password: null, server: 'archive1', log: (_l, m) => logs.push(m) },
    );
    const [message, ...more] = plain.messages().map(readable);
    expect(more).toEqual([]);
    expect(message).toContain(
      'Subject: mdsync: the scheduled synchronization on archive1 needs a person (7 held, 1 skipped)',
    );
    expect(message).toContain('To: admin@example.test, ops@example.test');
    expect(message).toContain('deletions held for confirmation: 7');
    expect(message).toContain('USERLIST.DAT:12: the mailbox name is empty');
    expect(message).toContain('Synchronize now and confirm the deletions');
    expect(logs).toEqual(["the scheduled run's notice was mailed to 2 recipient(s)"]);
  });

  it('a run that needs nobody sends nothing', async () => {
    const before = plain.messages().length;
    const quiet = { ...held, summary: { ...held.summary, held: 0, skip: 0 } };
    await notifyAfterRun(
      { ok: true, report: quiet },
      { settings: settings(plain.port), password: null, server: 'archive1', log: () => undefined },
    );
    expect(plain.messages()).toHaveLength(before);
  });

  it('STARTTLS trusts a self-signed certificate by its pinned fingerprint, and refuses another', async () => {
    const pinned = settings(secure.port, { security: 'starttls', pinnedFingerprint256: secure.fingerprint256 });
    await sendMail(pinned, null, { subject: 'Test message', text: 'mdsync can send mail.' });
    expect(secure.messages().map(readable).join('')).toContain('Subject: Test message');
    const other = settings(secure.port, { security: 'starttls', pinnedFingerprint256: 'AB'.repeat(32) });
    await expect(sendMail(other, null, { subject: 'x', text: 'x' })).rejects.toThrow(/is not the trusted one/);
    const unverified = settings(secure.port, { security: 'starttls' });
    await expect(sendMail(unverified, null, { subject: 'x', text: 'x' })).rejects.toThrow(/self.signed/);
  });

  it('SSL (implicit TLS): a run that held deletions is mailed over TLS to a server trusted by its pinned fingerprint', async () => {
    const logs: string[] = [];
    const ssl = settings(smtps.port, { security: 'ssl', pinnedFingerprint256: smtps.fingerprint256 });
    await notifyAfterRun(
      { ok: true, report: held },
      { settings: ssl, password: null, server: 'archive1', log: (_l, m) => logs.push(m) },
    );
    expect(logs).toEqual(["the scheduled run's notice was mailed to 2 recipient(s)"]);
    const [message, ...more] = smtps.messages().map(readable);
    expect(more).toEqual([]);
    expect(message).toContain('deletions held for confirmation: 7');
  });

  it('SSL (implicit TLS): a certificate not trusted is refused, and the run is told in one log line', async () => {
    const untrusted: [Partial<NotifySettings>, RegExp][] = [
      [{ pinnedFingerprint256: null }, /self.signed certificate/],
      [{ pinnedFingerprint256: 'AB'.repeat(32) }, /is not the trusted one/],
    ];
    for (const [bad, why] of untrusted) {
      const logs: string[] = [];
      const before = smtps.messages().length;
      const ssl = settings(smtps.port, { security: 'ssl', ...bad });
      await expect(
        notifyAfterRun(
          { ok: true, report: held },
          { settings: ssl, password: 'Smtp-Secret-2', server: 'archive1', log: (_l, m) => logs.push(m) },
        ),
      ).resolves.toBeUndefined();
      expect(logs).toHaveLength(1);
      expect(logs[0]).toMatch(/^the scheduled run's notice could not be mailed: mail to 127\.0\.0\.1:\d+ failed: /);
      expect(logs[0]).toMatch(why);
      expect(logs[0]).not.toMatch(/\n|Smtp-Secret-2| {4}at /);
      expect(smtps.messages()).toHaveLength(before);
    }
  });

  it('SSL (implicit TLS): Send test message refuses a self-signed certificate in one line with its fingerprint', async () => {
    const answer = await sendTestMessage(settings(smtps.port, { security: 'ssl' }), null, { subject: 'x', text: 'x' });
    expect(answer).toEqual({
      ok: false,
      error: `the SMTP server 127.0.0.1:${smtps.port} presented a certificate that is not trusted`,
      certificate: { subject: 'CN=localhost', fingerprint256: smtps.fingerprint256, trusted: false },
    });
  });

  it('a dead SMTP server is one log line, and the run is not failed', async () => {
    const logs: string[] = [];
    const dead = settings(await freePort());
    await expect(
      notifyAfterRun(
        { ok: false, error: 'the share is unreachable' },
        {
          settings: dead,
          password: 'Smtp-Secret-1',
          server: 'archive1',
          log: (_l, m) => logs.push(m),
        },
      ),
    ).resolves.toBeUndefined();
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(
      /^the scheduled run's notice could not be mailed: mail to 127\.0\.0\.1:\d+ failed: the connection was refused$/,
    );
    expect(logs[0]).not.toContain('Smtp-Secret-1');
  });
});

/** A received message as a person reads it: folded headers unfolded, quoted-printable decoded. */
function readable(raw: string): string {
  return raw
    .replace(/\r?\n[ \t]+/g, ' ')
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
