/** CSV export of a change list: RFC 4180 quoting, CRLF lines, a BOM so spreadsheets read UTF-8. */
import type { Change } from '../../../shared/model';
import { ACTION_LABELS } from './actions';

/**
 * One CSV field: quoted when it holds a comma, quote, line break or edge spaces, quotes doubled.
 *
 * A leading =, +, -, @ or tab/CR would make a spreadsheet evaluate the cell as a formula, so such a
 * value gets a leading apostrophe (the usual CSV-injection defence).
 */
export function csvField(value: string): string {
  let v = value;
  if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  return /[",\r\n]|^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** The whole CSV text of a change list, header first. */
export function changesToCsv(changes: readonly Change[]): string {
  const lines = ['Action,User name,Full name,Email addresses,Reason'];
  for (const c of changes) {
    lines.push(
      [ACTION_LABELS[c.action], c.userName, c.fullName, c.emailAddresses.join('; '), c.reason].map(csvField).join(','),
    );
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** Offers text as a file download through a Blob URL. */
export function downloadText(fileName: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name with the local date and time, e.g. `mdsync-changes-2025-01-31-1405.csv`. */
export function timestampedName(prefix: string, ext: string, now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${prefix}-${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}.${ext}`;
}
