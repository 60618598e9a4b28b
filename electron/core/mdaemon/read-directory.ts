/**
 * Reads an App directory (USERLIST.DAT, Groups.dat, Alias.dat) into one DirectoryRead.
 *
 * MDaemon rewrites its files while it runs: each source reads a file only once it held still
 * (stable-read.ts), and a file that keeps changing is a UserError `unstable` rather than a
 * half-written account list that could make a synchronization delete users.
 */
import type { CodePage } from '../../../shared/code-pages';
import type { DirectoryRead, MdaemonAccount, SourceWarning } from '../../../shared/model';
import { UserError } from '../../../shared/result';
import { resolveAliases } from './alias-resolve';
import { parseAliases } from './aliases';
import { parseGroups } from './groups';
import { releaseBuffer } from '../release-buffer';
import type { AppDirSource } from './source';
import { parseUserlistIndexed } from './userlist';

/** Options of readDirectory. */
export interface ReadDirectoryOptions {
  /** Parsed at the edge (resolveCodePage), never checked again here. */
  codePage: CodePage;
  /** Aborts between files; the promise rejects with the signal's reason (an AbortError). */
  signal?: AbortSignal;
  /** Files done out of 3 (USERLIST.DAT, Groups.dat, Alias.dat). */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Reads and cross-checks the App directory's account files.
 *
 * Missing USERLIST.DAT is UserError `notFound`; missing Groups.dat or Alias.dat mean no groups
 * or aliases. Warnings come in file order: USERLIST.DAT, Groups.dat, Alias.dat.
 */
export async function readDirectory(source: AppDirSource, opts: ReadDirectoryOptions): Promise<DirectoryRead> {
  const codePage = opts.codePage;
  const step = (done: number) => {
    opts.signal?.throwIfAborted();
    opts.onProgress?.(done, 3);
  };
  step(0);
  const userlist = await source.readFile('USERLIST.DAT');
  if (!userlist) throw new UserError('notFound', `USERLIST.DAT not found in ${source.description}`);
  const parsed = parseUserlistIndexed(userlist.data, codePage);
  // 200,000 accounts are 46 MB of bytes no one reads again; held until a full collection they
  // would sit beside the plan and the user database at the run's peak.
  releaseBuffer(userlist.data);
  const warnings: SourceWarning[] = parsed.warnings;
  const accounts = parsed.accounts;
  const byEmail = {
    get: (email: string): MdaemonAccount | undefined => accounts[parsed.index.find(email)],
    has: (email: string): boolean => parsed.index.find(email) !== -1,
  };
  step(1);

  const groupsFile = await source.readFile('Groups.dat');
  const groups = [];
  if (groupsFile) {
    const g = parseGroups(groupsFile.data, codePage);
    warnings.push(...g.warnings);
    const own = new Map<MdaemonAccount, string[]>();
    for (const group of g.groups) {
      group.members.forEach((member, i) => {
        const account = byEmail.get(member);
        if (!account) {
          const line = group.memberLines[i] ?? null;
          warnings.push({
            file: 'Groups.dat',
            line,
            message: `group "${group.name}": member ${member} has no account in USERLIST.DAT`,
          });
          return;
        }
        const list = own.get(account) ?? [];
        if (!list.includes(group.name)) list.push(group.name);
        own.set(account, list);
      });
      groups.push({ name: group.name, description: group.description, members: group.members });
    }
    for (const [account, names] of own) account.groups = names;
  }
  step(2);

  // Accounts of a domain usually follow each other: only a change of domain touches the set.
  const domainSet = new Set<string>();
  let last: string | null = null;
  for (const a of accounts) {
    if (a.domain !== last) domainSet.add((last = a.domain));
  }
  const domains = [...domainSet].sort();

  const aliasFile = await source.readFile('Alias.dat');
  if (aliasFile) {
    const a = parseAliases(aliasFile.data, codePage);
    const resolved = resolveAliases(a.rules, domains, byEmail.get);
    warnings.push(...mergeByLine(a.warnings, resolved.warnings));
    for (const [account, list] of resolved.byAccount) account.aliases = list;
  }
  step(3);
  return {
    accounts,
    domains,
    groups,
    warnings,
    invalidRecords: parsed.invalidRecords,
    rejected: parsed.rejected,
    duplicates: parsed.duplicates,
    framing: parsed.framing,
  };
}

/** Two warning lists of one file, merged in line order (stable; whole-file lines last). */
function mergeByLine(a: SourceWarning[], b: SourceWarning[]): SourceWarning[] {
  if (b.length === 0) return a;
  const key = (w: SourceWarning) => w.line ?? Number.MAX_SAFE_INTEGER;
  return [...a, ...b].sort((x, y) => key(x) - key(y));
}
