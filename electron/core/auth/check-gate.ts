/**
 * A global bound on password checks in flight (scrypt on the thread pool, IMAP logons): at most
 * `maxInFlight` run at once (about twice the cores), at most `maxQueued` wait, and beyond that
 * an attempt is refused at once ("the service is busy") instead of piling up. A queued check
 * whose client has gone (its signal aborted) is dropped without running.
 */
import os from 'node:os';

/** Why a check did not run. */
export type GateRefusal = 'busy' | 'gone';

/** The default bound: twice the cores (at least 2), and a queue twice as long. */
export function defaultGateSize(): { maxInFlight: number; maxQueued: number } {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const maxInFlight = Math.max(2, 2 * cores);
  return { maxInFlight, maxQueued: 2 * maxInFlight };
}

/**
 * The bound of IMAP checks: they mostly wait on MDaemon (a TLS handshake and two commands), so more
 * may run than the cores, but not without end: 8 per core (at least 16, at most 64), a queue as long.
 */
export function imapGateSize(): { maxInFlight: number; maxQueued: number } {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const maxInFlight = Math.min(64, Math.max(16, 8 * cores));
  return { maxInFlight, maxQueued: maxInFlight };
}

interface Waiter {
  start(): void;
  signal?: AbortSignal;
}

/** Runs checks under the global bound. */
export class CheckGate {
  private running = 0;
  private readonly queue: Waiter[] = [];

  constructor(
    private readonly maxInFlight = defaultGateSize().maxInFlight,
    private readonly maxQueued = defaultGateSize().maxQueued,
  ) {}

  /** Checks running and waiting now. */
  get load(): { running: number; queued: number } {
    return { running: this.running, queued: this.queue.length };
  }

  /** Runs `check` when a place is free; refuses at once when the queue is full, drops it when its client went. */
  async run<T>(
    check: () => Promise<T>,
    signal?: AbortSignal,
  ): Promise<{ ran: true; value: T } | { ran: false; why: GateRefusal }> {
    if (signal?.aborted) return { ran: false, why: 'gone' };
    if (this.running >= this.maxInFlight) {
      if (this.queue.length >= this.maxQueued) return { ran: false, why: 'busy' };
      const started = await new Promise<boolean>((resolve) => {
        const waiter: Waiter = { start: () => resolve(true), signal };
        this.queue.push(waiter);
        signal?.addEventListener(
          'abort',
          () => {
            const i = this.queue.indexOf(waiter);
            if (i >= 0) {
              this.queue.splice(i, 1);
              resolve(false);
            }
          },
          { once: true },
        );
      });
      if (!started) return { ran: false, why: 'gone' };
    } else {
      this.running++;
    }
    try {
      return { ran: true, value: await check() };
    } finally {
      this.release();
    }
  }

  /** Hands the place to the next live waiter, or frees it. */
  private release(): void {
    for (let next = this.queue.shift(); next; next = this.queue.shift()) {
      if (next.signal?.aborted) continue;
      next.start(); // the place passes on: `running` stays
      return;
    }
    this.running--;
  }
}

/** Checks in flight per key (this process): the one-per-user-name and few-per-address limits. */
export class InFlight {
  private readonly counts = new Map<string, number>();
  /** Takes a place under every key; or none, naming the first key that is full. */
  tryTake(keys: readonly [string, number][]): { release: () => void } | { full: string } {
    const full = keys.find(([k, max]) => (this.counts.get(k) ?? 0) >= max);
    if (full) return { full: full[0] };
    for (const [k] of keys) this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
    return {
      release: () => {
        for (const [k] of keys) {
          const n = (this.counts.get(k) ?? 1) - 1;
          if (n <= 0) this.counts.delete(k);
          else this.counts.set(k, n);
        }
      },
    };
  }
}
