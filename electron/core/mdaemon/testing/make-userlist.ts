/**
 * Writes USERLIST.DAT records, for tests, the benchmark and the sample App directory.
 *
 * Fields are encoded in the code page and padded in BYTES of that code page, as MDaemon does,
 * so multi-byte names take their real width. Kept apart from the reader so a bug in one does not
 * hide a bug in the other.
 */
import iconv from 'iconv-lite';

/** One record's fields; omitted ones get MDaemon-like defaults. */
export interface UserlistFields {
  domain: string;
  mailbox: string;
  fullName?: string;
  mailDir?: string;
  /** The (obfuscated) password bytes as text; tests plant markers here. */
  password?: string;
  /** One character: Y, N, P, I or C (anything else for tests of refusals). */
  accessType?: string;
  /** The nine Y/N flags after AccessType are fixed; only these two numbers vary. */
  maxMessageCount?: number;
  maxDiskSpace?: number;
}

/** Field widths in bytes, in file order (Password included: the writer must fill it). */
export const FIELD_WIDTHS = { domain: 45, mailbox: 30, fullName: 30, mailDir: 90, password: 20 } as const;

/**
 * Encodes one 235-byte record (no line end).
 *
 * Throws when a field does not fit its width, so a test never silently writes a cut field.
 */
export function encodeUserlistRecord(fields: UserlistFields, codePage: string): Buffer {
  const usual = `C:\\MDaemon\\Users\\${fields.domain}\\${fields.mailbox}\\`;
  const mailDir =
    fields.mailDir ??
    (iconv.encode(usual, codePage).length <= FIELD_WIDTHS.mailDir ? usual : 'C:\\MDaemon\\Users\\long\\');
  const access = fields.accessType ?? 'Y';
  const parts = [
    pad(fields.domain, FIELD_WIDTHS.domain, codePage, 'domain'),
    pad(fields.mailbox, FIELD_WIDTHS.mailbox, codePage, 'mailbox'),
    pad(fields.fullName ?? '', FIELD_WIDTHS.fullName, codePage, 'fullName'),
    pad(mailDir, FIELD_WIDTHS.mailDir, codePage, 'mailDir'),
    pad(fields.password ?? 'FAKE-PASSWORD', FIELD_WIDTHS.password, codePage, 'password'),
    Buffer.from(`NN${access.slice(0, 1) || ' '}YNNYNNN`, 'latin1'),
    pad(String(fields.maxMessageCount ?? 0), 4, codePage, 'maxMessageCount'),
    pad(String(fields.maxDiskSpace ?? 0), 6, codePage, 'maxDiskSpace'),
  ];
  return Buffer.concat(parts);
}

function pad(text: string, width: number, codePage: string, name: string): Buffer {
  const bytes = iconv.encode(text, codePage);
  if (bytes.length > width) throw new Error(`${name} is ${bytes.length} bytes in ${codePage}, wider than ${width}`);
  const out = Buffer.alloc(width, 0x20);
  bytes.copy(out);
  return out;
}

/** Line-end options of makeUserlist. */
export interface MakeUserlistOptions {
  /** Line end between records; MDaemon writes CR LF. */
  eol?: '\r\n' | '\n';
  /** Whether the last record gets a line end too (default true). */
  finalEol?: boolean;
  /** Append a 0x1A end-of-file byte. */
  eofByte?: boolean;
}

/** Builds a whole USERLIST.DAT from records. */
export function makeUserlist(
  accounts: readonly UserlistFields[],
  codePage: string,
  opts: MakeUserlistOptions = {},
): Buffer {
  const eol = Buffer.from(opts.eol ?? '\r\n', 'latin1');
  const parts: Buffer[] = [];
  accounts.forEach((a, i) => {
    parts.push(encodeUserlistRecord(a, codePage));
    if (i < accounts.length - 1 || opts.finalEol !== false) parts.push(eol);
  });
  if (opts.eofByte) parts.push(Buffer.from([0x1a]));
  return Buffer.concat(parts);
}
