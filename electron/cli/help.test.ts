/**
 * The usage texts stay true: `mdsync --help` names the database repair commands, `users unlock`
 * and that the database flags apply to `server`; `mdsync server --help` is README.md's server
 * line, flag for flag, and every flag it parses is in it.
 */
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

const README = fs.readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
/** Whitespace folded, `...` and `…` alike. */
const fold = (t: string) =>
  t
    .replace(/\.\.\./g, '…')
    .replace(/\s+/g, ' ')
    .trim();
/** The flags a usage text names. */
const flags = (t: string) => [...new Set(t.match(/--[a-z][a-z-]*/g) ?? [])].sort();

describe('mdsync --help', () => {
  it('lists db check, db restore --from FILE, db init and users unlock NAME, and the database flags on server', async () => {
    const r = io();
    expect(await runCli(['--help'], r)).toBe(0);
    expect(r.out).toContain('mdsync db check [--data-dir D] [--json]');
    expect(r.out).toContain('mdsync db restore --from FILE [--data-dir D]');
    expect(r.out).toContain('mdsync db init [--data-dir D]');
    expect(r.out).toContain('mdsync users unlock NAME');
    expect(fold(r.out)).toContain('on test, sync, users, folders, archive, login and server');
    // The main usage's server lines name every flag `mdsync server --help` does, but the database ones ([db]).
    const server = io();
    expect(await runCli(['server', '--help'], server)).toBe(0);
    const mainServer = /^ {2}mdsync server[\s\S]*?the network service/m.exec(r.out)![0];
    expect(flags(mainServer)).toEqual(flags(server.out).filter((f) => !f.startsWith('--database')));
    expect(mainServer).toContain('[db]');
  });

  it("mdsync server --help is the README's server line, and the README's CLI block names the same flags", async () => {
    const r = io();
    expect(await runCli(['server', '--help'], r)).toBe(0);
    expect(r.out.startsWith('usage: mdsync server ')).toBe(true);
    const readme = /```sh\nnpx (mdsync server [^`]*)```/.exec(README)?.[1] ?? '';
    expect(fold(r.out.replace(/^usage: /, ''))).toBe(fold(readme));
    const block = /^mdsync server {2}[\s\S]*?mdsync server --help$/m.exec(README)?.[0] ?? '';
    expect(flags(block).filter((f) => f !== '--help')).toEqual(flags(r.out).filter((f) => !f.startsWith('--database')));
    expect(README).toContain('test, sync, users, folders, archive, login and server');
    for (const line of [
      'mdsync db check',
      'mdsync db restore --from FILE',
      'mdsync db init',
      'mdsync users unlock NAME',
    ])
      expect(README).toContain(line);
  });
});
