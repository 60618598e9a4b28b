import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireWriterLock, currentBootId, procStartTime } from './writer-lock';

let dir: string;
let file: string;
let child: ChildProcess | null = null;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-lock-'));
  file = path.join(dir, 'archive.lock');
});
afterEach(() => {
  if (child?.pid) process.kill(child.pid, 'SIGKILL');
  child = null;
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A live process that is not this one (a sleeping child), and its start time. */
function liveForeign(): { pid: number; start: string | null } {
  child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  return { pid: child.pid!, start: procStartTime(child.pid!) };
}

const lockText = (o: Record<string, unknown>) =>
  JSON.stringify({ startedAt: '2026-12-05T07:00:00.000Z', token: 'theirs', ...o });
const onLinux = fs.existsSync('/proc/self/stat');

describe('the writer lock', () => {
  it('records pid, process start time and boot id, and removes itself on release', async () => {
    const lock = await acquireWriterLock(file);
    const written = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(written).toMatchObject({ pid: process.pid, token: lock.info.token });
    if (onLinux) {
      expect(written.processStart).toBe(procStartTime(process.pid));
      expect(written.bootId).toBe(currentBootId());
    }
    lock.release();
    lock.release();
    expect(fs.existsSync(file)).toBe(false);
  });

  it('names the lock file, the holder and since when while a live foreign process holds it', async () => {
    const { pid, start } = liveForeign();
    fs.writeFileSync(file, lockText({ pid, processStart: start, bootId: currentBootId() }));
    await expect(acquireWriterLock(file, { waitMs: 60, pollMs: 10 })).rejects.toMatchObject({
      code: 'busy',
      message: `another synchronization is running (the lock ${file} is held by process ${pid} since 2026-12-05T07:00:00.000Z)`,
    });
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({ token: 'theirs' });
  });

  it.runIf(onLinux)(
    'takes over a lock naming a live pid that is another program (pid reuse), with a log line',
    async () => {
      const { pid } = liveForeign();
      fs.writeFileSync(file, lockText({ pid, processStart: '1', bootId: currentBootId() }));
      const logged: string[] = [];
      const lock = await acquireWriterLock(file, { waitMs: 0, log: (m) => logged.push(m) });
      expect(logged).toEqual([
        `took over the stale lock ${file}: process ${pid} is another program than the one that took it`,
      ]);
      lock.release();
    },
  );

  it('takes over a lock from before a restart (another boot id), even where the pid is alive', async () => {
    const { pid, start } = liveForeign();
    fs.writeFileSync(file, lockText({ pid, processStart: start, bootId: 'an-earlier-boot' }));
    const logged: string[] = [];
    const lock = await acquireWriterLock(file, { waitMs: 0, bootId: 'this-boot', log: (m) => logged.push(m) });
    expect(logged[0]).toMatch(/ran before the last restart$/);
    lock.release();
  });

  it("takes over a lock naming this process's own pid that it does not hold (an earlier run)", async () => {
    fs.writeFileSync(file, lockText({ pid: process.pid }));
    const logged: string[] = [];
    const lock = await acquireWriterLock(file, { waitMs: 0, log: (m) => logged.push(m) });
    expect(logged[0]).toContain(`it names this process (${process.pid}) from an earlier run`);
    lock.release();
  });

  it('keeps a lock this process holds through another connection', async () => {
    const held = await acquireWriterLock(file);
    await expect(acquireWriterLock(file, { waitMs: 30, pollMs: 10 })).rejects.toMatchObject({ code: 'busy' });
    held.release();
    (await acquireWriterLock(file, { waitMs: 0 })).release();
  });

  it('judges a half-written lock by its age: waited for while young, taken over when old', async () => {
    fs.writeFileSync(file, '{"pid": 12');
    await expect(acquireWriterLock(file, { waitMs: 30, pollMs: 10 })).rejects.toMatchObject({
      code: 'busy',
      message: 'another synchronization is running',
    });
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(file, old, old);
    const logged: string[] = [];
    const lock = await acquireWriterLock(file, { waitMs: 0, log: (m) => logged.push(m) });
    expect(logged[0]).toMatch(/it was left unreadable \d+ s ago$/);
    lock.release();
  });

  it('says in one sentence that a lock path which is a directory is not a regular file', async () => {
    fs.mkdirSync(file);
    await expect(acquireWriterLock(file, { waitMs: 0 })).rejects.toMatchObject({
      code: 'config',
      message: `the lock ${file} is not a regular file (a directory); remove it and run again`,
    });
  });

  it('turns a failure to create the lock into one sentence and leaves nothing behind', async () => {
    const missing = path.join(dir, 'gone', 'archive.lock');
    await expect(acquireWriterLock(missing, { waitMs: 0 })).rejects.toMatchObject({
      code: 'unreadable',
      message: `cannot create the lock ${missing}: ENOENT`,
    });
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('does not remove a fresh lock another process made while a stale one was being judged (take-over race)', async () => {
    fs.writeFileSync(file, lockText({ pid: 999_999_999 }));
    const { pid, start } = liveForeign();
    const fresh = lockText({ pid, processStart: start, bootId: currentBootId(), token: 'fresh' });
    let swapped = false;
    const isAlive = (p: number) => {
      // Between our read of the stale lock and its removal, another process takes over first.
      if (p === 999_999_999 && !swapped) {
        swapped = true;
        fs.writeFileSync(file, fresh);
        return false;
      }
      return p === pid;
    };
    await expect(acquireWriterLock(file, { waitMs: 30, pollMs: 10, isAlive })).rejects.toMatchObject({
      code: 'busy',
    });
    expect(fs.readFileSync(file, 'utf8')).toBe(fresh);
  });

  it('on release leaves a lock that is no longer its own (taken over meanwhile)', async () => {
    const lock = await acquireWriterLock(file);
    const theirs = lockText({ pid: 1, token: 'other' });
    fs.writeFileSync(file, theirs);
    lock.release();
    expect(fs.readFileSync(file, 'utf8')).toBe(theirs);
    fs.rmSync(file);
    const again = await acquireWriterLock(file);
    fs.rmSync(file);
    again.release(); // already gone: no error
    expect(fs.existsSync(file)).toBe(false);
  });
});
