/**
 * USERLIST.DAT: MDaemon's fixed-width account list, read without ever touching the password.
 *
 * Each record is sliced in raw bytes first and each field decoded on its own, because widths are
 * bytes of the code page and multi-byte code pages (cp932, cp936, cp949, cp950) cannot be decoded
 * a whole line at a time. The Password field (bytes 195–214) is never sliced, so it cannot reach
 * an account, a warning or an error message.
 *
 * The Password field holds MDaemon's reversible Base64 form, a plain value an administrator
 * typed, or `\\DOMAIN` for accounts that authenticate against Active Directory (with
 * non-reversible storage, version 17 and later, the hash is kept elsewhere): whatever it holds, it
 * is opaque bytes that are never decoded or shown, and may include 0x0A or 0x0D.
 *
 * Decisions on quirks (each refused record is a warning with its 1-based line, never a guess):
 * - Framing (userlist-framing.ts): a file of 235-byte records each followed by CR LF is framed by
 *   that stride, so a line-feed byte inside a field cannot cut a record; any other file (LF-only
 *   line ends, cut-off records, blank lines) is split at line ends, and a note says so. `line`
 *   is the record's number in the first case, the line's in the second.
 * - A last record without its line end and trailing 0x1A end-of-file bytes are read as usual,
 *   each with a note (`level: 'note'`); blank lines are skipped.
 * - A record that is not 235 bytes is refused ("record is N bytes, expected 235"), except an
 *   over-long one whose extra bytes are only spaces/NULs: its fields are unambiguous, so it is
 *   kept, with a warning.
 * - NUL bytes at the end of a field are padding, like spaces (some tools pad with NULs); a NUL
 *   inside a field's text refuses the record.
 * - A UTF-8 byte-order mark is skipped (fields keep their offsets), with a warning; UTF-16 is a
 *   UserError `encoding`; a file where no record is valid and most lines have the wrong length
 *   is a UserError `notUserlist`.
 * - `email` is `mailbox@domain` in lower case (the key for matching and duplicates); `domain` is
 *   lower case too; `mailbox` and `fullName` keep the file's case for display.
 * - A duplicate email (case-insensitive): the first record wins; the later one is listed in
 *   `duplicates` (a skip line of the plan) with a warning, and is not an invalid record.
 * - A multi-byte full name cut in the middle of a character (its last byte a lone lead byte) is
 *   kept without that byte, with the "does not decode cleanly" warning.
 */
import type { AccessType, DuplicateRecord, MdaemonAccount, RejectedRecord, SourceWarning } from '../../../shared/model';
import { type CodePage, isMultiByte } from '../../../shared/code-pages';
import { UserError } from '../../../shared/result';
import { detectUnicode, fieldDecoder, plainBytes } from './code-page';
import { domainProblem, mailboxProblem } from './address-check';
import { EmailIndex, hashString } from './email-index';
import { field, isBlank, latin1Slice, sameBytes, withoutDanglingByte } from './field-text';
import { fileTail, framingNotes, isStrideFramed, type LineFramingSeen, type UserlistFraming } from './userlist-framing';

/** Bytes of one record without its line end. */
export const RECORD_BYTES = 235;

const DOMAIN_END = 45;
const MAILBOX_END = 75;
const FULLNAME_END = 105;
const ACCESS_AT = 217;
/** Where "@domain" starts in the email scratch buffer: room for the longest mailbox before it. */
const EMAIL_AT = MAILBOX_END - DOMAIN_END;
/** The shared empty groups/aliases of freshly parsed accounts. */
const NONE: readonly string[] = Object.freeze([]);

/** What parseUserlist found: accounts in file order, plus one warning per refused record. */
export interface UserlistParse {
  accounts: MdaemonAccount[];
  warnings: SourceWarning[];
  /** Records refused (wrong length, bad field); each has a warning. Duplicates are not counted. */
  invalidRecords: number;
  /** The refused records, for the plan's skip lines. */
  rejected: RejectedRecord[];
  /** Records repeating an earlier account's address; each has a warning. */
  duplicates: DuplicateRecord[];
  /** Whether records were framed by their 235-byte + CR LF stride or by line ends. */
  framing: UserlistFraming;
}

/**
 * Parses USERLIST.DAT bytes in an allowlisted code page.
 *
 * Throws UserError `encoding` or `notUserlist`; every other problem is a warning.
 * Each account's `groups` and `aliases` is one shared, frozen empty array (200,000 fewer
 * allocations on a big file): give an account its own array, never push into these.
 */
export function parseUserlist(data: Buffer, codePage: CodePage, file = 'USERLIST.DAT'): UserlistParse {
  const { accounts, warnings, invalidRecords, rejected, duplicates, framing } = parseUserlistIndexed(
    data,
    codePage,
    file,
  );
  return { accounts, warnings, invalidRecords, rejected, duplicates, framing };
}

/**
 * parseUserlist plus its email index: `index.find(email)` is the position of that account in
 * `accounts` (readDirectory links groups and aliases through it instead of a 100k-entry Map).
 */
export function parseUserlistIndexed(
  data: Buffer,
  cp: CodePage,
  file = 'USERLIST.DAT',
): UserlistParse & { index: EmailIndex } {
  const decode = fieldDecoder(cp);
  const warnings: SourceWarning[] = [];
  const accounts: MdaemonAccount[] = [];
  const kind = detectUnicode(data);
  if (kind === 'utf16') {
    throw new UserError('encoding', `${file} is UTF-16 text, not MDaemon's account list in an ANSI code page`);
  }
  let pos = 0;
  if (kind === 'utf8Bom') {
    pos = 3;
    warnings.push({
      file,
      line: 1,
      message: 'file starts with a UTF-8 byte-order mark (re-saved by an editor?); skipped it',
    });
  }
  const tail = fileTail(data, pos);
  const end = tail.end;
  const stride = isStrideFramed(data, pos, tail);
  const seenLines: LineFramingSeen = { lfOnly: 0, firstLfOnly: 0, lineEnds: 0, blank: 0, wrongLength: 0 };
  const multiByte = isMultiByte(cp);

  const seen = new EmailIndex(Math.ceil((end - pos) / (RECORD_BYTES + 2)));
  const plain = plainBytes(cp);
  let prevDomainAt = -1;
  // Lower-case ASCII emails are assembled here: mailbox, then "@domain" from EMAIL_AT on.
  const scratch = Buffer.alloc(EMAIL_AT + 1 + DOMAIN_END);
  let domainAscii = false;
  let emailEnd = EMAIL_AT;
  let prevDomain = '';
  let prevDomainHash = 0;
  let prevDomainProblem: string | null = null;
  let line = 0;
  let invalid = 0;
  let nonBlank = 0;
  let wrongLength = 0;
  const rejected: RejectedRecord[] = [];
  const duplicates: DuplicateRecord[] = [];
  const refuse = (message: string) => {
    warnings.push({ file, line, message });
    rejected.push({ file, line, reason: message });
    invalid++;
  };

  while (pos < end) {
    const start = pos;
    let stop: number;
    if (stride) {
      stop = start + RECORD_BYTES;
      pos = stop + 2;
    } else {
      let nl = data.indexOf(0x0a, pos);
      if (nl === -1 || nl > end) nl = end;
      stop = nl;
      if (stop > pos && data[stop - 1] === 0x0d) stop--;
      else if (nl < end) {
        if (seenLines.lfOnly++ === 0) seenLines.firstLfOnly = line + 1;
      }
      if (nl < end) seenLines.lineEnds++;
      pos = nl + 1;
    }
    line++;
    const len = stop - start;
    if (len !== RECORD_BYTES) {
      if (isBlank(data, start, stop)) {
        seenLines.blank++;
        continue;
      }
      nonBlank++;
      if (len < RECORD_BYTES || !isBlank(data, start + RECORD_BYTES, stop)) {
        wrongLength++;
        refuse(`record is ${len} bytes, expected ${RECORD_BYTES}`);
        continue;
      }
      warnings.push({
        file,
        line,
        message: `record is ${len} bytes, expected ${RECORD_BYTES}; extra trailing padding ignored`,
      });
    } else {
      nonBlank++;
    }

    const accessType = accessTypeOf(data[start + ACCESS_AT] ?? 0);
    if (accessType === null) {
      refuse(`unknown AccessType ${describeByte(data[start + ACCESS_AT] ?? 0)} (expected Y, N, P, I or C)`);
      continue;
    }
    // The domain repeats from record to record: when its 45 bytes equal the previous record's,
    // nothing is sliced, checked or lower-cased again.
    if (prevDomainAt === -1 || !sameBytes(data, prevDomainAt, start, DOMAIN_END)) {
      prevDomainAt = start;
      const rawDomain = field(data, start, start + DOMAIN_END, plain, decode);
      prevDomainProblem = rawDomain === null ? 'Domain field contains NUL bytes' : domainProblem(rawDomain, cp);
      prevDomain = rawDomain === null ? '' : rawDomain.toLowerCase();
      prevDomainHash = hashString(prevDomain);
      domainAscii = !/[^ -~]/.test(prevDomain);
      if (domainAscii) emailEnd = EMAIL_AT + scratch.write(`@${prevDomain}`, EMAIL_AT, 'latin1');
    }
    if (prevDomainProblem !== null) {
      refuse(prevDomainProblem);
      continue;
    }
    const mailbox = field(data, start + DOMAIN_END, start + MAILBOX_END, plain, decode);
    const mailboxBad = mailbox === null ? 'Mailbox field contains NUL bytes' : mailboxProblem(mailbox, cp);
    if (mailbox === null || mailboxBad !== null) {
      refuse(mailboxBad ?? '');
      continue;
    }
    const rawName = field(data, start + MAILBOX_END, start + FULLNAME_END, plain, decode);
    if (rawName === null) {
      refuse('FullName field contains NUL bytes');
      continue;
    }
    const c0 = rawName.charCodeAt(0);
    let fullName = c0 === 0x20 || c0 === 0x3000 || c0 === 0x09 ? rawName.trim() : rawName;
    let cutChar = false;
    if (multiByte && fullName.charCodeAt(fullName.length - 1) === 0xfffd) {
      const kept = withoutDanglingByte(data, start + MAILBOX_END, start + FULLNAME_END, decode);
      if (kept !== null) {
        fullName = kept;
        cutChar = true;
      }
    }
    const domain = prevDomain;
    // An ASCII address is lower-cased and hashed in one pass, and assembled in a scratch buffer
    // in front of "@domain" so the email is one flat string (no cons strings to flatten later).
    let email: string | null = null;
    let hash = 0;
    const m = mailbox.length;
    if (domainAscii && m <= EMAIL_AT) {
      const from = EMAIL_AT - m;
      let h = prevDomainHash;
      let i = 0;
      for (; i < m; i++) {
        let c = mailbox.charCodeAt(i);
        if (c >= 0x80) break;
        if (c >= 0x41 && c <= 0x5a) c |= 0x20;
        scratch[from + i] = c;
        h = Math.imul(h ^ c, 0x01000193);
      }
      if (i === m) {
        email = latin1Slice(scratch, from, emailEnd);
        hash = h >>> 0;
      }
    }
    if (email === null) {
      const mailboxLower = mailbox.toLowerCase();
      email = `${mailboxLower}@${domain}`;
      hash = hashString(mailboxLower, prevDomainHash);
    }
    const first = seen.addIfAbsent(email, hash, line);
    if (first !== -1) {
      warnings.push({ file, line, message: `duplicate account ${email} (first on line ${first}); ignored` });
      duplicates.push({ file, line, email, firstLine: first, fullName });
      continue;
    }
    if (cutChar || fullName.includes('\ufffd')) {
      const cut = cutChar ? ' (it ends in half a double-byte character, stored without it)' : '';
      warnings.push({
        file,
        line,
        message: `full name of ${email} does not decode cleanly in ${cp}${cut}; is the code page right?`,
      });
    }
    accounts.push({
      email,
      domain,
      mailbox,
      fullName,
      accessType,
      groups: NONE as string[],
      aliases: NONE as string[],
    });
  }

  if (accounts.length === 0 && nonBlank > 0 && wrongLength * 2 > nonBlank) {
    throw new UserError(
      'notUserlist',
      `${file} is not an MDaemon account list: no valid record, and ${wrongLength} of ${nonBlank} lines are not ${RECORD_BYTES}-byte records`,
    );
  }
  const framing: UserlistFraming = stride || line === 0 ? 'records' : 'lines';
  seenLines.wrongLength = wrongLength;
  warnings.push(...framingNotes(file, framing, tail, seenLines, line));
  return { accounts, warnings, invalidRecords: invalid, rejected, duplicates, framing, index: seen };
}

function accessTypeOf(b: number): AccessType | null {
  switch (b) {
    case 0x59:
      return 'Y';
    case 0x4e:
      return 'N';
    case 0x50:
      return 'P';
    case 0x49:
      return 'I';
    case 0x43:
      return 'C';
    default:
      return null;
  }
}

function describeByte(b: number): string {
  return b > 0x20 && b < 0x7f ? `'${String.fromCharCode(b)}'` : `byte 0x${b.toString(16).padStart(2, '0')}`;
}
