import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from './io';
import { runCli } from './main';

function io(): CliIo & { out: string; err: string } {
  const r = {
    out: '',
    err: '',
    stdout: (t: string) => void (r.out += t),
    stderr: (t: string) => void (r.err += t),
    readStdin: () => Promise.resolve(''),
    env: {},
    defaultDataDir: path.join(os.tmpdir(), 'mdsync-never-used'),
  };
  return r;
}

describe('mdsync dispatcher', () => {
  it('prints its usage, and refuses unknown commands with exit 2', async () => {
    const a = io();
    expect(await runCli(['--help'], a)).toBe(0);
    expect(a.out).toContain('mdsync imap-check --user U --password-stdin');
    expect(a.out).toContain('--login-method auto|login|plain');
    const b = io();
    expect(await runCli(['frobnicate'], b)).toBe(2);
    expect(b.err).toBe('mdsync: unknown command "frobnicate"; see mdsync --help\n');
  });

  it('turns a data directory that is a file into one line and exit 2, not an internal error', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-cli-')), 'afile');
    fs.writeFileSync(file, 'x');
    const r = io();
    expect(await runCli(['users', '--data-dir', file], r)).toBe(2);
    expect(r.err).toMatch(/^mdsync users: cannot use .*afile.*: a file is in the way \(a directory was expected\)\n$/);
    expect(r.err).not.toContain('internal error');
  });
});
