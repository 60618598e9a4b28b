/**
 * The code pages the product offers for USERLIST.DAT and Groups.dat, with readable labels.
 *
 * A code page is parsed once where it comes in (settings, `--code-page`, an API input) into a
 * `CodePage`, the closed union of the allowlisted ids; the readers and decoders take only that type
 * and never check a spelling again.
 */
import { type Result, fail, ok } from './result';

/** One allowlisted code page. */
export interface CodePageInfo {
  /** The iconv-lite encoding name, as saved in settings and given to `--code-page`. */
  readonly id: CodePage;
  /** What the Code Page list shows. */
  readonly label: string;
  /** True for the DBCS code pages whose characters take one or two bytes. */
  readonly multiByte: boolean;
}

/**
 * The allowlist of code pages.
 *
 * Windows ANSI code pages first (what MDaemon writes on each system locale), then the DOS OEM
 * code pages a file may have passed through, then KOI8-R.
 */
const LIST = [
  { id: 'cp1252', label: 'Windows-1252 (Western European)', multiByte: false },
  { id: 'cp1250', label: 'Windows-1250 (Central European)', multiByte: false },
  { id: 'cp1251', label: 'Windows-1251 (Cyrillic)', multiByte: false },
  { id: 'cp1253', label: 'Windows-1253 (Greek)', multiByte: false },
  { id: 'cp1254', label: 'Windows-1254 (Turkish)', multiByte: false },
  { id: 'cp1255', label: 'Windows-1255 (Hebrew)', multiByte: false },
  { id: 'cp1256', label: 'Windows-1256 (Arabic)', multiByte: false },
  { id: 'cp1257', label: 'Windows-1257 (Baltic)', multiByte: false },
  { id: 'cp1258', label: 'Windows-1258 (Vietnamese)', multiByte: false },
  { id: 'cp874', label: 'Windows-874 (Thai)', multiByte: false },
  { id: 'cp932', label: 'Windows-932 (Japanese, Shift JIS)', multiByte: true },
  { id: 'cp936', label: 'Windows-936 (Simplified Chinese, GBK)', multiByte: true },
  { id: 'cp949', label: 'Windows-949 (Korean)', multiByte: true },
  { id: 'cp950', label: 'Windows-950 (Traditional Chinese, Big5)', multiByte: true },
  { id: 'cp437', label: 'DOS-437 (United States)', multiByte: false },
  { id: 'cp850', label: 'DOS-850 (Western European)', multiByte: false },
  { id: 'cp852', label: 'DOS-852 (Central European)', multiByte: false },
  { id: 'cp866', label: 'DOS-866 (Cyrillic)', multiByte: false },
  { id: 'koi8-r', label: 'KOI8-R (Russian)', multiByte: false },
] as const;

/** An allowlisted code page id: only parseCodePage (or a literal id in code) makes one. */
export type CodePage = (typeof LIST)[number]['id'];

/** The allowlist, in the order the Code Page list shows it. */
export const CODE_PAGES: readonly CodePageInfo[] = LIST;

/** The code page used where the system's ANSI code page cannot be known. */
export const FALLBACK_CODE_PAGE: CodePage = 'cp1252';

/** Finds an allowlisted code page by id, accepting `1252`, `CP1252` and `windows-1252` spellings. */
export function findCodePage(input: string): CodePageInfo | undefined {
  const s = input.trim().toLowerCase();
  const id = /^\d+$/.test(s) ? `cp${s}` : s.replace(/^windows-/, 'cp');
  return CODE_PAGES.find((c) => c.id === id);
}

/**
 * Parses a code page spelling (`1252`, `CP1252`, `windows-1252`) into its allowlisted id, or fails
 * with code `codePage` and a message naming the valid ids (what someone typing `--code-page` needs).
 */
export function parseCodePage(text: string): Result<CodePage> {
  const found = findCodePage(text);
  if (found) return ok(found.id);
  const shown = text.trim() === '' ? '(empty)' : `'${text.trim().slice(0, 40)}'`;
  return fail('codePage', `unknown code page ${shown}; valid code pages: ${CODE_PAGES.map((c) => c.id).join(', ')}`);
}

/** True for the DBCS code pages (cp932, cp936, cp949, cp950), whose characters take one or two bytes. */
export function isMultiByte(cp: CodePage): boolean {
  return CODE_PAGES.some((c) => c.id === cp && c.multiByte);
}

/**
 * The Code Page field's help: which code page is preselected when the settings name none, and why.
 * On Windows it is the ANSI code page of the computer running mdsync (the registry's ACP); on other
 * systems MDaemon's code page cannot be read, so the fallback is preselected and the help says so.
 */
export function codePageHelp(p: { platform: string; defaultCodePage: string; onServer: boolean }): string {
  const label = findCodePage(p.defaultCodePage)?.label ?? findCodePage(FALLBACK_CODE_PAGE)?.label ?? '';
  const computer = p.onServer ? 'the server' : 'this computer';
  if (p.platform === 'win32')
    return `Default: the Windows code page of ${computer}, ${label}. Change it only if USERLIST.DAT and Groups.dat were written with another one.`;
  return `Default: ${label}, as ${computer} is not Windows and has no ANSI code page to follow. Choose the code page of the Windows computer running MDaemon if it differs.`;
}
