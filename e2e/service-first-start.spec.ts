/**
 * First start of the network service in a remote browser: the page asks for the one-time code the
 * service printed on its console, refuses a wrong one, and with the right one sets the administrator's
 * password and lands in the administrative tools.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { expect, test } from './harness/fixtures';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './harness/chromium';
import { startService, type ServiceProcess } from '../electron/web/testing/service-process';

let service: ServiceProcess;
let browser: Browser;

test.beforeAll(async () => {
  service = await startService(fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-service-')));
  const x509 = new crypto.X509Certificate(fs.readFileSync(path.join(service.dataDir, 'tls', 'server.crt')));
  const spki = crypto
    .createHash('sha256')
    .update(x509.publicKey.export({ type: 'spki', format: 'der' }))
    .digest('base64');
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, `--ignore-certificate-errors-spki-list=${spki}`],
  });
});

test.afterAll(async () => {
  await browser?.close();
  expect(await service?.stop()).toBe(0);
  if (service) fs.rmSync(service.dataDir, { recursive: true, force: true });
});

test('the first administrator password needs the one-time code from the console', async () => {
  const code = /the one-time code ([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})/.exec(service.output())?.[1];
  expect(code, service.output()).toBeDefined();
  const page = await (await browser.newContext()).newPage();
  await page.goto(service.url);
  await expect(page.getByRole('heading', { name: 'Set administrator password' })).toBeVisible();
  const codeField = page.getByLabel('One-time code');
  await expect(codeField).toBeVisible();
  const password = 'Keeper-e2e-First 1';
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Confirm password').fill(password);
  const submit = page.getByRole('button', { name: 'Set administrator password' });
  await expect(submit).toBeDisabled(); // no code yet
  await codeField.fill('AAAA-BBBB-CCCC');
  await submit.click();
  await expect(page.getByRole('alert')).toContainText('one-time code');
  await codeField.fill(code!);
  await submit.click();
  await expect(page.getByRole('heading', { level: 1, name: 'Directory Services' })).toBeVisible();
});
