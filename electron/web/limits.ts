/**
 * Small bounds for the web carrier: a token bucket (calls per connection) and a log limiter, so an
 * attacker's flood of bad requests costs one line each up to a rate, then one summary line.
 */
import type { Logger, LogLevel } from '../core/logger';

/** A token bucket: `burst` calls at once, then `perSecond`. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Takes one token; false when none is left. */
  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.last) / 1000) * this.perSecond);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** A logger for lines an attacker can cause: at most `perWindow` lines a window, then a count. */
export function limitedLog(
  logger: Logger,
  perWindow = 50,
  windowMs = 10_000,
): (level: LogLevel, message: string) => void {
  let windowStart = 0;
  let written = 0;
  let dropped = 0;
  return (level, message) => {
    const t = Date.now();
    if (t - windowStart >= windowMs) {
      if (dropped > 0) logger.log('warn', `${dropped} more lines about bad requests were left out`);
      windowStart = t;
      written = 0;
      dropped = 0;
    }
    if (written < perWindow) {
      written += 1;
      logger.log(level, message);
    } else dropped += 1;
  };
}

/** Text from a request for a log line: control characters escaped, at most `max` characters. */
export function printable(text: string, max = 120): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(cut).slice(1, -1);
}
