/**
 * How USERLIST.DAT's records are cut out of the file: by their 235-byte + CR LF stride, or by
 * line ends.
 *
 * MDaemon writes 235-byte records each followed by CR LF. The Password field holds opaque bytes
 * that may include 0x0A or 0x0D, so splitting such a file at line ends would cut a record in two
 * (the account lost, every delete held). When every record boundary of the file is a CR LF at
 * the stride, the stride frames the records and bytes inside a field cannot cut one. A file that
 * is not made that way (LF-only line ends, cut-off records, blank lines) is read line by line,
 * which is the only framing that can resynchronise after a record of the wrong length; the
 * reader says so in a note.
 */
import type { SourceWarning } from '../../../shared/model';

/** Bytes of one record without its line end (kept in step with userlist.ts). */
const RECORD = 235;
const STRIDE = RECORD + 2;

/** Which framing parseUserlist used: `records` (235 bytes + CR LF stride) or `lines` (line ends). */
export type UserlistFraming = 'records' | 'lines';

/** The end of a file's records and what trailed them. */
export interface FileTail {
  /** Index after the last record byte: trailing CR, LF and 0x1A bytes excluded. */
  end: number;
  /** The file ended with one or more 0x1A end-of-file bytes. */
  eofByte: boolean;
  /** The line end after the last record: CR LF, LF only, or none. */
  lastEol: 'crlf' | 'lf' | 'none';
}

/** Finds where the records of `data[from..]` end, and what came after them. */
export function fileTail(data: Buffer, from: number): FileTail {
  let e = data.length;
  let eofByte = false;
  while (e > from && data[e - 1] === 0x1a) {
    e--;
    eofByte = true;
  }
  const lastEol = e > from && data[e - 1] === 0x0a ? (e - 1 > from && data[e - 2] === 0x0d ? 'crlf' : 'lf') : 'none';
  let end = e;
  while (end > from && (data[end - 1] === 0x1a || data[end - 1] === 0x0a || data[end - 1] === 0x0d)) end--;
  return { end, eofByte, lastEol };
}

/**
 * True when bytes [from, tail.end) are whole 235-byte records separated by CR LF, and the last
 * line end (if any) is CR LF too: only then may records be framed by their stride.
 */
export function isStrideFramed(data: Buffer, from: number, tail: FileTail): boolean {
  const n = tail.end - from;
  if (n <= 0 || (n + 2) % STRIDE !== 0 || tail.lastEol === 'lf') return false;
  for (let at = from + RECORD; at < tail.end; at += STRIDE) {
    if (data[at] !== 0x0d || data[at + 1] !== 0x0a) return false;
  }
  return true;
}

/** What line framing met, for its note. */
export interface LineFramingSeen {
  /** Line ends without CR, and the first line that has one. */
  lfOnly: number;
  firstLfOnly: number;
  /** Line ends in all (CR LF or LF). */
  lineEnds: number;
  blank: number;
  wrongLength: number;
}

/**
 * The informational notes of a parse: which framing was used when it is not the stride (and
 * why), a last record without its line end, a trailing 0x1A. None of these loses a record.
 */
export function framingNotes(
  file: string,
  framing: UserlistFraming,
  tail: FileTail,
  seen: LineFramingSeen,
  lastLine: number,
): SourceWarning[] {
  const notes: SourceWarning[] = [];
  if (framing === 'lines' && lastLine > 0) {
    const why: string[] = [];
    if (seen.lfOnly > 0 && seen.lfOnly === seen.lineEnds) why.push('LF-only line ends');
    else if (seen.lfOnly > 0) why.push(`${seen.lfOnly} LF-only line ends, the first after line ${seen.firstLfOnly}`);
    if (seen.wrongLength > 0) why.push(`records that are not ${RECORD} bytes`);
    if (seen.blank > 0) why.push('blank lines');
    if (why.length === 0) why.push('line ends that are not at the record stride');
    notes.push({
      file,
      line: null,
      level: 'note',
      message: `records read line by line, not by their ${RECORD}-byte + CR LF stride (${why.join('; ')}); a line-feed byte inside a field would cut its record`,
    });
  }
  if (tail.lastEol === 'none' && lastLine > 0) {
    notes.push({
      file,
      line: lastLine,
      level: 'note',
      message: 'the last record has no line end (CR LF); read as usual',
    });
  }
  if (tail.eofByte) {
    notes.push({ file, line: null, level: 'note', message: 'the file ends with an end-of-file byte 0x1A; ignored' });
  }
  return notes;
}
