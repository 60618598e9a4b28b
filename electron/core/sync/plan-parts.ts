/**
 * The pieces of a synchronization plan that planSync and the plainly written reference used by
 * its tests (testing/reference-plan.ts) share: which accounts are in scope, what addresses an
 * account gives, the duplicate lines. Pure functions, like the plan.
 */
import type { Change, DirectoryRead, MdaemonAccount, SourceWarning } from '../../../shared/model';
import type { Settings } from '../../../shared/settings';
import { UserError } from '../../../shared/result';

/** The built-in administrator: never created, changed or deleted by a synchronization. */
export const ADMIN = 'admin';
export const EMAIL_RE = /^[^\s@]+@[^\s@]+$/;
export const MAX_NAME = 255;

export const lower = (s: string) => s.toLowerCase();
export const byKey = (a: { key: string; tie: string }, b: { key: string; tie: string }) =>
  a.key < b.key ? -1 : a.key > b.key ? 1 : a.tie < b.tie ? -1 : a.tie > b.tie ? 1 : 0;

/** The addresses a user gets from an account: its own, then its exact aliases when imported. */
export function addressesOf(account: MdaemonAccount, importAliases: boolean): string[] {
  const out = [account.email];
  if (!importAliases || account.aliases.length === 0) return out;
  const seen = [lower(account.email)];
  for (const alias of account.aliases) {
    const a = alias.trim();
    const key = lower(a);
    if (!EMAIL_RE.test(a) || /[*?]/.test(a) || seen.includes(key)) continue;
    seen.push(key);
    out.push(a);
  }
  return out;
}

/** Which accounts the domain, group and disabled filters keep; warnings for filters naming nothing. */
export function scope(read: DirectoryRead, settings: Settings, warnings: SourceWarning[]): MdaemonAccount[] {
  const { domains, groups, includeDisabled } = settings.sync;
  const domainSet = new Set(domains.map(lower));
  if (domains.length > 0) {
    const known = new Set(read.domains.map(lower));
    for (const a of read.accounts) known.add(lower(a.domain));
    for (const d of domains) {
      if (!known.has(lower(d)))
        warnings.push({
          file: 'USERLIST.DAT',
          line: null,
          message: `the domain filter names ${d}, which has no accounts`,
        });
    }
  }
  const groupSet = new Set(groups.map(lower));
  const members = new Set<string>();
  if (groups.length > 0) {
    if (read.groups.length === 0) {
      throw new UserError(
        'config',
        `the group filter names ${groups.join(', ')}, but Groups.dat is missing or lists no groups`,
      );
    }
    const existing = new Set(read.groups.map((g) => lower(g.name)));
    for (const g of groups) {
      if (!existing.has(lower(g)))
        warnings.push({ file: 'Groups.dat', line: null, message: `the group filter names ${g}, which does not exist` });
    }
    for (const g of read.groups) if (groupSet.has(lower(g.name))) for (const m of g.members) members.add(lower(m));
  }
  return read.accounts.filter(
    (a) =>
      (domainSet.size === 0 || domainSet.has(lower(a.domain))) &&
      (includeDisabled || a.accessType !== 'C') &&
      (groupSet.size === 0 || members.has(lower(a.email)) || a.groups.some((g) => groupSet.has(lower(g)))),
  );
}

/**
 * The reason of a delete line. With a domain or group filter, a user whose account is outside the
 * filter is deleted like one whose account is gone: the reason says so, as the checkbox does.
 */
export function deleteReason(settings: Settings): string {
  const { domains, groups } = settings.sync;
  const filtered = [groups.length > 0 && 'groups', domains.length > 0 && 'domains'].filter(Boolean);
  if (filtered.length === 0) return 'no longer an MDaemon account in scope';
  return `not an MDaemon account in the selected ${filtered.join(' and ')}: users outside the filter are deleted too`;
}

/** One line of a plan. */
export function line(
  action: Change['action'],
  userName: string,
  fullName: string,
  emailAddresses: string[],
  reason: string,
): Change {
  return { action, userName, fullName, emailAddresses, reason };
}

/**
 * Skip lines for USERLIST.DAT records repeating an account in scope: the first record wins. A
 * duplicate is not a broken source, so it holds no delete; it sits next to its account's line.
 */
export function duplicateLines(read: DirectoryRead, inScope: MdaemonAccount[], settings: Settings): Change[] {
  const duplicates = read.duplicates ?? [];
  if (duplicates.length === 0) return [];
  const wanted = new Set(duplicates.map((d) => d.email));
  const first = new Map<string, MdaemonAccount>();
  for (const a of inScope) if (wanted.has(lower(a.email))) first.set(lower(a.email), a);
  const mailboxNames = settings.sync.userNameFormat === 'mailbox';
  const out: Change[] = [];
  for (const d of duplicates) {
    const a = first.get(d.email);
    if (!a) continue;
    const userName = mailboxNames ? a.mailbox.trim() : a.email.trim();
    out.push(
      line(
        'skip',
        userName,
        d.fullName,
        [d.email],
        `duplicate account: ${d.file} line ${d.line} repeats line ${d.firstLine}; the first record wins`,
      ),
    );
  }
  return out;
}
