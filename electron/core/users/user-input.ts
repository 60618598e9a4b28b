/**
 * Checks of user input the user rules (user-rules.ts) make: names, addresses, the built-in admin.
 *
 * Names and addresses are checked before a transaction starts, so a bad value is one clear
 * sentence and nothing changed, whichever store is behind the repository.
 */
import type { FolderAccess } from '../../../shared/model';
import { UserError } from '../../../shared/result';
import { isAdmin } from '../db/store-common';

const NAME_MAX = 255;
const hasControl = (s: string) => [...s].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);
const EMAIL_RE = /^[^\s@]+@[^\s@]+$/;

/** A trimmed user name, or UserError('input'). */
export function checkName(userName: string): string {
  const name = userName.trim();
  if (name.length === 0 || name.length > NAME_MAX || hasControl(name))
    throw new UserError('input', 'a user name needs 1 to 255 characters and no control characters');
  return name;
}

/** Trimmed addresses without case-insensitive duplicates, or UserError('input'). */
export function checkEmails(list: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of list) {
    const a = raw.trim();
    if (!EMAIL_RE.test(a)) throw new UserError('input', `${a || '(empty)'} is not an email address`);
    if (!seen.has(a.toLowerCase())) out.push(a);
    seen.add(a.toLowerCase());
  }
  return out;
}

/** Folder access with the user's own folder first (read access) unless the list names it. */
export function withOwn(
  list: readonly FolderAccess[],
  userName: string,
  own: FolderAccess | undefined,
): FolderAccess[] {
  return own ? [...list] : [{ folder: userName, read: true, write: false, delete: false }, ...list];
}

/** What the built-in admin must keep: its name, integrated authentication and `admin` privilege. */
export function checkAdminChanges(changes: {
  userName?: string;
  authentication?: string;
  privileges?: readonly string[];
}): void {
  if (changes.userName !== undefined && !isAdmin(changes.userName))
    throw new UserError('refused', 'the built-in admin cannot be renamed');
  if (changes.authentication === 'directoryServices')
    throw new UserError('refused', 'the built-in admin always uses integrated authentication');
  if (changes.privileges && !changes.privileges.includes('admin'))
    throw new UserError('refused', 'the built-in admin keeps the Administrator privilege');
}
