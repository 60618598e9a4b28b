/** The service takes the SMTP password for good from systemd's credential `smtp-password`, and only from there. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { serviceSmtpPassword } from './serve';

let dir: string | null = null;
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = null;
});

it('reads the first line of the smtp-password credential', () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-cred-'));
  fs.writeFileSync(path.join(dir, 'smtp-password'), 'Smtp Cred 1\nignored\n');
  expect(serviceSmtpPassword({ CREDENTIALS_DIRECTORY: dir })).toBe('Smtp Cred 1');
});

it('is null without the credential, its directory, or with an empty one', () => {
  expect(serviceSmtpPassword({})).toBeNull();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-cred-'));
  expect(serviceSmtpPassword({ CREDENTIALS_DIRECTORY: dir })).toBeNull();
  fs.writeFileSync(path.join(dir, 'smtp-password'), '\n');
  expect(serviceSmtpPassword({ CREDENTIALS_DIRECTORY: dir })).toBeNull();
});
