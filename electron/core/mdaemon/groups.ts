/**
 * Groups.dat: MDaemon's account groups, in the INI-style layout the spec describes.
 *
 * The layout is not publicly documented, so the reader is tolerant: `Member=`, `Members=` lists
 * (comma or semicolon), numbered `MemberN=` keys, bare address lines, case-insensitive keys,
 * `;`/`#` comments; other keys are kept as properties; a repeated section is merged (warning).
 *
 * A section name is the group's name, taken whole: names may contain spaces and `@`
 * (`everyone@sample.int` is a group name, not an address), so a name is never split or matched
 * as an address. Members are accounts' email addresses. MDaemon keeps Active Directory groups
 * in a separate data file, which is not read. A non-empty Groups.dat in which no `[group]`
 * section is found does not parse: one warning names its first line, rather than no groups
 * passing silently.
 */
import type { CodePage } from '../../../shared/code-pages';
import type { MdaemonGroup, SourceWarning } from '../../../shared/model';
import { decodeLines } from './text-file';

/** A group as parsed, before members are checked against the accounts. */
export interface ParsedGroup extends MdaemonGroup {
  /** Line of each member, parallel to `members` (for "no such account" warnings). */
  memberLines: number[];
  /** Keys other than Description and members, last value wins (lower-case keys). */
  properties: Record<string, string>;
}

/** What parseGroups found. */
export interface GroupsParse {
  groups: ParsedGroup[];
  warnings: SourceWarning[];
}

const MEMBER_KEY = /^member\d*$/;

/** Parses Groups.dat bytes in an allowlisted code page; throws only UserError `encoding`. */
export function parseGroups(data: Buffer, codePage: CodePage, file = 'Groups.dat'): GroupsParse {
  const warnings: SourceWarning[] = [];
  const groups: ParsedGroup[] = [];
  const byName = new Map<string, ParsedGroup>();
  let current: ParsedGroup | null = null;
  let skipping = false;
  const outside: number[] = [];
  const lines = decodeLines(data, codePage, file);

  lines.forEach((raw, i) => {
    const line = i + 1;
    const text = raw.trim();
    if (text === '' || text.startsWith(';') || text.startsWith('#')) return;
    if (text.startsWith('[')) {
      const name = text.endsWith(']') ? text.slice(1, -1).trim() : '';
      if (name === '') {
        warnings.push({ file, line, message: 'malformed group section header; its lines are ignored' });
        current = null;
        skipping = true;
        return;
      }
      skipping = false;
      const existing = byName.get(name.toLowerCase());
      if (existing) {
        warnings.push({ file, line, message: `group "${name}" appears again; merged with the first one` });
        current = existing;
        return;
      }
      current = { name, description: '', members: [], memberLines: [], properties: {} };
      byName.set(name.toLowerCase(), current);
      groups.push(current);
      return;
    }
    if (skipping) return;
    if (!current) {
      outside.push(line);
      warnings.push({ file, line, message: 'line outside any [group] section; ignored' });
      return;
    }
    const group: ParsedGroup = current;
    const eq = text.indexOf('=');
    if (eq === -1) {
      addMember(group, text, line, file, warnings);
      return;
    }
    const key = text.slice(0, eq).trim().toLowerCase();
    const value = text.slice(eq + 1).trim();
    if (key === 'description') group.description = value;
    else if (key === 'members' || MEMBER_KEY.test(key)) {
      for (const part of value.split(/[;,]/)) if (part.trim() !== '') addMember(group, part, line, file, warnings);
    } else group.properties[key] = value;
  });
  if (groups.length === 0 && outside.length > 0) {
    const first = outside[0] as number;
    const others = warnings.filter((w) => w.message !== 'line outside any [group] section; ignored');
    const more = outside.length > 1 ? ` (and ${outside.length - 1} more lines like it)` : '';
    others.unshift({
      file,
      line: first,
      message: `${file} does not parse as MDaemon groups: line ${first} is not inside a [group] section${more}; no groups read`,
    });
    return { groups, warnings: others };
  }
  return { groups, warnings };
}

function addMember(group: ParsedGroup, raw: string, line: number, file: string, warnings: SourceWarning[]): void {
  let address = raw.trim();
  if (address.startsWith('<') && address.endsWith('>')) address = address.slice(1, -1).trim();
  address = address.toLowerCase();
  const at = address.indexOf('@');
  if (at <= 0 || at === address.length - 1 || /[\s<>(),;:"[\]]/.test(address)) {
    warnings.push({
      file,
      line,
      message: `group "${group.name}": "${address.slice(0, 80)}" is not an email address; ignored`,
    });
    return;
  }
  if (group.members.includes(address)) return;
  group.members.push(address);
  group.memberLines.push(line);
}
