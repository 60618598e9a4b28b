/**
 * The network service end to end in Chromium over HTTPS: an administrator configures the App
 * directory and the IMAP server (real Dovecot) and synchronizes; a user in a separate browser
 * context (another machine) logs on with the MDaemon password and sees My Archive; a third with a
 * wrong password does not. Chromium trusts the service's certificate by its SPKI hash only.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { expect, test } from './harness/fixtures';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './harness/chromium';
import { SAMPLE_APP_DIR, SAMPLE_PASSWORD } from './harness/sample';
import { AppShell } from './pages/app-shell';
import { DirectoryServicesPage } from './pages/directory-services-page';
import { LogonPage } from './pages/logon-page';
import { MyArchivePage } from './pages/my-archive-page';
import { prepareDataDir, startService, type ServiceProcess } from '../electron/web/testing/service-process';

const ADMIN_PASSWORD = 'Admin-e2e-Service 1';

/** Base64 SHA-256 of the certificate's public key, as `--ignore-certificate-errors-spki-list` takes it. */
function spkiHash(dataDir: string): string {
  const x509 = new crypto.X509Certificate(fs.readFileSync(path.join(dataDir, 'tls', 'server.crt')));
  return crypto
    .createHash('sha256')
    .update(x509.publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64');
}

let service: ServiceProcess;
let browser: Browser;

test.beforeAll(async () => {
  service = await startService(prepareDataDir(ADMIN_PASSWORD, 'Bob-e2e-Service 1'));
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, `--ignore-certificate-errors-spki-list=${spkiHash(service.dataDir)}`],
  });
});

test.afterAll(async () => {
  await browser?.close();
  expect(await service?.stop()).toBe(0);
  if (service) fs.rmSync(service.dataDir, { recursive: true, force: true });
});

test('over HTTPS: the admin synchronizes; a user on another machine logs on with the MDaemon password', async ({
  servers,
}) => {
  const adminContext = await browser.newContext({ ignoreHTTPSErrors: false });
  const admin = await adminContext.newPage();
  await admin.goto(service.url);
  const adminLogon = new LogonPage(admin);
  await adminLogon.logOn('admin', ADMIN_PASSWORD);
  await expect(admin.getByRole('heading', { level: 1, name: 'Directory Services' })).toBeVisible();
  // The session lives in an HttpOnly cookie the page's scripts cannot read.
  const [cookie] = await adminContext.cookies();
  expect(cookie).toMatchObject({ name: '__Host-mdsync_session', httpOnly: true, secure: true, sameSite: 'Strict' });
  expect(await admin.evaluate(() => document.cookie)).toBe('');

  const ds = new DirectoryServicesPage(admin);
  await ds.setAppDir(SAMPLE_APP_DIR, 'Sales');
  await ds.synchronizeNow();
  expect(await ds.count('Create')).toBeGreaterThan(0);
  await ds.closeResults();
  await ds.setImap(`127.0.0.1:${servers.dovecot.imapPort}`, 'Unencrypted');
  await ds.save();

  const userContext = await browser.newContext();
  const user = await userContext.newPage();
  await user.goto(service.url);
  await new LogonPage(user).logOn('anna@company.test', SAMPLE_PASSWORD);
  await new MyArchivePage(user).expectLoaded('anna@company.test');
  await expect(user.getByRole('navigation', { name: 'Administrative Tools' })).toHaveCount(0);

  const strangerContext = await browser.newContext();
  const stranger = await strangerContext.newPage();
  await stranger.goto(service.url);
  const strangerLogon = new LogonPage(stranger);
  await strangerLogon.logOn('anna@company.test', 'not her password');
  await expect(strangerLogon.refusal()).toContainText('Wrong user name or password');
  await expect(stranger.getByRole('heading', { level: 1, name: 'My Archive' })).toHaveCount(0);

  // A reload keeps the session (the cookie), and Log off ends it on the server.
  await user.reload();
  await new MyArchivePage(user).expectLoaded('anna@company.test');
  await new AppShell(user).logOff();
  await user.reload();
  await expect(user.getByRole('heading', { name: 'Log on' })).toBeVisible();

  // The administrator's session is untouched by the others.
  await new AppShell(admin).open('Users');
  await Promise.all([adminContext.close(), userContext.close(), strangerContext.close()]);
});
