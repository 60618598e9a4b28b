/**
 * Expected failures travel as values, not exceptions: `{ ok: false, error: { code, message } }`.
 *
 * No zod here: every command line run loads this module, and zod's start-up cost is paid only by
 * the paths that parse (the schema of AppError is in bridge-protocol.ts).
 */
import type { ErrorCode } from './error-codes';

export type { ErrorCode } from './error-codes';

/** A failure an administrator can act on: a stable code and a one-line message. */
export interface AppError {
  readonly code: ErrorCode;
  readonly message: string;
  /** For `busy` and throttled refusals: when to try again (the page can count down). */
  readonly retryAfterSeconds?: number;
}

/** Success with a value, or an expected failure. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: AppError };

/** Wraps a value as a success. */
export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

/** Builds an expected failure. */
export function fail<T = never>(code: ErrorCode, message: string): Result<T> {
  return { ok: false, error: { code, message } };
}

/**
 * An expected failure thrown inside the core and turned into a Result at the boundary.
 *
 * Its message is one line meant for an administrator; it never holds a password.
 */
export class UserError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** When to try again, for `busy` and throttled refusals. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** Exhaustiveness check for switches over unions. */
export function assertNever(x: never): never {
  throw new Error(`unexpected value: ${String(x)}`);
}
