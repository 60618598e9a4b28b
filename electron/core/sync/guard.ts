/**
 * The deletion guard: how many deletes a run may apply before it holds them for confirmation.
 *
 * The default limit is the larger of 5 users and 10 % of the Directory Services users; a saved
 * setting or `--delete-limit N|P%` replaces it. A source with invalid records, or with no accounts
 * in scope, holds every delete whatever the limit or confirmation: a truncated USERLIST.DAT must
 * never empty the user database. A duplicate account is not an invalid record (the reader lists
 * it apart and the plan skips it): the first record stands for the account, so nothing is lost.
 */
import { type ParsedDeleteLimit, deleteLimitUsers, parseDeleteLimit } from '../../../shared/delete-limit';
import { UserError } from '../../../shared/result';

/** The default limit for a number of Directory Services users. */
export function defaultDeleteLimit(directoryUsers: number): number {
  return Math.max(5, Math.floor(directoryUsers / 10));
}

/** Parses a typed limit (`12`, `10%`) at an edge that throws: UserError('usage') with the one message. */
export function deleteLimitOf(text: string): ParsedDeleteLimit {
  const parsed = parseDeleteLimit(text);
  if (!parsed.ok) throw new UserError(parsed.error.code, parsed.error.message);
  return parsed.value;
}

/** What the guard needs to know about a run. */
export interface GuardInput {
  readonly deletes: number;
  readonly directoryUsers: number;
  readonly invalidRecords: number;
  readonly accountsInScope: number;
  /** The limit from the command line or the settings, parsed where it was typed; null for the default. */
  readonly limit: ParsedDeleteLimit | null;
  readonly confirmed: boolean;
}

/** Null when the deletes may go ahead, else why every one of them is held. */
export function holdReason(g: GuardInput): string | null {
  if (g.deletes === 0) return null;
  if (g.invalidRecords > 0) {
    const n = g.invalidRecords === 1 ? '1 invalid record' : `${g.invalidRecords} invalid records`;
    return `held: USERLIST.DAT has ${n}; nothing is deleted while the source has invalid records`;
  }
  if (g.accountsInScope === 0) {
    return 'held: no MDaemon account is in scope (empty list or filters that match nobody); nothing is deleted';
  }
  const limit = g.limit === null ? defaultDeleteLimit(g.directoryUsers) : deleteLimitUsers(g.limit, g.directoryUsers);
  if (g.deletes > limit && !g.confirmed) {
    return `held by the deletion guard: ${g.deletes} deletes exceed the limit of ${limit}; confirm the deletes to apply them`;
  }
  return null;
}
