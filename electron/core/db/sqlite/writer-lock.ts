/**
 * One writer at a time across processes (the app, the CLI, browser mode): a lock file beside
 * the database.
 *
 * The lock is created with O_EXCL and names its holder by pid, that process's start time
 * (/proc/PID/stat field 22) and the boot id, so a pid reused after a reboot or a container
 * restart is not taken for the holder. A lock whose holder is not that same live process, or
 * is this process without holding it now (an earlier run with the same pid), is stale and taken
 * over with a log line; a live one is waited for a few seconds, then the caller is told who
 * holds it and since when.
 */
import fs from 'node:fs';
import crypto from 'node:crypto';
import { UserError } from '../../../../shared/result';
import { writeProblem } from '../../write-error';
import type { LockOptions } from '../port';
import { busyError } from '../store-common';

export type { LockOptions } from '../port';
export { busyError } from '../store-common';

/** What the lock file says. */
export interface LockInfo {
  readonly pid: number;
  readonly startedAt: string;
  readonly token: string;
  /** The holder's start time in clock ticks since boot (/proc/PID/stat field 22), or null off Linux. */
  readonly processStart?: string | null;
  /** /proc/sys/kernel/random/boot_id when the lock was taken, or null off Linux. */
  readonly bootId?: string | null;
}

/** A held lock. */
export interface WriterLock {
  readonly info: LockInfo;
  /** Removes the lock if it is still ours; safe to call twice. */
  release(): void;
}

/** Tokens of the locks this process holds now: a lock with our pid and another token is left over. */
const HELD = new Set<string>();

/** The default liveness check: signal 0 reaches a running process (EPERM: running, not ours). */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A process's start time from /proc/PID/stat (field 22, after the parenthesised name), or null. */
export function procStartTime(pid: number): string | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null; // fields[0] is field 3 (state)
  } catch {
    return null;
  }
}

/** This boot's id, or null where the platform has none. */
export function currentBootId(): string | null {
  try {
    return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
  } catch {
    return null;
  }
}

interface ReadLock {
  readonly info: LockInfo | null;
  readonly text: string;
  readonly ageMs: number;
}

function notRegular(file: string, what: string): UserError {
  return new UserError('config', `the lock ${file} is not a regular file (${what}); remove it and run again`);
}

function readLock(file: string): ReadLock | null {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UserError('unreadable', `cannot read the lock ${file}: ${(err as NodeJS.ErrnoException).code}`);
  }
  if (!st.isFile()) throw notRegular(file, st.isDirectory() ? 'a directory' : 'not a file');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UserError('unreadable', `cannot read the lock ${file}: ${(err as NodeJS.ErrnoException).code}`);
  }
  const ageMs = Date.now() - st.mtimeMs;
  try {
    const raw = JSON.parse(text) as Partial<LockInfo>;
    if (typeof raw.pid === 'number' && typeof raw.token === 'string' && typeof raw.startedAt === 'string') {
      return { info: raw as LockInfo, text, ageMs };
    }
  } catch {
    // unparseable (half written): judged by age
  }
  return { info: null, text, ageMs };
}

function tryCreate(file: string, info: LockInfo): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx', 0o600);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code === 'EISDIR') throw notRegular(file, 'a directory');
    throw new UserError('unreadable', `cannot create the lock ${file}: ${writeProblem(err, file, 1)}`);
  }
  try {
    fs.writeFileSync(fd, JSON.stringify(info));
    fs.closeSync(fd);
  } catch (err) {
    // No empty or half-written lock is left to block the next run.
    try {
      fs.closeSync(fd);
    } catch {
      // already closed
    }
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: the file was just created by us; `force` only guards a vanished one
    fs.rmSync(file, { force: true });
    throw new UserError('unreadable', `cannot write the lock ${file}: ${writeProblem(err, file, 1)}`);
  }
  return true;
}

/**
 * Removes a lock, but only the one we judged: it is renamed away first (atomic), and put back
 * if what we moved turns out to be another (a fresh lock another process created meanwhile).
 * True when the judged lock was removed.
 */
function removeJudged(file: string, judgedText: string): boolean {
  const aside = `${file}.${crypto.randomBytes(6).toString('hex')}.stale`;
  try {
    fs.renameSync(file, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  const moved = fs.readFileSync(aside, 'utf8');
  const ours = moved === judgedText;
  if (!ours) {
    try {
      fs.linkSync(aside, file);
    } catch {
      // someone created a new lock meanwhile; theirs stands
    }
  }
  // Stryker disable next-line ObjectLiteral,BooleanLiteral: `aside` was just made by our rename; `force` only guards a vanished one
  fs.rmSync(aside, { force: true });
  return ours;
}

/** Why a lock's holder is not a live process holding it, or null when it is. */
function staleReason(
  lock: ReadLock,
  ctx: Required<Pick<LockOptions, 'isAlive' | 'processStart' | 'unreadableStaleMs'>> & {
    pid: number;
    bootId: string | null;
  },
): string | null {
  const info = lock.info;
  if (!info)
    return lock.ageMs > ctx.unreadableStaleMs ? `it was left unreadable ${Math.round(lock.ageMs / 1000)} s ago` : null;
  if (info.bootId && ctx.bootId && info.bootId !== ctx.bootId) return `process ${info.pid} ran before the last restart`;
  if (info.pid === ctx.pid)
    return HELD.has(info.token) ? null : `it names this process (${info.pid}) from an earlier run`;
  if (!ctx.isAlive(info.pid)) return `process ${info.pid} is gone`;
  const start = ctx.processStart(info.pid);
  if (info.processStart && start && start !== info.processStart)
    return `process ${info.pid} is another program than the one that took it`;
  return null;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Takes the writer lock, waiting up to `waitMs` for a live holder; UserError('busy') after that. */
export async function acquireWriterLock(file: string, opts: LockOptions = {}): Promise<WriterLock> {
  const waitMs = opts.waitMs ?? 5000;
  const pollMs = opts.pollMs ?? 50;
  const pid = opts.pid ?? process.pid;
  const processStart = opts.processStart ?? procStartTime;
  const ctx = {
    pid,
    isAlive: opts.isAlive ?? processIsAlive,
    processStart,
    unreadableStaleMs: opts.unreadableStaleMs ?? 10000,
    bootId: opts.bootId === undefined ? currentBootId() : opts.bootId,
  };
  const info: LockInfo = {
    pid,
    startedAt: (opts.now?.() ?? new Date()).toISOString(),
    token: crypto.randomBytes(12).toString('hex'),
    processStart: processStart(pid),
    bootId: ctx.bootId,
  };
  const deadline = Date.now() + waitMs;
  let holder: LockInfo | null = null;
  for (;;) {
    if (tryCreate(file, info)) return heldLock(file, info);
    const current = readLock(file);
    if (current) {
      holder = current.info;
      const stale = staleReason(current, ctx);
      if (stale) {
        if (removeJudged(file, current.text)) opts.log?.(`took over the stale lock ${file}: ${stale}`);
        continue;
      }
    }
    if (Date.now() >= deadline) throw busyError(file, holder ?? undefined);
    await sleep(Math.min(pollMs, Math.max(1, deadline - Date.now())));
  }
}

function heldLock(file: string, info: LockInfo): WriterLock {
  HELD.add(info.token);
  let released = false;
  return {
    info,
    release() {
      if (released) return;
      // Stryker disable next-line BooleanLiteral: a second release finds the file gone or another token, and does nothing either way
      released = true;
      HELD.delete(info.token);
      try {
        const current = readLock(file);
        // Stryker disable next-line OptionalChaining: the TypeError of a missing lock or info is caught below, leaving the file alike
        if (current?.info?.token === info.token) removeJudged(file, current.text);
      } catch {
        // the lock path is no longer ours to judge (replaced by a directory): leave it
      }
    },
  };
}
