/**
 * The deletion guard's limit, parsed once wherever it is typed: the settings schema, the Options
 * section of the dialog, `--delete-limit` on the command line. The guard takes the parsed value.
 *
 * A limit is a number of users (`5`) or a percentage of the Directory Services users (`10%`);
 * a percentage over 100 % is refused, as no run can delete more than all of them.
 */
import { type Result, fail, ok } from './result';

/** A parsed limit: a number of users, or a percentage (0 to 100) of the Directory Services users. */
export type ParsedDeleteLimit =
  { readonly kind: 'count'; readonly n: number } | { readonly kind: 'percent'; readonly p: number };

const SHAPE = /^(\d{1,7})(%?)$/;

/**
 * Parses `12` or `10%` (spaces around are ignored); fails with code `usage` and the one message
 * each edge shows.
 */
export function parseDeleteLimit(text: string): Result<ParsedDeleteLimit> {
  const value = text.trim();
  const m = SHAPE.exec(value);
  if (!m) {
    return fail(
      'usage',
      `the delete limit ${JSON.stringify(text)} is not a number of users or a percentage such as 10%`,
    );
  }
  const n = Number(m[1]);
  if (m[2] === '') return ok({ kind: 'count', n });
  if (n > 100) return fail('usage', `the delete limit ${value} is more than 100%`);
  return ok({ kind: 'percent', p: n });
}

/** The number of deletes a limit allows among `directoryUsers` Directory Services users (a percentage rounds down). */
export function deleteLimitUsers(limit: ParsedDeleteLimit, directoryUsers: number): number {
  return limit.kind === 'count' ? limit.n : Math.floor((directoryUsers * limit.p) / 100);
}
