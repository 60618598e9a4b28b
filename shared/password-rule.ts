/**
 * The password rule for integrated users and the administrator, one function for the screens
 * (stated under the field before typing, checked while typing) and the server's handlers.
 */
import { UserError } from './result';

/** The fewest characters a password may have. */
export const PASSWORD_MIN_LENGTH = 12;

/** The rule in one sentence, as shown under a new password's field. */
export const PASSWORD_RULE = `At least ${PASSWORD_MIN_LENGTH} characters, not containing the user name.`;

/** What is wrong with a new password for `userName`, in words, or null when it may be used. */
export function passwordProblem(password: string, userName: string): string | null {
  if ([...password].length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
  const lower = password.toLowerCase();
  const name = userName.trim().toLowerCase();
  const local = name.split('@')[0] ?? '';
  const names = [name, local].filter((n) => n.length >= 3);
  if (names.some((n) => lower.includes(n))) return 'Do not use the user name in the password.';
  return null;
}

/** Throws the rule's complaint as a `weakPassword` error (the handlers' check). */
export function checkNewPassword(password: string, userName: string): void {
  const problem = passwordProblem(password, userName);
  if (problem) throw new UserError('weakPassword', `the password does not follow the rule: ${problem}`);
}
