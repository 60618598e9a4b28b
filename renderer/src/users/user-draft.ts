/** The Properties dialog's editable copy of a user, and turning it into users:create/update input. */
import { passwordProblem } from '../../../shared/password-rule';
import type { ChannelOutput, ChannelParsedInput } from '../../../shared/contract';
import type { FolderAccess } from '../../../shared/model';

type UserRow = ChannelOutput<'users:list'>[number];
type UserInput = ChannelParsedInput<'users:create'>;

/** Marks the new user's own folder, whose name follows the user name being typed. */
export const OWN_FOLDER = '';

/** The draft: the input fields, email addresses as typed (one per line), the password twice. */
export interface UserDraft {
  userName: string;
  fullName: string;
  addressesText: string;
  authentication: UserInput['authentication'];
  privileges: UserInput['privileges'];
  folderAccess: FolderAccess[];
  password: string;
  password2: string;
}

/** A draft from an existing user, or a new user's defaults (log on, read own archive). */
export function draftFrom(user: UserRow | null): UserDraft {
  return user
    ? {
        userName: user.userName,
        fullName: user.fullName,
        addressesText: user.emailAddresses.join('\n'),
        authentication: user.authentication,
        privileges: [...user.privileges],
        folderAccess: user.folderAccess.map((f) => ({ ...f })),
        password: '',
        password2: '',
      }
    : {
        userName: '',
        fullName: '',
        addressesText: '',
        authentication: 'integrated',
        privileges: ['login'],
        folderAccess: [{ folder: OWN_FOLDER, read: true, write: false, delete: false }],
        password: '',
        password2: '',
      };
}

/** The addresses as a list: one per line (commas and semicolons also separate), trimmed, no blanks. */
export function parseAddresses(text: string): string[] {
  return text
    .split(/[\n,;]+/)
    .map((a) => a.trim())
    .filter(Boolean);
}

/** What is wrong with the draft, field by field; empty when it can be saved. */
export function validateDraft(
  d: UserDraft,
  original: UserRow | null,
): Partial<Record<'userName' | 'addresses' | 'password' | 'password2', string>> {
  const errors: Partial<Record<'userName' | 'addresses' | 'password' | 'password2', string>> = {};
  if (!d.userName.trim()) errors.userName = 'Enter a user name.';
  const bad = parseAddresses(d.addressesText).find((a) => !/^[^@\s]+@[^@\s]+$/.test(a));
  if (bad) errors.addresses = `“${bad}” is not an email address.`;
  if (d.authentication === 'integrated') {
    const needsPassword = !original || original.authentication !== 'integrated';
    if (needsPassword && !d.password) errors.password = 'Enter a password for integrated authentication.';
    const problem = d.password ? passwordProblem(d.password, d.userName) : null;
    if (problem) errors.password = problem;
    if (d.password !== d.password2) errors.password2 = 'The passwords do not match.';
  }
  return errors;
}

/** The channel input for the draft. */
export function toInput(d: UserDraft): UserInput {
  const userName = d.userName.trim();
  return {
    userName,
    fullName: d.fullName.trim(),
    emailAddresses: parseAddresses(d.addressesText),
    authentication: d.authentication,
    privileges: d.privileges,
    folderAccess: d.folderAccess.map((f) => (f.folder === OWN_FOLDER ? { ...f, folder: userName } : f)),
    password: d.authentication === 'integrated' && d.password ? d.password : null,
  };
}
