/**
 * Logon checks in worker threads, for the network service.
 *
 * A Directory Services logon is mostly the IMAP check: a TLS handshake with MDaemon, three
 * commands, the close. On the service's one JavaScript thread those checks queued behind HTTP,
 * sessions and the database, and the service could never use a second core for them: the thread
 * was the ceiling (`npm run bench -- server`). Here each check goes to the least busy of the
 * workers (dist/imap-worker.cjs, the same checkImapLogin), so handshakes run beside the thread
 * that answers requests. A worker that dies fails only its own checks (as a network failure, one
 * line in the log) and is replaced at the next check; where workers cannot start at all, checks
 * run on the calling thread as before.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ImapCheckResult } from '../../../shared/model';
import type { ImapSettings } from '../../../shared/settings';
import { checkImapLogin } from './imap-check';

/** One check, as posted to a worker. */
export interface CheckRequest {
  readonly id: number;
  readonly settings: ImapSettings;
  readonly user: string;
  readonly password: string;
}

/** A worker's answer to one {@link CheckRequest}. */
export interface CheckResponse {
  readonly id: number;
  readonly result: ImapCheckResult;
}

/** Checks run by workers. */
export interface CheckPool {
  /** Workers the pool keeps. */
  readonly size: number;
  check(settings: ImapSettings, user: string, password: string): Promise<ImapCheckResult>;
  /** Ends the workers; checks still running answer as failed. */
  close(): Promise<void>;
}

/**
 * Workers for a machine: one where there is a second core, none on a single core (a worker
 * would only compete with the thread that answers requests). Each worker is a JavaScript engine
 * of its own with imapflow loaded, 30–50 MB resident: one already takes the checks off the main
 * thread (about 500 IMAP-SSL checks/s on a 2-core machine), and more are the administrator's
 * choice (`--imap-workers`), memory against checks per second.
 */
export function defaultPoolSize(parallelism = os.availableParallelism()): number {
  return parallelism > 1 ? 1 : 0;
}

/** The worker's script next to this bundle (dist/imap-worker.cjs), or null when not built there. */
export function workerScript(dir: string = __dirname): string | null {
  const file = path.join(dir, 'imap-worker.cjs');
  return fs.existsSync(file) ? file : null;
}

interface Pending {
  readonly request: CheckRequest;
  readonly resolve: (r: ImapCheckResult) => void;
}

interface Slot {
  worker: Worker | null;
  /** The worker said it is loaded. */
  ready: boolean;
  readonly pending: Map<number, Pending>;
}

const failed = (message: string): ImapCheckResult => ({ ok: false, error: { code: 'network', message }, ms: 0 });

/** Workers in a row that died before they were ready, after which checks stay on this thread. */
const STARTS_BEFORE_GIVING_UP = 3;

/**
 * A pool of `size` workers running `script`. `onProblem` hears, in one line, a worker that
 * stopped or could not start (never a request's contents).
 */
export function createCheckPool(opts: {
  script: string;
  size: number;
  onProblem?: (message: string) => void;
  /** Runs checks a worker could not take (it never started); default checkImapLogin on this thread. */
  fallback?: (settings: ImapSettings, user: string, password: string) => Promise<ImapCheckResult>;
}): CheckPool {
  const fallback = opts.fallback ?? ((s, u, p) => checkImapLogin(s, u, p));
  const slots: Slot[] = Array.from({ length: Math.max(1, opts.size) }, () => ({
    worker: null,
    ready: false,
    pending: new Map(),
  }));
  let nextId = 1;
  let closed = false;
  /** Consecutive workers that died before they were ready. */
  let failedStarts = 0;
  const onThread = () => failedStarts >= STARTS_BEFORE_GIVING_UP;

  const runHere = (p: Pending) => {
    const { settings, user, password } = p.request;
    fallback(settings, user, password).then(p.resolve, (err: unknown) =>
      p.resolve(failed(`the IMAP check failed: ${err instanceof Error ? err.message : String(err)}`)),
    );
  };

  const start = (slot: Slot): Worker => {
    // A smaller young generation than V8's default: the checks' garbage is short-lived and small,
    // and the default let a busy worker grow by tens of megabytes more.
    const worker = new Worker(opts.script, { resourceLimits: { maxYoungGenerationSizeMb: 16 } });
    slot.ready = false;
    worker.unref();
    worker.on('message', (m: CheckResponse | { ready: true }) => {
      if ('ready' in m) {
        slot.ready = true;
        failedStarts = 0;
        return;
      }
      const p = slot.pending.get(m.id);
      if (!p) return;
      slot.pending.delete(m.id);
      if (slot.pending.size === 0) worker.unref();
      p.resolve(m.result);
    });
    worker.on('error', (err) => {
      if (!closed) opts.onProblem?.(`IMAP check worker failed: ${err.message}`);
    });
    worker.on('exit', (code) => {
      if (slot.worker !== worker) return;
      slot.worker = null;
      const waiting = [...slot.pending.values()];
      slot.pending.clear();
      if (!slot.ready) {
        // It never ran a check: what it was given runs here instead, and nobody's logon fails.
        failedStarts++;
        if (onThread())
          opts.onProblem?.(`IMAP check workers do not start (${opts.script}); logons are checked on the main thread`);
        waiting.forEach(runHere);
        return;
      }
      opts.onProblem?.(`IMAP check worker stopped (exit ${code}); a new one starts with the next check`);
      for (const p of waiting) p.resolve(failed('the IMAP check stopped unexpectedly'));
    });
    return worker;
  };
  try {
    for (const slot of slots) slot.worker = start(slot);
  } catch {
    // Reported, and left to the main thread, at the first check.
  }

  return {
    size: slots.length,
    check(settings, user, password) {
      if (closed) return Promise.resolve(failed('the service is stopping'));
      const id = nextId++;
      const request: CheckRequest = { id, settings, user, password };
      return new Promise((resolve) => {
        if (onThread()) {
          runHere({ request, resolve });
          return;
        }
        let slot = slots[0]!;
        for (const s of slots) if (s.pending.size < slot.pending.size) slot = s;
        let worker: Worker;
        try {
          worker = slot.worker ??= start(slot);
        } catch (err) {
          failedStarts = STARTS_BEFORE_GIVING_UP;
          opts.onProblem?.(
            `IMAP check workers cannot start (${err instanceof Error ? err.message : String(err)}); logons are checked on the main thread`,
          );
          runHere({ request, resolve });
          return;
        }
        if (slot.pending.size === 0) worker.ref();
        slot.pending.set(id, { request, resolve });
        worker.postMessage(request);
      });
    },
    async close() {
      closed = true;
      await Promise.all(
        slots.map(async (slot) => {
          const worker = slot.worker;
          slot.worker = null;
          for (const p of slot.pending.values()) p.resolve(failed('the service is stopping'));
          slot.pending.clear();
          if (worker) await worker.terminate();
        }),
      );
    },
  };
}
