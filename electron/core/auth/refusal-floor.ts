/**
 * The time floor of a refused logon. Every refusal (unknown name, no password, wrong password,
 * MDaemon down) is answered no sooner than the floor, so its timing does not tell them apart. A
 * fixed floor is not enough where MDaemon is slow to refuse: it delays a failed LOGIN itself
 * (Dovecot by 2 s by default), or, while it is down, a check waits for its timeout. A Directory
 * Services user's wrong password would then answer later than an unknown name. So the floor
 * follows the recent refused checks that went to MDaemon: the median of the last ones, never
 * below the configured floor, never above a bound that keeps a connection from waiting for ever.
 */

/** The highest the floor follows MDaemon to. */
export const MAX_REFUSAL_FLOOR_MS = 15_000;
/** How many recent refused MDaemon checks the floor looks at. */
const KEPT = 32;

/** The floor of one authenticator. */
export class RefusalFloor {
  private readonly recent: number[] = [];

  constructor(
    private readonly minMs: number,
    private readonly maxMs = MAX_REFUSAL_FLOOR_MS,
  ) {}

  /** Records how long a refused check that went to MDaemon took. */
  record(ms: number): void {
    this.recent.push(Math.max(0, ms));
    if (this.recent.length > KEPT) this.recent.shift();
  }

  /** The floor now: the median of the recent MDaemon refusals, within [min, max]. */
  ms(): number {
    if (this.recent.length === 0) return this.minMs;
    const sorted = [...this.recent].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    const cap = Math.max(this.minMs, this.maxMs);
    return Math.min(cap, Math.max(this.minMs, median));
  }
}
