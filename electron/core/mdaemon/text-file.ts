/**
 * Lines of MDaemon's small INI-like text files (Groups.dat, Alias.dat), decoded in the code page.
 *
 * The whole file is decoded at once and then split: CR and LF are never lead or trail bytes in
 * the multi-byte code pages, so line ends survive decoding, while `[`, `]` and `\` can be trail
 * bytes in cp932 and must not be searched for in raw bytes.
 */
import iconv from 'iconv-lite';
import { UserError } from '../../../shared/result';
import type { CodePage } from '../../../shared/code-pages';
import { detectUnicode } from './code-page';

/**
 * Decodes a text file to lines (1-based line = index + 1).
 *
 * A UTF-8 byte-order mark means an editor saved it as UTF-8, so it is decoded as UTF-8;
 * UTF-16 is a UserError `encoding`.
 */
export function decodeLines(data: Buffer, cp: CodePage, file: string): string[] {
  const kind = detectUnicode(data);
  if (kind === 'utf16') throw new UserError('encoding', `${file} is UTF-16 text; save it in the ANSI code page ${cp}`);
  const text = kind === 'utf8Bom' ? data.toString('utf8', 3) : iconv.decode(data, cp);
  const lines = text.split(/\r\n|\r|\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const last = lines.length - 1;
  if (last >= 0) {
    let text = lines[last] as string;
    while (text.endsWith('\u001a')) text = text.slice(0, -1);
    lines[last] = text;
  }
  return lines;
}
