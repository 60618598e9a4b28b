/**
 * Code page checks shared by the MDaemon readers.
 *
 * Only allowlisted code pages are accepted, so a typo in settings or on the command line is a
 * clear error instead of iconv-lite silently decoding with something else.
 */
import iconv from 'iconv-lite';
import { CODE_PAGES, findCodePage } from '../../../shared/code-pages';
import { UserError } from '../../../shared/result';

/**
 * Resolves a code page spelling (`1252`, `CP1252`, `windows-1252`) to its allowlisted id.
 *
 * Throws UserError `codePage` naming the valid ids, because the caller is usually an
 * administrator typing `--code-page` who needs to see what is accepted.
 */
export function resolveCodePage(input: string): string {
  const found = findCodePage(input);
  if (!found || !iconv.encodingExists(found.id)) {
    const shown = input.trim() === '' ? '(empty)' : `'${input.trim().slice(0, 40)}'`;
    throw new UserError(
      'codePage',
      `unknown code page ${shown}; valid code pages: ${CODE_PAGES.map((c) => c.id).join(', ')}`,
    );
  }
  return found.id;
}

/** Kind of Unicode text a file is, when its first bytes tell; null for a plain byte file. */
export type UnicodeKind = 'utf8Bom' | 'utf16' | null;

/**
 * Recognises UTF-16 (by byte-order mark or by NUL-interleaved ASCII) and a UTF-8 byte-order mark.
 *
 * MDaemon writes its files in an ANSI code page; an editor or a PowerShell redirect may have
 * re-saved them as Unicode, which would otherwise be read as garbage records.
 */
export function detectUnicode(data: Buffer): UnicodeKind {
  if (data.length >= 2 && ((data[0] === 0xff && data[1] === 0xfe) || (data[0] === 0xfe && data[1] === 0xff))) {
    return 'utf16';
  }
  if (data.length >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) return 'utf8Bom';
  const n = Math.min(data.length, 1024) & ~1;
  if (n < 8) return null;
  let nulEven = 0;
  let nulOdd = 0;
  for (let i = 0; i < n; i += 2) {
    if (data[i] === 0) nulEven++;
    if (data[i + 1] === 0) nulOdd++;
  }
  const half = n / 2;
  const interleaved = (a: number, b: number) => a > half * 0.3 && b < half * 0.05;
  return interleaved(nulEven, nulOdd) || interleaved(nulOdd, nulEven) ? 'utf16' : null;
}
