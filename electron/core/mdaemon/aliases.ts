/**
 * Alias.dat: MDaemon's alias list, `alias = actual address` per line.
 *
 * Only exact aliases matter to the archive (they are more addresses of one account); aliases
 * with `*` or `?` wildcards, or with MDaemon's `$…$` macros or no domain, match many addresses
 * and are counted, not kept.
 */
import type { SourceWarning } from '../../../shared/model';
import { decodeLines } from './text-file';

/** One exact alias: both sides lower-case. */
export interface AliasEntry {
  alias: string;
  target: string;
  line: number;
}

/** What parseAliases found. */
export interface AliasesParse {
  aliases: AliasEntry[];
  /** Aliases that match patterns rather than one address (ignored). */
  wildcards: number;
  warnings: SourceWarning[];
}

/** Parses Alias.dat bytes in an allowlisted code page; throws only UserError `codePage`/`encoding`. */
export function parseAliases(data: Buffer, codePage: string, file = 'Alias.dat'): AliasesParse {
  const aliases: AliasEntry[] = [];
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
    if (/[*?$]/.test(alias) || !isAddress(alias)) {
      wildcards++;
      return;
    }
    if (!isAddress(target)) {
      warnings.push({
        file,
        line,
        message: `alias ${alias} points at "${target.slice(0, 80)}", not one email address; ignored`,
      });
      return;
    }
    aliases.push({ alias, target, line });
  });
  return { aliases, wildcards, warnings };
}

function isAddress(s: string): boolean {
  const at = s.indexOf('@');
  return at > 0 && at === s.lastIndexOf('@') && at < s.length - 1 && !/[\s*?$<>(),;:"[\]]/.test(s);
}
