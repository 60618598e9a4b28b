import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { acquireWriterLock, currentBootId, processIsAlive, procStartTime } from './writer-lock';

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
  if (child?.pid) process.kill(child.pid, 'SIGKILL');
  child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  return { pid: child.pid!, start: procStartTime(child.pid!) };
}

const lockText = (o: Record<string, unknown>) =>
  JSON.stringify({ startedAt: '2026-12-05T07:00:00.000Z', token: 'theirs', ...o });
const onLinux = fs.existsSync('/proc/self/stat');
if (!onLinux)
  process.stderr.write(
    `writer-lock.test.ts: the two /proc cases (pid reuse, start time and boot id) are skipped: no /proc here (${process.platform})\n`,
  );

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

/** An errno error as fs throws it. */
const errno = (code: string) => Object.assign(new Error(`${code}: simulated`), { code });

describe('the writer lock, its holder and its clock', () => {
  afterEach(() => vi.restoreAllMocks());

  it('tells a running process from a gone one; a process of another user (EPERM) is running', async () => {
    expect(processIsAlive(process.pid)).toBe(true);
    const gone = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((resolve) => gone.on('exit', resolve));
    expect(processIsAlive(gone.pid!)).toBe(false);
    vi.spyOn(process, 'kill').mockImplementation(() => {
      throw errno('EPERM');
    });
    expect(processIsAlive(gone.pid!)).toBe(true);
  });

  it.runIf(onLinux)('reads a start time in clock ticks since boot, and the boot id as a UUID', () => {
    const { pid } = liveForeign();
    const uptimeTicks = Number(fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 100;
    // A process just started began a moment ago: within a minute of the uptime (100 ticks a second).
    expect(Math.abs(Number(procStartTime(pid)) - uptimeTicks)).toBeLessThan(6000);
    expect(procStartTime(999_999_999)).toBeNull();
    expect(currentBootId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    // Where the platform has none (or an empty one), no boot id.
    const read = vi.spyOn(fs, 'readFileSync').mockReturnValue('\n');
    expect(currentBootId()).toBeNull();
    read.mockImplementation(() => {
      throw errno('ENOENT');
    });
    expect(currentBootId()).toBeNull();
  });

  it('takes over the lock of a gone process without a log function, saying so when there is one', async () => {
    fs.writeFileSync(file, lockText({ pid: 999_999_999 }));
    (await acquireWriterLock(file, { waitMs: 0 })).release();
    fs.writeFileSync(file, lockText({ pid: 999_999_999 }));
    const logged: string[] = [];
    (await acquireWriterLock(file, { waitMs: 0, log: (m) => logged.push(m) })).release();
    expect(logged).toEqual([`took over the stale lock ${file}: process 999999999 is gone`]);
    expect(fs.readdirSync(dir)).toEqual([]); // the stale lock was moved aside, then removed
  });

  it('keeps a live holder whose start time or boot is unknown (a lock written off Linux)', async () => {
    const { pid } = liveForeign();
    fs.writeFileSync(file, lockText({ pid, processStart: null, bootId: null }));
    await expect(acquireWriterLock(file, { waitMs: 0 })).rejects.toMatchObject({ code: 'busy' });
    fs.writeFileSync(file, lockText({ pid, bootId: 'an-earlier-boot' }));
    await expect(acquireWriterLock(file, { waitMs: 0, bootId: null })).rejects.toMatchObject({ code: 'busy' });
  });

  it('judges well-formed JSON that lacks a number pid, a token or a start time like a half-written lock', async () => {
    const { pid } = liveForeign();
    for (const text of [
      JSON.stringify({ pid: String(pid), token: 't', startedAt: 's' }),
      JSON.stringify({ pid, startedAt: 's' }),
      JSON.stringify({ pid, token: 't' }),
    ]) {
      fs.writeFileSync(file, text);
      await expect(acquireWriterLock(file, { waitMs: 0 })).rejects.toMatchObject({
        message: 'another synchronization is running',
      });
    }
  });

  it('counts the age of a half-written lock in whole seconds, stale only once older than the limit', async () => {
    const now = Math.floor(Date.now() / 1000) * 1000;
    vi.useFakeTimers({ toFake: ['Date'], now });
    try {
      fs.writeFileSync(file, '{"pid": 12');
      const at = (ms: number) => fs.utimesSync(file, (now - ms) / 1000, (now - ms) / 1000);
      at(10_000);
      await expect(acquireWriterLock(file, { waitMs: 0 })).rejects.toMatchObject({ code: 'busy' });
      at(61_000);
      const logged: string[] = [];
      (await acquireWriterLock(file, { waitMs: 0, log: (m) => logged.push(m) })).release();
      expect(logged).toEqual([`took over the stale lock ${file}: it was left unreadable 61 s ago`]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('polls a live holder (every 50 ms by default) and goes on as soon as it ends, however long the wait', async () => {
    const { pid } = liveForeign();
    fs.writeFileSync(file, lockText({ pid, processStart: procStartTime(pid), bootId: currentBootId() }));
    let asked = 0;
    const isAlive = () => ++asked < 3;
    const lock = await acquireWriterLock(file, { waitMs: 60_000, pollMs: 10, isAlive });
    expect(asked).toBe(3);
    lock.release();
    fs.writeFileSync(file, lockText({ pid, processStart: procStartTime(pid), bootId: currentBootId() }));
    asked = 0;
    await expect(acquireWriterLock(file, { waitMs: 600, isAlive: () => ++asked > 0 })).rejects.toMatchObject({
      code: 'busy',
    });
    expect(asked).toBeLessThan(25);
  });

  it('never sleeps past its deadline, however long the poll interval', async () => {
    const { pid } = liveForeign();
    fs.writeFileSync(file, lockText({ pid, processStart: procStartTime(pid), bootId: currentBootId() }));
    await expect(acquireWriterLock(file, { waitMs: 30, pollMs: 600_000 })).rejects.toMatchObject({ code: 'busy' });
  }, 5000);

  it('a released lock is no longer held: a copy of it left behind is an earlier run', async () => {
    const lock = await acquireWriterLock(file);
    const text = fs.readFileSync(file, 'utf8');
    lock.release();
    fs.writeFileSync(file, text);
    const logged: string[] = [];
    (await acquireWriterLock(file, { waitMs: 0, log: (m) => logged.push(m) })).release();
    expect(logged[0]).toContain('from an earlier run');
  });
});

describe('the writer lock when the file system answers unexpectedly', () => {
  afterEach(() => vi.restoreAllMocks());

  const liveLock = () => {
    const { pid } = liveForeign();
    fs.writeFileSync(file, lockText({ pid, processStart: procStartTime(pid), bootId: currentBootId() }));
  };
  /** Makes fs.NAME throw `code` once on the lock (after `before`, when given), then behave again. */
  function failOnce(
    name: 'lstatSync' | 'readFileSync' | 'renameSync' | 'writeFileSync',
    code: string,
    before?: () => void,
  ) {
    const real = fs[name] as (...a: unknown[]) => unknown;
    let failed = false;
    vi.spyOn(fs, name as 'lstatSync').mockImplementation(((...a: unknown[]) => {
      // The lock by its name, or (writeFileSync) by its descriptor; /proc and the rest as usual.
      if (failed || (a[0] !== file && typeof a[0] !== 'number')) return real(...a);
      failed = true;
      before?.();
      throw errno(code);
    }) as typeof fs.lstatSync);
  }

  it('retries when the holder releases between the attempt to create and the read', async () => {
    for (const name of ['lstatSync', 'readFileSync'] as const) {
      liveLock();
      failOnce(name, 'ENOENT', () => fs.rmSync(file));
      (await acquireWriterLock(file, { waitMs: 5000, pollMs: 10 })).release();
      vi.restoreAllMocks();
    }
  }, 5000);

  it('says in one sentence that a lock cannot be read', async () => {
    for (const name of ['lstatSync', 'readFileSync'] as const) {
      liveLock();
      failOnce(name, 'EIO');
      await expect(acquireWriterLock(file, { waitMs: 0 })).rejects.toMatchObject({
        code: 'unreadable',
        message: `cannot read the lock ${file}: EIO`,
      });
      vi.restoreAllMocks();
    }
  });

  it('says that a symbolic link or a path ending in a slash is not a regular file', async () => {
    fs.symlinkSync(path.join(dir, 'elsewhere'), file);
    await expect(acquireWriterLock(file, { waitMs: 0 })).rejects.toMatchObject({
      code: 'config',
      message: `the lock ${file} is not a regular file (not a file); remove it and run again`,
    });
    const slashed = path.join(dir, 'other.lock') + path.sep;
    await expect(acquireWriterLock(slashed, { waitMs: 0 })).rejects.toMatchObject({
      code: 'config',
      message: `the lock ${slashed} is not a regular file (a directory); remove it and run again`,
    });
  });

  it('leaves no lock and no open file behind when writing the lock fails (a full disk)', async () => {
    const fds = () => fs.readdirSync('/proc/self/fd').length;
    const before = onLinux ? fds() : 0;
    for (let i = 0; i < 20; i++) {
      failOnce('writeFileSync', 'ENOSPC');
      await expect(acquireWriterLock(file, { waitMs: 0 })).rejects.toMatchObject({
        code: 'unreadable',
        message: `cannot write the lock ${file}: the disk holding ${dir} is full: 1 MB needed`,
      });
      expect(fs.existsSync(file)).toBe(false);
      vi.restoreAllMocks();
      (await acquireWriterLock(file, { waitMs: 0 })).release();
    }
    if (onLinux) expect(fds() - before).toBeLessThan(10);
  });

  it('goes on when a stale lock vanishes while judged, and reports a failure to move it aside', async () => {
    fs.writeFileSync(file, lockText({ pid: 999_999_999 }));
    const logged: string[] = [];
    const isAlive = (p: number) => (p === 999_999_999 && fs.rmSync(file), false);
    (await acquireWriterLock(file, { waitMs: 0, isAlive, log: (m) => logged.push(m) })).release();
    expect(logged).toEqual([]);
    fs.writeFileSync(file, lockText({ pid: 999_999_999 }));
    failOnce('renameSync', 'EIO');
    await expect(acquireWriterLock(file, { waitMs: 0 })).rejects.toMatchObject({ code: 'EIO' });
  });
});
