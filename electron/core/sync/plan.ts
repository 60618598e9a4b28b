/**
 * The plan of a synchronization: a pure function from what MDaemon says and what the archive
 * holds to the list of changes, each with its reason.
 *
 * Order (deterministic, independent of the order of USERLIST.DAT): first one line per account
 * in scope (create, update, unchanged, skip) sorted by user name case-insensitively, then the
 * deletes and held deletes sorted the same way. Applying a plan and planning again yields only
 * `unchanged` lines.
 */
import type {
  ArchiveUser,
  Change,
  DirectoryRead,
  MdaemonAccount,
  PlanSummary,
  SourceWarning,
} from '../../../shared/model';
import type { Settings } from '../../../shared/settings';
import { assertNever } from '../../../shared/result';
import type { ParsedDeleteLimit } from '../../../shared/delete-limit';
import { deleteLimitOf, holdReason } from './guard';
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
} from './plan-parts';

/** A user of the archive as the plan compares it. */
export type CurrentUser = Pick<ArchiveUser, 'userName' | 'fullName' | 'emailAddresses' | 'authentication'>;

/** Per-run choices that are not settings. */
export interface PlanOptions {
  /** Release deletes the guard's limit holds (not those held for invalid records or an empty scope). */
  readonly confirmDeletes?: boolean;
  /** A limit replacing the saved one for this run (`--delete-limit`, parsed there). */
  readonly deleteLimitOverride?: ParsedDeleteLimit;
  /**
   * Archive folders that outlived their user (lower-case names), when the caller knows them: a
   * create whose folder is among them says that folder will be re-attached.
   */
  readonly keptFolders?: { has(lowerName: string): boolean };
}

/** The reason of a create. */
export const NEW_ACCOUNT = 'new MDaemon account';
/** The reason of a create that gets back the archive folder its user left behind (planned). */
export const REATTACH_PLANNED =
  're-created for this MDaemon account; its archive folder, kept when the user was deleted, will be re-attached';
/** The same, once applied. */
export const REATTACHED =
  're-created for this MDaemon account; its archive folder, kept when the user was deleted, was re-attached';

/**
 * The reason of a create once applied: whether its kept archive folder was re-attached is known
 * only then (a test may not have known the kept folders).
 */
export function appliedCreateReason(planned: string, reattached: boolean): string {
  if (reattached) return REATTACHED;
  return planned === REATTACH_PLANNED ? NEW_ACCOUNT : planned;
}

/** A plan: its changes in order, their counts, and what the filters found odd. */
export interface Plan {
  readonly changes: Change[];
  readonly summary: PlanSummary;
  readonly warnings: SourceWarning[];
}

/**
 * Positions 0..n-1 ordered by `keys`, equal keys in position order: what a stable sort of the
 * items by key gives, without a wrapper object per item (200,000 of them were most of a plan's
 * garbage). Sorted input, as the archive's users usually are, costs one pass.
 */
function sortedPositions(keys: readonly string[]): number[] {
  const order: number[] = [];
  for (let i = 0; i < keys.length; i++) order.push(i);
  return order.sort((a, b) => {
    const x = keys[a] as string;
    const y = keys[b] as string;
    return x < y ? -1 : x > y ? 1 : a - b;
  });
}

/** True when two lists are equal to the letter, in the same order. */
function sameInOrder(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** True when two address lists hold the same addresses, ignoring order and case. */
export function sameAddresses(a: readonly string[], b: readonly string[]): boolean {
  if (sameInOrder(a, b)) return true;
  const x = new Set(a.map(lower));
  const y = new Set(b.map(lower));
  if (x.size !== y.size) return false;
  for (const v of x) if (!y.has(v)) return false;
  return true;
}

/**
 * The accounts in scope sorted by user name: those with a valid address and name (`named`,
 * their lower-case names in `keys`, `order` sorting them), and skips for the others.
 */
interface NamedAccounts {
  readonly named: MdaemonAccount[];
  readonly userNames: string[];
  readonly keys: string[];
  readonly order: number[];
  readonly skips: Change[];
  /** Names of accounts refused for their address or length: their users are not deleted either. */
  readonly refused: Set<string>;
}

/** Sorts the accounts in scope by user name, skipping those without a valid address or name. */
function nameAccounts(accounts: readonly MdaemonAccount[], settings: Settings): NamedAccounts {
  const mailboxNames = settings.sync.userNameFormat === 'mailbox';
  const named: MdaemonAccount[] = [];
  const userNames: string[] = [];
  const keys: string[] = [];
  const skips: Change[] = [];
  const refused = new Set<string>();
  for (const account of accounts) {
    const userName = mailboxNames ? account.mailbox.trim() : account.email.trim();
    const key = lower(userName);
    if (!EMAIL_RE.test(account.email) || account.mailbox.trim() === '') {
      if (userName !== '') refused.add(key);
      skips.push(line('skip', userName || account.email, account.fullName, [account.email], 'invalid email address'));
      continue;
    }
    if (userName.length > MAX_NAME) {
      refused.add(key);
      const emails = addressesOf(account, settings.sync.importAliases);
      skips.push(line('skip', userName, account.fullName, emails, `user name longer than ${MAX_NAME} characters`));
      continue;
    }
    named.push(account);
    userNames.push(userName);
    keys.push(key);
  }
  return { named, userNames, keys, order: sortedPositions(keys), skips, refused };
}

/**
 * Splits the sorted accounts into the valid ones (returned, in user-name order) and skips, added
 * to `skips`, for names several accounts map to and for the built-in admin.
 */
function validAccounts(n: NamedAccounts, settings: Settings, skips: Change[]): number[] {
  const { named, userNames, keys, order } = n;
  const importAliases = settings.sync.importAliases;
  const mailboxNames = settings.sync.userNameFormat === 'mailbox';
  const valid: number[] = [];
  for (let r = 0; r < order.length;) {
    const key = keys[order[r] as number] as string;
    let e = r + 1;
    while (e < order.length && keys[order[e] as number] === key) e++;
    if (e - r === 1 && key !== ADMIN) {
      valid.push(order[r] as number);
      r = e;
      continue;
    }
    // The accounts of one name, in their order (the sort is stable); the first names the clash.
    const members = order.slice(r, e);
    let why = 'the built-in admin user is never synchronized';
    if (key !== ADMIN) {
      const all = members
        .map((i) => (named[i] as MdaemonAccount).email)
        .sort()
        .join(', ');
      why = mailboxNames
        ? `mailbox name ${userNames[members[0] as number] as string} exists in several domains (${all})`
        : `several accounts map to this user name (${all})`;
    }
    for (const i of members) {
      const account = named[i] as MdaemonAccount;
      skips.push(line('skip', userNames[i] as string, account.fullName, addressesOf(account, importAliases), why));
    }
    r = e;
  }
  return valid;
}

/** Compares one account with the user of that name. */
function compare(
  account: MdaemonAccount,
  userName: string,
  key: string,
  user: CurrentUser | undefined,
  opts: PlanOptions,
  importAliases: boolean,
): Change {
  const fullName = account.fullName;
  const emails = addressesOf(account, importAliases);
  if (!user)
    return line('create', userName, fullName, emails, opts.keptFolders?.has(key) ? REATTACH_PLANNED : NEW_ACCOUNT);
  const sameName = user.fullName === fullName;
  const sameEmails = sameAddresses(user.emailAddresses, emails);
  if (sameName && sameEmails) {
    // The line takes the user's own name, full name and list when they match to the letter (as
    // they usually do): the plan then keeps nothing of the accounts, whose memory goes whole
    // instead of leaving a string or two alive in every page of it.
    const had = user.emailAddresses;
    return line('unchanged', user.userName, user.fullName, sameInOrder(had, emails) ? had : emails, 'up to date');
  }
  const diffs: string[] = [];
  if (!sameName) diffs.push(`full name was ${JSON.stringify(user.fullName)}`);
  if (!sameEmails) diffs.push(`email addresses were ${user.emailAddresses.join(', ') || '(none)'}`);
  return line('update', user.userName, fullName, emails, diffs.join('; '));
}

/** Counts of changes by action. */
export function summarize(changes: readonly Change[]): PlanSummary {
  const s: PlanSummary = { create: 0, update: 0, delete: 0, unchanged: 0, skip: 0, held: 0 };
  for (const c of changes) {
    switch (c.action) {
      case 'create':
      case 'update':
      case 'delete':
      case 'unchanged':
      case 'skip':
      case 'held':
        s[c.action]++;
        break;
      default:
        assertNever(c.action);
    }
  }
  return s;
}

/** Where a plan in the making stands: accounts compared of those to compare. */
export interface PlanStep {
  readonly done: number;
  readonly total: number;
}

/** Accounts compared between two steps of {@link planSteps}. */
export const PLAN_STEP = 2000;

/** Plans a synchronization. Pure: the same inputs always give the same plan. */
export function planSync(
  read: DirectoryRead,
  settings: Settings,
  current: readonly CurrentUser[],
  opts: PlanOptions = {},
): Plan {
  const steps = planSteps(read, settings, current, opts);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * The same plan made in steps: yields where it stands every {@link PLAN_STEP} accounts and returns
 * the plan. As pure as planSync (which runs it through); a caller may pause between steps (the
 * run yields to the event loop, so progress reaches the page and a cancel is heard).
 */
export function* planSteps(
  read: DirectoryRead,
  settings: Settings,
  current: readonly CurrentUser[],
  opts: PlanOptions = {},
): Generator<PlanStep, Plan, void> {
  let directoryUsers = 0;
  for (const u of current) if (u.authentication === 'directoryServices') directoryUsers++;
  // The saved text is checked by the settings schema; turned into a limit here, once, before planning.
  const saved = settings.sync.deleteLimit;
  const limit = opts.deleteLimitOverride ?? (saved === null ? null : deleteLimitOf(saved));
  const warnings: SourceWarning[] = [];
  const inScope = scope(read, settings, warnings);
  const named = nameAccounts(inScope, settings);
  const { keys, order } = named;
  const skips = named.skips;
  const valid = validAccounts(named, settings, skips);
  yield { done: 0, total: valid.length };

  // The archive's users by lower-case name, equal names in their order; as with a map filled in
  // that order, the last of equal names is the one an account is compared with.
  const userKeys = current.map((u) => lower(u.userName));
  const userOrder = sortedPositions(userKeys);
  const changes: Change[] = [];

  // The account lines sorted by user name, then first address: the valid accounts come sorted
  // (their names are unique), the few skips are sorted and merged in, after a valid line that
  // sorts equal, as a stable sort of valid lines, skips and duplicates would place them.
  const others = [...skips, ...duplicateLines(read, inScope, settings)]
    .map((c) => ({ c, key: lower(c.userName), tie: lower(c.emailAddresses[0] ?? '') }))
    .sort(byKey);
  const importAliases = settings.sync.importAliases;
  const here = { key: '', tie: '' };
  let u = 0;
  let o = 0;
  let compared = 0;
  for (const i of valid) {
    if (++compared % PLAN_STEP === 0) yield { done: compared, total: valid.length };
    const key = keys[i] as string;
    while (u < userOrder.length && (userKeys[userOrder[u] as number] as string) < key) u++;
    let user: CurrentUser | undefined;
    if (u < userOrder.length && userKeys[userOrder[u] as number] === key) {
      while (u + 1 < userOrder.length && userKeys[userOrder[u + 1] as number] === key) u++;
      user = current[userOrder[u] as number];
    }
    const c = compare(named.named[i] as MdaemonAccount, named.userNames[i] as string, key, user, opts, importAliases);
    for (let next = others[o]; next !== undefined && next.key <= key; next = others[o]) {
      here.key = key;
      here.tie = lower(c.emailAddresses[0] ?? '');
      if (byKey(next, here) >= 0) break;
      changes.push(next.c);
      o++;
    }
    changes.push(c);
  }
  for (; o < others.length; o++) changes.push((others[o] as { c: Change }).c);
  yield { done: valid.length, total: valid.length };

  // Positions of the users to delete, by lower-case name, then exact name, then archive order.
  const gone: number[] = [];
  if (settings.sync.deleteUsers) {
    // The users whose name no account in scope maps to: both name-sorted lists walked together.
    let a = 0;
    for (const p of userOrder) {
      const key = userKeys[p] as string;
      while (a < order.length && (keys[order[a] as number] as string) < key) a++;
      const mapped = (a < order.length && keys[order[a] as number] === key) || named.refused.has(key);
      if ((current[p] as CurrentUser).authentication === 'directoryServices' && key !== ADMIN && !mapped) gone.push(p);
    }
    // Already in that order but for equal lower-case names spelt differently (a stable sort).
    gone.sort((p, q) => {
      const x = userKeys[p] as string;
      const y = userKeys[q] as string;
      if (x !== y) return x < y ? -1 : 1;
      const nx = (current[p] as CurrentUser).userName;
      const ny = (current[q] as CurrentUser).userName;
      return nx < ny ? -1 : nx > ny ? 1 : 0;
    });
  }
  const held = holdReason({
    deletes: gone.length,
    directoryUsers,
    invalidRecords: read.invalidRecords,
    accountsInScope: inScope.length,
    limit,
    confirmed: opts.confirmDeletes === true,
  });
  // Records the reader refused cannot be synchronized: each is a skip with its reason, after the
  // accounts (they have no trustworthy user name) and before the deletes.
  for (const r of read.rejected ?? [])
    changes.push(line('skip', `(${r.file} line ${r.line})`, '', [], `invalid record: ${r.reason}`));
  const reason = deleteReason(settings);
  for (const p of gone) {
    const g = current[p] as CurrentUser;
    changes.push(line(held ? 'held' : 'delete', g.userName, g.fullName, [...g.emailAddresses], held ?? reason));
  }
  return { changes, summary: summarize(changes), warnings };
}
