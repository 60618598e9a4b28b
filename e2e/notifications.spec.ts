/**
 * Issue 20: Directory Services → Notifications in Chromium against a real SMTP server on 127.0.0.1
 * (Debian's aiosmtpd): the section is filled and saved, Send test message delivers one message to
 * the server (plain, and STARTTLS with a self-signed certificate trusted by its fingerprint), and a
 * typed SMTP password is neither in config.json, nor in the message, nor read back.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { freePort } from '../electron/testing/servers/free-port';
import { smtpUnavailable, startSmtp, type SmtpServer } from '../electron/testing/servers/smtp';
import { expect, test } from './harness/fixtures';
import { LogonPage } from './pages/logon-page';
import { DirectoryServicesPage } from './pages/directory-services-page';

const ADMIN_PASSWORD = 'Keeper-e2e-Pass 1';
const SMTP_PASSWORD = 'Smtp-e2e-Secret 7';

const unavailable = smtpUnavailable();
test.skip(!!unavailable, unavailable ?? '');

let smtp: SmtpServer;
let secure: SmtpServer;
test.beforeAll(async () => {
  [smtp, secure] = await Promise.all([startSmtp(), startSmtp({ starttls: true })]);
});
test.afterAll(async () => {
  await Promise.all([smtp?.stop(), secure?.stop()]);
});

test('Notifications are saved and Send test message reaches the SMTP server', async ({ page, app }) => {
  await page.goto(app.url);
  await new LogonPage(page).setAdminPassword(ADMIN_PASSWORD);
  const ds = new DirectoryServicesPage(page);
  const section = page.getByRole('region', { name: 'Notifications' });
  const field = (label: string) => section.getByRole('textbox', { name: label, exact: true });

  await test.step('fill the section and save', async () => {
    await field('SMTP server').fill('127.0.0.1');
    await field('SMTP port').fill(String(smtp.port));
    await section.getByRole('combobox', { name: 'SMTP security' }).click();
    await page.getByRole('option', { name: 'None' }).click();
    await field('SMTP password').fill(SMTP_PASSWORD);
    await field('Sender').fill('mdsync@company.test');
    await field('Recipients').fill('admin@company.test, nobody');
    await expect(section.getByText('nobody is not an email address.')).toBeVisible();
    await expect(ds.saveButton).toBeDisabled();
    await field('Recipients').fill('admin@company.test, ops@company.test');
    await ds.save();
    await expect(field('SMTP password')).toHaveValue('');
    await expect(section.getByText('A password is stored. Type to replace it.')).toBeVisible();
  });

  await test.step('the saved settings come back after a reload, without the password', async () => {
    await page.reload();
    await expect(field('SMTP server')).toHaveValue('127.0.0.1', { timeout: 20_000 });
    await expect(field('SMTP port')).toHaveValue(String(smtp.port));
    await expect(field('Recipients')).toHaveValue('admin@company.test, ops@company.test');
    const config = await readFile(path.join(app.dataDir, 'config.json'), 'utf8');
    expect(config).toContain('ops@company.test');
    expect(config).not.toContain(SMTP_PASSWORD);
  });

  await test.step('Send test message: one message arrives at the SMTP server', async () => {
    const before = smtp.messages().length;
    await section.getByRole('button', { name: 'Send test message' }).click();
    await expect(section.getByRole('status')).toContainText(
      'The test message was sent to admin@company.test, ops@company.test.',
      { timeout: 30_000 },
    );
    const messages = smtp.messages();
    expect(messages).toHaveLength(before + 1);
    const message = messages.at(-1)!;
    expect(message).toMatch(/^Subject: mdsync: test message from /m);
    expect(message).toMatch(/^To: admin@company\.test, ops@company\.test/m);
    expect(message).not.toContain(SMTP_PASSWORD);
    expect(app.output()).not.toContain(SMTP_PASSWORD);
  });

  await test.step('STARTTLS with a self-signed certificate: refused, shown, trusted, sent', async () => {
    await field('SMTP port').fill(String(secure.port));
    await section.getByRole('combobox', { name: 'SMTP security' }).click();
    await page.getByRole('option', { name: 'STARTTLS' }).click();
    await section.getByRole('button', { name: 'Send test message' }).click();
    await expect(section.getByRole('status')).toContainText('presented a certificate that is not trusted', {
      timeout: 30_000,
    });
    const untrusted = section.getByRole('alert').filter({ hasText: 'not trusted' }).last();
    await expect(untrusted).toContainText(secure.fingerprint256!);
    await untrusted.getByRole('button', { name: 'Trust this certificate' }).click();
    await expect(section.getByRole('alert').filter({ hasText: 'Trusted SMTP certificate' })).toContainText(
      secure.fingerprint256!,
    );
    const before = secure.messages().length;
    await section.getByRole('button', { name: 'Send test message' }).click();
    await expect(section.getByRole('status')).toContainText('The test message was sent', { timeout: 30_000 });
    expect(secure.messages()).toHaveLength(before + 1);
  });

  await test.step('a dead SMTP server is one line on the page', async () => {
    const dead = await freePort();
    await section.getByRole('combobox', { name: 'SMTP security' }).click();
    await page.getByRole('option', { name: 'None' }).click();
    await field('SMTP port').fill(String(dead));
    await section.getByRole('button', { name: 'Send test message' }).click();
    await expect(section.getByRole('status')).toHaveText(
      `The test message was not sent: the SMTP server 127.0.0.1:${dead} refused the connection.`,
      { timeout: 30_000 },
    );
  });
});
