/** The file logger: lines appended, owner-only file, rotation followed, failures swallowed. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileLogger } from './logger';

let dir = '';
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('createFileLogger', () => {
  it('appends one line per event (line breaks in messages folded), to a file only its owner reads', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-log-'));
    const file = path.join(dir, 'logs', 'mdsync.log');
    fs.mkdirSync(path.dirname(file));
    fs.writeFileSync(file, 'earlier line\n', { mode: 0o600 });
    const logger = createFileLogger(file, () => new Date('2026-12-02T10:00:00.000Z'));
    logger.log('info', 'logon: bob from 192.0.2.7');
    logger.log('warn', 'two\r\nlines');
    expect(fs.readFileSync(file, 'utf8')).toBe(
      'earlier line\n2026-12-02T10:00:00.000Z INFO logon: bob from 192.0.2.7\n2026-12-02T10:00:00.000Z WARN two lines\n',
    );
    const fresh = path.join(dir, 'new', 'mdsync.log');
    createFileLogger(fresh).log('info', 'x');
    if (process.platform !== 'win32') expect(fs.statSync(fresh).mode & 0o777).toBe(0o600);
  });

  it('writes to a new file at the path after the old one was moved away or deleted', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-log-'));
    const file = path.join(dir, 'mdsync.log');
    let t = Date.parse('2026-12-02T10:00:00.000Z');
    const logger = createFileLogger(file, () => new Date(t));
    logger.log('info', 'one');
    fs.renameSync(file, `${file}.1`);
    t += 5000;
    logger.log('info', 'two');
    fs.rmSync(file);
    t += 5000;
    logger.log('info', 'three');
    expect(fs.readFileSync(`${file}.1`, 'utf8')).toMatch(/ INFO one\n$/);
    expect(fs.readFileSync(file, 'utf8')).toMatch(/^\S+ INFO three\n$/);
  });

  it('never throws when the file cannot be written, and writes again once it can', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-log-'));
    const blocker = path.join(dir, 'not-a-dir');
    fs.writeFileSync(blocker, '');
    const logger = createFileLogger(path.join(blocker, 'mdsync.log'));
    expect(() => logger.log('error', 'lost')).not.toThrow();
    fs.rmSync(blocker);
    logger.log('info', 'kept');
    expect(fs.readFileSync(path.join(blocker, 'mdsync.log'), 'utf8')).toMatch(/ INFO kept\n$/);
  });
});
