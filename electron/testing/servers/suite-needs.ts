import { describe, it, type TestFunction } from 'vitest';

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

/**
 * One test that needs something this machine may lack (Linux's /proc, PostgreSQL): with it, the
 * test; without it, a skipped test whose name says what is missing, and that line on stderr.
 */
export function itIfAvailable(name: string, missing: string | null, body: TestFunction, timeout?: number): void {
  if (missing === null) it(name, body, timeout);
  else {
    process.stderr.write(`${name}: skipped, ${missing}\n`);
    it.skip(`${name} (skipped: ${missing})`, () => undefined);
  }
}

/** Null on Linux; else why a test that reads /proc cannot run. */
export function linuxMissing(): string | null {
  return process.platform === 'linux' ? null : `it reads /proc, which ${process.platform} has not`;
}
