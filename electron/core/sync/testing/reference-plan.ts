/**
 * The synchronization plan written plainly, as planSync was before it learned to do without a
 * wrapper object and two maps per account (200,000 accounts made about 90 MB of garbage): kept
 * only so that tests can check the lean planSync against it on varied inputs.
 */
import type { Change, DirectoryRead, MdaemonAccount, SourceWarning } from '../../../../shared/model';
import type { Settings } from '../../../../shared/settings';
import { deleteLimitOf, holdReason } from '../guard';
import {
  ADMIN,
  EMAIL_RE,
  MAX_NAME,
  addressesOf,
  byKey,
  deleteReason,
  duplicateLines,
  line,
  lower,
  scope,
} from '../plan-parts';
import {
  type CurrentUser,
  type Plan,
  type PlanOptions,
  NEW_ACCOUNT,
  REATTACH_PLANNED,
  sameAddresses,
  summarize,
} from '../plan';

interface Candidate {
  readonly account: MdaemonAccount;
  readonly userName: string;
  readonly key: string;
  readonly emails: string[];
}

/**
 * Account lines: valid candidates, and skips for invalid accounts and user-name collisions.
 * `names` holds every user name an account in scope maps to, skipped or not: such a user is
 * never deleted, since its account still exists.
 */
function candidates(
  accounts: MdaemonAccount[],
  settings: Settings,
): { valid: Candidate[]; skips: Change[]; names: { has(key: string): boolean } } {
  const mailboxNames = settings.sync.userNameFormat === 'mailbox';
  const first = new Map<string, Candidate>();
  const clashes = new Map<string, Candidate[]>();
  const skips: Change[] = [];
  const refused = new Set<string>();
  for (const account of accounts) {
    const userName = mailboxNames ? account.mailbox.trim() : account.email.trim();
    const key = lower(userName);
    const emails = addressesOf(account, settings.sync.importAliases);
    if (!EMAIL_RE.test(account.email) || account.mailbox.trim() === '') {
      if (userName !== '') refused.add(key);
      skips.push(line('skip', userName || account.email, account.fullName, [account.email], 'invalid email address'));
      continue;
    }
    if (userName.length > MAX_NAME) {
      refused.add(key);
      skips.push(line('skip', userName, account.fullName, emails, `user name longer than ${MAX_NAME} characters`));
      continue;
    }
    const c: Candidate = { account, userName, key, emails };
    const prev = first.get(key);
    if (prev === undefined) {
      first.set(key, c);
      continue;
    }
    const list = clashes.get(key);
    if (list) list.push(c);
    else clashes.set(key, [prev, c]);
  }
  const valid: Candidate[] = [];
  for (const [key, c] of first) {
    const list = clashes.get(key);
    if (key === ADMIN) {
      for (const x of list ?? [c])
        skips.push(
          line('skip', x.userName, x.account.fullName, x.emails, 'the built-in admin user is never synchronized'),
        );
    } else if (list) {
      const all = list
        .map((x) => x.account.email)
        .sort()
        .join(', ');
      const why = mailboxNames
        ? `mailbox name ${c.userName} exists in several domains (${all})`
        : `several accounts map to this user name (${all})`;
      for (const x of list) skips.push(line('skip', x.userName, x.account.fullName, x.emails, why));
    } else {
      valid.push(c);
    }
  }
  // every name an account maps to, without copying 100,000 keys into another set
  const names = { has: (k: string) => first.has(k) || refused.has(k) };
  return { valid, skips, names };
}

/** Compares one account with the user of that name. */
function compare(c: Candidate, user: CurrentUser | undefined, kept: PlanOptions['keptFolders']): Change {
  const fullName = c.account.fullName;
  if (!user) return line('create', c.userName, fullName, c.emails, kept?.has(c.key) ? REATTACH_PLANNED : NEW_ACCOUNT);
  const diffs: string[] = [];
  if (user.fullName !== fullName) diffs.push(`full name was ${JSON.stringify(user.fullName)}`);
  if (!sameAddresses(user.emailAddresses, c.emails))
    diffs.push(`email addresses were ${user.emailAddresses.join(', ') || '(none)'}`);
  if (diffs.length === 0) return line('unchanged', user.userName, fullName, c.emails, 'up to date');
  return line('update', user.userName, fullName, c.emails, diffs.join('; '));
}

/** The plan as planSync made it before it was made lean: the same inputs must give the same plan. */
export function referencePlan(
  read: DirectoryRead,
  settings: Settings,
  current: readonly CurrentUser[],
  opts: PlanOptions = {},
): Plan {
  const directoryUsers = current.filter((u) => u.authentication === 'directoryServices').length;
  const saved = settings.sync.deleteLimit;
  const limit = opts.deleteLimitOverride ?? (saved === null ? null : deleteLimitOf(saved));
  const warnings: SourceWarning[] = [];
  const inScope = scope(read, settings, warnings);
  const { valid, skips, names } = candidates(inScope, settings);

  const users = new Map(current.map((u) => [lower(u.userName), u]));
  const accountLines = [
    ...valid.map((c) => compare(c, users.get(c.key), opts.keptFolders)),
    ...skips,
    ...duplicateLines(read, inScope, settings),
  ]
    .map((c) => ({ c, key: lower(c.userName), tie: lower(c.emailAddresses[0] ?? '') }))
    .sort(byKey)
    .map((x) => x.c);

  const gone = settings.sync.deleteUsers
    ? current
        .filter(
          (u) =>
            u.authentication === 'directoryServices' && lower(u.userName) !== ADMIN && !names.has(lower(u.userName)),
        )
        .map((u) => ({ u, key: lower(u.userName), tie: u.userName }))
        .sort(byKey)
        .map((x) => x.u)
    : [];
  const held = holdReason({
    deletes: gone.length,
    directoryUsers,
    invalidRecords: read.invalidRecords,
    accountsInScope: inScope.length,
    limit,
    confirmed: opts.confirmDeletes === true,
  });
  const deleteLines = gone.map((u) =>
    line(held ? 'held' : 'delete', u.userName, u.fullName, [...u.emailAddresses], held ?? deleteReason(settings)),
  );
  // Records the reader refused cannot be synchronized: each is a skip with its reason, after the
  // accounts (they have no trustworthy user name) and before the deletes.
  const rejectedLines = (read.rejected ?? []).map((r) =>
    line('skip', `(${r.file} line ${r.line})`, '', [], `invalid record: ${r.reason}`),
  );
  const changes = [...accountLines, ...rejectedLines, ...deleteLines];
  return { changes, summary: summarize(changes), warnings };
}
