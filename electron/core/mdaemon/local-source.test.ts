/**
 * Reading a local App directory on real files: only regular files (a FIFO would never finish).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalSource } from './local-source';

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-local-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const canMkfifo = process.platform !== 'win32' && spawnSync('mkfifo', ['--version']).status === 0;
if (!canMkfifo) process.stderr.write('local-source.test.ts: the FIFO case is skipped: mkfifo is not available\n');

describe('a local App directory', () => {
  it.runIf(canMkfifo)('refuses a USERLIST.DAT that is a FIFO in one sentence instead of hanging', async () => {
    const fifo = path.join(dir, 'USERLIST.DAT');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    await expect(createLocalSource(dir).readFile('USERLIST.DAT')).rejects.toMatchObject({
      code: 'unreadable',
      message: `${fifo} is not a regular file (a FIFO); only regular files are read`,
    });
  });

  it('reads a file that holds still, with its size and time', async () => {
    const file = path.join(dir, 'userlist.dat');
    fs.writeFileSync(file, 'abc');
    const got = await createLocalSource(dir).readFile('USERLIST.DAT');
    expect(got).toMatchObject({ size: 3, mtimeMs: fs.statSync(file).mtimeMs });
    expect(got?.data.toString()).toBe('abc');
  });
});
