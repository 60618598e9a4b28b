import { describe, it } from 'vitest';

/**
 * A suite that needs something this machine may lack (PostgreSQL, the built service): with it,
 * the suite; without it, one skipped test whose name says what is missing, and the same line on
 * stderr, so both the console and every report show why.
 */
export function describeIfAvailable(name: string, missing: string | null, body: () => void): void {
  if (missing === null) describe(name, body);
  else {
    process.stderr.write(`${name}: skipped, ${missing}\n`);
    describe(name, () => it.skip(`skipped: ${missing}`, () => undefined));
  }
}
