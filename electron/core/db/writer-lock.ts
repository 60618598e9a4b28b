/**
 * One writer at a time across processes (the app, the CLI, browser mode): a lock file beside
 * the database.
 *
 * The lock is created with O_EXCL and holds the owner's pid, a start time and a random token.
 * A lock whose process is gone (kill -9, power loss) is taken over; a live one is waited for a
 * few seconds, then the caller is told another synchronization is running.
 */
import fs from 'node:fs';
import crypto from 'node:crypto';
import { UserError } from '../../../shared/result';

/** What the lock file says. */
export interface LockInfo {
  readonly pid: number;
  readonly startedAt: string;
  readonly token: string;
}

/** How to wait for, and judge, a lock. */
export interface LockOptions {
  /** How long to wait for a live writer before giving up (default 5000 ms). */
  readonly waitMs?: number;
  /** Poll interval while waiting (default 50 ms). */
  readonly pollMs?: number;
  /** Our pid (default process.pid). */
  readonly pid?: number;
  /** Whether a pid is a running process (default: signal 0). */
  readonly isAlive?: (pid: number) => boolean;
  /** A lock file that cannot be parsed and is older than this is stale (default 10000 ms). */
  readonly unreadableStaleMs?: number;
  readonly now?: () => Date;
}

/** A held lock. */
export interface WriterLock {
  readonly info: LockInfo;
  /** Removes the lock if it is still ours; safe to call twice. */
  release(): void;
}

/** The default liveness check: signal 0 reaches a running process (EPERM: running, not ours). */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The error of a lock that stayed busy. */
export function busyError(): UserError {
  return new UserError('busy', 'another synchronization is running');
}

function readLock(file: string): { info: LockInfo | null; text: string; ageMs: number } | null {
  try {
    const text = fs.readFileSync(file, 'utf8');
    const ageMs = Date.now() - fs.statSync(file).mtimeMs;
    try {
      const raw = JSON.parse(text) as Partial<LockInfo>;
      if (typeof raw.pid === 'number' && typeof raw.token === 'string' && typeof raw.startedAt === 'string') {
        return { info: { pid: raw.pid, startedAt: raw.startedAt, token: raw.token }, text, ageMs };
      }
    } catch {
      // unparseable: judged by age below
    }
    return { info: null, text, ageMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function tryCreate(file: string, info: LockInfo): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new UserError(
      'unreadable',
      `cannot create the lock ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
  try {
    fs.writeFileSync(fd, JSON.stringify(info));
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

/**
 * Removes a stale lock, but only the one we judged: it is renamed away first (atomic), and put
 * back if what we moved turns out to be a fresh lock another process created meanwhile.
 */
function takeOver(file: string, staleText: string): void {
  const aside = `${file}.${crypto.randomBytes(6).toString('hex')}.stale`;
  try {
    fs.renameSync(file, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const moved = fs.readFileSync(aside, 'utf8');
  if (moved !== staleText) {
    try {
      fs.linkSync(aside, file);
    } catch {
      // someone created a new lock meanwhile; theirs stands
    }
  }
  fs.rmSync(aside, { force: true });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Takes the writer lock, waiting up to `waitMs` for a live holder; UserError('busy') after that. */
export async function acquireWriterLock(file: string, opts: LockOptions = {}): Promise<WriterLock> {
  const waitMs = opts.waitMs ?? 5000;
  const pollMs = opts.pollMs ?? 50;
  const isAlive = opts.isAlive ?? processIsAlive;
  const unreadableStaleMs = opts.unreadableStaleMs ?? 10000;
  const info: LockInfo = {
    pid: opts.pid ?? process.pid,
    startedAt: (opts.now?.() ?? new Date()).toISOString(),
    token: crypto.randomBytes(12).toString('hex'),
  };
  const deadline = Date.now() + waitMs;
  for (;;) {
    if (tryCreate(file, info)) return heldLock(file, info);
    const current = readLock(file);
    if (current) {
      const stale = current.info ? !isAlive(current.info.pid) : current.ageMs > unreadableStaleMs;
      if (stale) {
        takeOver(file, current.text);
        continue;
      }
    }
    if (Date.now() >= deadline) throw busyError();
    await sleep(Math.min(pollMs, Math.max(1, deadline - Date.now())));
  }
}

function heldLock(file: string, info: LockInfo): WriterLock {
  let released = false;
  return {
    info,
    release() {
      if (released) return;
      released = true;
      const current = readLock(file);
      if (current?.info?.token === info.token) fs.rmSync(file, { force: true });
    },
  };
}
