import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serviceSharePassword } from './serve';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-share-pw-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const at = path.join(dir, name);
  fs.writeFileSync(at, text, { mode: 0o600 });
  return at;
}

describe('serviceSharePassword: where the service takes the share password from', () => {
  it('takes the first line of --share-password-file, or of standard input for "-"', () => {
    expect(serviceSharePassword({}, { path: file('pw', 'From-File-1\nignored\n') })).toEqual({
      password: 'From-File-1',
      warning: null,
    });
    expect(serviceSharePassword({}, { path: '-', stdin: 'From-Stdin-1\r\n' })).toEqual({
      password: 'From-Stdin-1',
      warning: null,
    });
  });

  it('refuses an empty or unreadable file in one line', () => {
    expect(() => serviceSharePassword({}, { path: file('empty', '\n') })).toThrow(/share password file .* is empty/);
    expect(() => serviceSharePassword({}, { path: path.join(dir, 'none') })).toThrow(
      /cannot read the share password file .*: ENOENT$/,
    );
  });

  it('takes systemd\'s credential "share-password" before the environment', () => {
    const creds = fs.mkdtempSync(path.join(dir, 'creds-'));
    fs.writeFileSync(path.join(creds, 'share-password'), 'From-Credential-1\n');
    const env: NodeJS.ProcessEnv = { CREDENTIALS_DIRECTORY: creds, MDSYNC_SHARE_PASSWORD: 'From-Env-1' };
    expect(serviceSharePassword(env)).toEqual({ password: 'From-Credential-1', warning: null });
    expect(env.MDSYNC_SHARE_PASSWORD).toBeUndefined();
  });

  it('falls back to MDSYNC_SHARE_PASSWORD, removed once read; a file wins over it, with a warning', () => {
    const env: NodeJS.ProcessEnv = { MDSYNC_SHARE_PASSWORD: 'From-Env-1', CREDENTIALS_DIRECTORY: path.join(dir, 'x') };
    expect(serviceSharePassword(env)).toEqual({ password: 'From-Env-1', warning: null });
    expect(env.MDSYNC_SHARE_PASSWORD).toBeUndefined();
    expect(serviceSharePassword({ MDSYNC_SHARE_PASSWORD: 'From-Env-1' }, { path: file('pw2', 'From-File-2') })).toEqual(
      {
        password: 'From-File-2',
        warning: 'MDSYNC_SHARE_PASSWORD was ignored: --share-password-file wins',
      },
    );
    expect(serviceSharePassword({})).toEqual({ password: null, warning: null });
  });
});
