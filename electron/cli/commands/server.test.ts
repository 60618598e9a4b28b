/** `mdsync server`'s bad input: one line, exit 2, nothing started or written. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../main';
import type { CliIo } from '../io';
import { parseDuration, parseListen } from './server';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-server-cli-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    readStdin: () => Promise.resolve(''),
    env: {},
    defaultDataDir: path.join(dir, 'default'),
  };
  const code = await runCli(['server', ...args], io);
  return { code, stdout, stderr };
}

describe('mdsync server', () => {
  it('parses --listen and durations', () => {
    expect(parseListen('0.0.0.0:8443')).toEqual({ host: '0.0.0.0', port: 8443 });
    expect(parseListen('[::]:8443')).toEqual({ host: '::', port: 8443 });
    expect(parseListen('9443')).toEqual({ host: '127.0.0.1', port: 9443 });
    expect(parseListen('archive.example.com:443')).toEqual({ host: 'archive.example.com', port: 443 });
    expect(parseDuration('90s', '--x')).toBe(90_000);
    expect(parseDuration('30', '--x')).toBe(1_800_000);
    expect(parseDuration('12h', '--x')).toBe(43_200_000);
  });

  it.each([
    [['--listen', 'nonsense:port'], /--listen must be HOST:PORT/],
    [['--listen', '1.2.3.4:99999'], /--listen must be HOST:PORT/],
    [['--tls-cert', 'a.pem'], /--tls-cert and --tls-key go together/],
    [['--session-idle', 'forever'], /--session-idle must be a duration/],
    [['--max-connections-per-address', '0'], /--max-connections-per-address must be/],
    [['--imap-workers', '17'], /--imap-workers must be a whole number from 0 to 16/],
    [['--imap-workers', '-1'], /--imap-workers must be a whole number from 0 to 16, not "-1"/],
    [['--imap-workers', 'many'], /--imap-workers must be a whole number from 0 to 16/],
    [['--bogus'], /Unknown option/],
  ])('refuses %j in one line with exit 2', async (args, message) => {
    const r = await run(['--data-dir', path.join(dir, 'd1'), ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
    expect(fs.existsSync(path.join(dir, 'd1'))).toBe(false);
  });

  it('refuses unreadable or mismatched PEM files in one line, exit 2', async () => {
    const cert = path.join(dir, 'cert.pem');
    fs.writeFileSync(cert, 'not a certificate');
    const missing = await run([
      '--data-dir',
      path.join(dir, 'd2'),
      '--tls-cert',
      cert,
      '--tls-key',
      path.join(dir, 'nope.key'),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^mdsync server: cannot read the private key .*nope\.key: ENOENT\n$/);
    const key = path.join(dir, 'key.pem');
    fs.writeFileSync(key, 'not a key');
    const bad = await run(['--data-dir', path.join(dir, 'd2'), '--tls-cert', cert, '--tls-key', key]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('mdsync server: the certificate is not a PEM X.509 certificate\n');
    expect(fs.existsSync(path.join(dir, 'd2'))).toBe(false);
  });
});
