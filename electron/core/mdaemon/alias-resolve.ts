/**
 * Applies Alias.dat's rules to the accounts as MDaemon does: in file order, the first rule that
 * matches an address wins.
 *
 * An exact alias becomes an extra address of the account it points at, unless the address is an
 * account itself, an earlier alias already took it, or an earlier wildcard alias matches it
 * (MDaemon would apply that one). `mailbox@$LOCALDOMAIN$` stands for that mailbox at each local
 * domain (the domains of USERLIST.DAT), each expanded address under the same rules, silently
 * skipped where an account or an earlier alias has it. Wildcard aliases never become addresses.
 */
import type { MdaemonAccount, SourceWarning } from '../../../shared/model';
import { type AliasRule, wildcardMatcher } from './aliases';

/** The aliases each account gets, and the warnings of applying the rules. */
export interface ResolvedAliases {
  byAccount: Map<MdaemonAccount, string[]>;
  warnings: SourceWarning[];
}

/** Applies `rules` (file order) to the accounts found by `find` (lower-case address). */
export function resolveAliases(
  rules: readonly AliasRule[],
  domains: readonly string[],
  find: (email: string) => MdaemonAccount | undefined,
  file = 'Alias.dat',
): ResolvedAliases {
  const byAccount = new Map<MdaemonAccount, string[]>();
  const warnings: SourceWarning[] = [];
  const claimed = new Map<string, { line: number; target: string }>();
  const patterns: { match: (a: string) => boolean; alias: string; line: number }[] = [];
  for (const rule of rules) {
    if (rule.kind === 'wildcard') {
      patterns.push({ match: wildcardMatcher(rule.alias, domains), alias: rule.alias, line: rule.line });
      continue;
    }
    const exact = rule.kind === 'exact';
    const local = rule.alias.slice(0, rule.alias.lastIndexOf('@'));
    const addresses = exact ? [rule.alias] : domains.map((d) => `${local}@${d}`);
    const account = find(rule.target);
    let missingTarget = false;
    for (const address of addresses) {
      if (address === rule.target) continue;
      const say = (message: string) => {
        if (exact) warnings.push({ file, line: rule.line, message });
      };
      if (find(address)) {
        say(`alias ${address} is itself an account; ignored`);
        continue;
      }
      const earlier = claimed.get(address);
      if (earlier) {
        if (earlier.target !== rule.target)
          say(`alias ${address} appears again (line ${earlier.line} comes first and wins); ignored`);
        continue;
      }
      const wildcard = patterns.find((p) => p.match(address));
      if (wildcard) {
        say(
          `alias ${address} is matched first by the wildcard alias ${wildcard.alias} on line ${wildcard.line}; ignored`,
        );
        continue;
      }
      claimed.set(address, { line: rule.line, target: rule.target });
      if (!account) {
        missingTarget = true;
        continue;
      }
      const list = byAccount.get(account);
      if (!list) byAccount.set(account, [address]);
      else if (!list.includes(address)) list.push(address);
    }
    if (missingTarget) {
      warnings.push({
        file,
        line: rule.line,
        message: `alias ${rule.alias} points at ${rule.target}, which has no account`,
      });
    }
  }
  return { byAccount, warnings };
}
