/**
 * Alias.dat: MDaemon's alias list, `alias = actual address` per line (with or without spaces
 * around `=`); each alias points to exactly one address.
 *
 * MDaemon processes the list in file order, and an alias may be a pattern: `*` and `?`
 * wildcards, or `@$LOCALDOMAIN$` for "this mailbox at every local domain". For the archive only
 * exact addresses matter (mail to one belongs to the account it points at), so:
 * - an exact alias is kept as a rule;
 * - an `@$LOCALDOMAIN$` alias is kept as a rule and expanded against the domains of
 *   USERLIST.DAT by resolveAliases, as MDaemon applies it to its local domains;
 * - a wildcard alias matches many addresses and can never be an archive address: it is kept as
 *   a rule only so that it shadows the later aliases it matches (MDaemon applies it first), and
 *   gets a note saying it is ignored;
 * - any other `$…$` macro is not known to mdsync: ignored with a note.
 */
import type { CodePage } from '../../../shared/code-pages';
import type { SourceWarning } from '../../../shared/model';
import { decodeLines } from './text-file';

/** One exact alias: both sides lower-case. */
export interface AliasEntry {
  alias: string;
  target: string;
  line: number;
}

/** One line of Alias.dat as MDaemon would apply it, in file order. */
export interface AliasRule extends AliasEntry {
  /** `exact`: one address; `localDomain`: `mailbox@$LOCALDOMAIN$`; `wildcard`: `*`/`?` pattern. */
  kind: 'exact' | 'localDomain' | 'wildcard';
}

/** What parseAliases found. */
export interface AliasesParse {
  /** Every usable line, in file order (what resolveAliases applies). */
  rules: AliasRule[];
  /** The exact aliases among them. */
  aliases: AliasEntry[];
  /** Aliases that match patterns rather than one address (never archive addresses). */
  wildcards: number;
  warnings: SourceWarning[];
}

/** The macro MDaemon replaces by each of its local domains. */
const LOCAL_DOMAIN = '$localdomain$';

/** Parses Alias.dat bytes in an allowlisted code page; throws only UserError `encoding`. */
export function parseAliases(data: Buffer, codePage: CodePage, file = 'Alias.dat'): AliasesParse {
  const rules: AliasRule[] = [];
  const warnings: SourceWarning[] = [];
  let wildcards = 0;
  decodeLines(data, codePage, file).forEach((raw, i) => {
    const line = i + 1;
    const text = raw.trim();
    if (text === '' || text.startsWith(';') || text.startsWith('#') || text.startsWith('[')) return;
    const eq = text.indexOf('=');
    if (eq === -1) {
      warnings.push({ file, line, message: 'not an "alias = address" line; ignored' });
      return;
    }
    const alias = text.slice(0, eq).trim().toLowerCase();
    const target = text
      .slice(eq + 1)
      .trim()
      .toLowerCase();
    if (alias === '' || target === '') {
      warnings.push({ file, line, message: 'alias or address missing; ignored' });
      return;
    }
    const shown = alias.slice(0, 80);
    if (!isAddress(target)) {
      warnings.push({
        file,
        line,
        message: `alias ${shown} points at "${target.slice(0, 80)}", not one email address; ignored`,
      });
      return;
    }
    const kind = kindOf(alias);
    if (kind === null) {
      warnings.push({
        file,
        line,
        level: 'note',
        message: `alias ${shown} is not one address and uses no pattern mdsync knows; ignored`,
      });
      return;
    }
    if (kind === 'wildcard') {
      wildcards++;
      warnings.push({
        file,
        line,
        level: 'note',
        message: `alias ${shown} has wildcards: it matches many addresses, so it gives no archive address; ignored (later aliases it matches are ignored too, as MDaemon applies it first)`,
      });
    }
    rules.push({ alias, target, line, kind });
  });
  const aliases = rules.filter((r) => r.kind === 'exact').map(({ alias, target, line }) => ({ alias, target, line }));
  return { rules, aliases, wildcards, warnings };
}

function kindOf(alias: string): AliasRule['kind'] | null {
  const at = alias.lastIndexOf('@');
  const domain = at === -1 ? '' : alias.slice(at + 1);
  const local = at === -1 ? alias : alias.slice(0, at);
  const macro = domain === LOCAL_DOMAIN;
  const rest = macro ? local : alias;
  if (rest.includes('$')) return null;
  if (/[*?]/.test(rest)) return at > 0 || local.length > 0 ? 'wildcard' : null;
  if (macro) return local !== '' && isAddress(`${local}@x`) ? 'localDomain' : null;
  return isAddress(alias) ? 'exact' : null;
}

/**
 * A wildcard alias as a matcher of lower-case addresses: `*` any run, `?` one character,
 * `$LOCALDOMAIN$` as domain one of `domains`.
 */
export function wildcardMatcher(alias: string, domains: readonly string[]): (address: string) => boolean {
  const esc = (s: string) => s.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  const glob = (s: string) => esc(s).replace(/\*/g, '.*').replace(/\?/g, '.');
  const at = alias.lastIndexOf('@');
  let source: string;
  if (at !== -1 && alias.slice(at + 1) === LOCAL_DOMAIN) {
    source = `${glob(alias.slice(0, at))}@(?:${domains.map(esc).join('|') || '(?!)'})`;
  } else {
    source = glob(alias);
  }
  const re = new RegExp(`^${source}$`, 's');
  return (address) => re.test(address);
}

function isAddress(s: string): boolean {
  const at = s.indexOf('@');
  return at > 0 && at === s.lastIndexOf('@') && at < s.length - 1 && !/[\s*?$<>(),;:"[\]]/.test(s);
}
