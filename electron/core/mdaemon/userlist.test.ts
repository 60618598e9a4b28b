import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { CodePage } from '../../../shared/code-pages';
import { UserError } from '../../../shared/result';
import { encodeUserlistRecord, makeUserlist, type UserlistFields } from './testing/make-userlist';
import { parseUserlist, parseUserlistIndexed } from './userlist';

const CRLF = Buffer.from('\r\n');
const rec = (f: UserlistFields, cp: CodePage = 'cp1252') => encodeUserlistRecord(f, cp);
const join = (...parts: (Buffer | string)[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p)));
const frank: UserlistFields = { domain: 'company.test', mailbox: 'frank', fullName: 'Frank Müller' };
const anna: UserlistFields = { domain: 'company.test', mailbox: 'anna', fullName: 'Anna Schmidt', accessType: 'C' };

function thrown(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error('did not throw');
}

describe('parseUserlist: fields', () => {
  it('reads records into accounts, lower-casing email and domain, keeping display case', () => {
    const data = makeUserlist([{ domain: 'Company.TEST', mailbox: 'Frank', fullName: 'Frank Müller' }, anna], 'cp1252');
    const r = parseUserlist(data, 'cp1252');
    expect(r.warnings).toEqual([]);
    expect(r.invalidRecords).toBe(0);
    expect(r.accounts).toEqual([
      {
        email: 'frank@company.test',
        domain: 'company.test',
        mailbox: 'Frank',
        fullName: 'Frank Müller',
        accessType: 'Y',
        groups: [],
        aliases: [],
      },
      {
        email: 'anna@company.test',
        domain: 'company.test',
        mailbox: 'anna',
        fullName: 'Anna Schmidt',
        accessType: 'C',
        groups: [],
        aliases: [],
      },
    ]);
  });

  it.each<[CodePage, string, string, string]>([
    ['cp1252', 'company.test', 'zoe', 'Zoë Lefèvre Groß Ærøskøbing'],
    ['cp1251', 'компания.test', 'ivan', 'Иван Петрович Сидоров-Кузнецов'],
    ['cp1250', 'firma.test', 'lukasz', 'Łukasz Żółć Dvořák Šťastný'],
    ['cp932', 'company.test', 'tanaka', '田中太郎表示ソフト能力'],
    ['cp936', 'company.test', 'wang', '王小明'],
    ['cp949', 'company.test', 'kim', '김철수'],
    ['cp950', 'company.test', 'chen', '陳大文'],
  ])('decodes %s fields', (cp, domain, mailbox, fullName) => {
    const r = parseUserlist(makeUserlist([{ domain, mailbox, fullName }], cp), cp);
    expect(r.warnings).toEqual([]);
    expect(r.accounts[0]).toMatchObject({ domain, mailbox, fullName, email: `${mailbox}@${domain}` });
  });

  it.each<[CodePage, string]>([
    ['cp1252', 'Ærøskøbing Ølstykke Ånæs Øresu'],
    ['cp1251', 'Владимир Александрович Кузнецо'],
    ['cp1250', 'Łukasz Żółć Dvořák Šťastný Ňůž'],
    ['cp932', '田中太郎表示ソフト能力予定表示'], // 15 double-byte characters, two with 0x5C trail bytes
  ])('reads %s fields filled to their last byte', (cp, fullName) => {
    expect(iconv.encode(fullName, cp).length).toBe(30);
    const fields = { domain: `${'d'.repeat(40)}.test`, mailbox: 'm'.repeat(30), fullName };
    const r = parseUserlist(makeUserlist([fields, frank], cp), cp);
    expect(r.warnings).toEqual([]);
    expect(r.accounts[0]).toMatchObject(fields);
    expect(r.accounts[1]?.email).toBe('frank@company.test');
  });

  it('reads non-ASCII mailboxes and domains in cp932', () => {
    const r = parseUserlist(
      makeUserlist([{ domain: '会社.test', mailbox: 'たなか', fullName: '田中' }], 'cp932'),
      'cp932',
    );
    expect(r.accounts[0]?.email).toBe('たなか@会社.test');
  });

  it('warns when a field ends in half a multi-byte character (wrong code page or cut name)', () => {
    const record = rec({ ...frank, fullName: 'x'.repeat(29) }, 'cp932');
    record[75 + 29] = 0x93; // a Shift JIS lead byte with no trail byte
    const r = parseUserlist(Buffer.concat([record, CRLF]), 'cp932');
    expect(r.accounts).toHaveLength(1);
    expect(r.warnings).toEqual([
      { file: 'USERLIST.DAT', line: 1, message: expect.stringContaining('does not decode cleanly in cp932') },
    ]);
  });

  it.each<[CodePage, string]>([
    ['cp932', '田中太郎表示ソフト能力予定表示'],
    ['cp936', '王小明王小明王小明王小明王小明'],
    ['cp949', '김철수김철수김철수김철수김철수'],
    ['cp950', '陳大文陳大文陳大文陳大文陳大文'],
  ])('stores a %s full name cut inside its last character without the dangling byte', (cp, name) => {
    // MDaemon cut "x" + the name at 30 bytes: "x", 14 whole characters, the lead byte of the 15th.
    const bytes = iconv.encode(name, cp);
    expect(bytes.length).toBe(30);
    const record = rec({ ...frank, fullName: '' }, cp);
    Buffer.concat([Buffer.from('x'), bytes.subarray(0, 29)]).copy(record, 75);
    const r = parseUserlist(Buffer.concat([record, CRLF]), cp);
    expect(r.accounts[0]?.fullName).toBe(`x${name.slice(0, 14)}`);
    expect(r.accounts[0]?.fullName).not.toContain('\ufffd');
    expect(r.warnings).toEqual([
      {
        file: 'USERLIST.DAT',
        line: 1,
        message: `full name of frank@company.test does not decode cleanly in ${cp} (it ends in half a double-byte character, stored without it); is the code page right?`,
      },
    ]);
  });

  it('accepts every AccessType and refuses unknown ones', () => {
    const types = ['Y', 'N', 'P', 'I', 'C'].map((t, i) => ({ domain: 'a.test', mailbox: `u${i}`, accessType: t }));
    const r = parseUserlist(
      makeUserlist(
        [
          ...types,
          { domain: 'a.test', mailbox: 'bad', accessType: 'X' },
          { domain: 'a.test', mailbox: 'low', accessType: 'y' },
        ],
        'cp1252',
      ),
      'cp1252',
    );
    expect(r.accounts.map((a) => a.accessType)).toEqual(['Y', 'N', 'P', 'I', 'C']);
    expect(r.invalidRecords).toBe(2);
    expect(r.warnings).toEqual([
      { file: 'USERLIST.DAT', line: 6, message: "unknown AccessType 'X' (expected Y, N, P, I or C)" },
      { file: 'USERLIST.DAT', line: 7, message: "unknown AccessType 'y' (expected Y, N, P, I or C)" },
    ]);
  });

  it.each([
    [{ domain: '', mailbox: 'a' }, 'empty domain'],
    [{ domain: 'company.test', mailbox: '' }, 'empty mailbox'],
    [{ domain: 'my company.test', mailbox: 'a' }, 'domain contains a space'],
    [{ domain: 'company..test', mailbox: 'a' }, 'domain has an empty label'],
    [{ domain: 'comp@ny.test', mailbox: 'a' }, "domain contains '@'"],
    [{ domain: 'company.test', mailbox: 'jo hn' }, 'mailbox contains a space'],
    [{ domain: 'company.test', mailbox: 'a@b' }, "mailbox contains '@'"],
    [{ domain: 'company.test', mailbox: 'a<b>' }, "mailbox contains '<'"],
    [{ domain: 'company.test', mailbox: ' lead' }, 'mailbox contains a space'],
  ])('refuses an invalid domain or mailbox %o', (fields, message) => {
    const r = parseUserlist(makeUserlist([fields, frank], 'cp1252'), 'cp1252');
    expect(r.accounts.map((a) => a.email)).toEqual(['frank@company.test']);
    expect(r.invalidRecords).toBe(1);
    expect(r.warnings).toEqual([{ file: 'USERLIST.DAT', line: 1, message }]);
  });

  it('refuses a field that does not decode in the code page', () => {
    const record = rec({ domain: 'company.test', mailbox: 'xx' });
    record[45] = 0x81; // undefined in cp1252
    const r = parseUserlist(Buffer.concat([record, CRLF, rec(frank)]), 'cp1252');
    expect(r.accounts).toHaveLength(1);
    expect(r.warnings[0]?.message).toBe('mailbox does not decode in cp1252; is the code page right?');
  });

  it('keeps the first of duplicate accounts (case-insensitive) and warns on the duplicate line', () => {
    const data = makeUserlist(
      [
        frank,
        anna,
        { domain: 'COMPANY.test', mailbox: 'FRANK', fullName: 'Other Frank' },
        { domain: 'branch.company.test', mailbox: 'frank' },
      ],
      'cp1252',
    );
    const r = parseUserlist(data, 'cp1252');
    expect(r.accounts.map((a) => [a.email, a.fullName])).toEqual([
      ['frank@company.test', 'Frank Müller'],
      ['anna@company.test', 'Anna Schmidt'],
      ['frank@branch.company.test', ''],
    ]);
    // A duplicate is not a broken record: it does not count as invalid (which would hold every
    // delete); it is listed for the plan's skip line.
    expect(r.invalidRecords).toBe(0);
    expect(r.rejected).toEqual([]);
    expect(r.duplicates).toEqual([
      { file: 'USERLIST.DAT', line: 3, email: 'frank@company.test', firstLine: 1, fullName: 'Other Frank' },
    ]);
    expect(r.warnings).toEqual([
      { file: 'USERLIST.DAT', line: 3, message: 'duplicate account frank@company.test (first on line 1); ignored' },
    ]);
  });

  it('finds duplicates among many accounts', () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({ domain: `d${i % 7}.test`, mailbox: `user${i}` }));
    const r = parseUserlist(makeUserlist([...many, { domain: 'd3.test', mailbox: 'USER3' }], 'cp1252'), 'cp1252');
    expect(r.accounts).toHaveLength(5000);
    expect(r.warnings).toEqual([
      { file: 'USERLIST.DAT', line: 5001, message: 'duplicate account user3@d3.test (first on line 4); ignored' },
    ]);
  });
});

describe('parseUserlist: file quirks', () => {
  const note = (line: number | null, message: string) => ({ file: 'USERLIST.DAT', line, message, level: 'note' });

  it('reads a last record without CR LF, a trailing 0x1A and blank lines, with notes', () => {
    const data = join(CRLF, rec(frank), CRLF, '   ', CRLF, CRLF, rec(anna), '\x1a');
    const r = parseUserlist(data, 'cp1252');
    expect(r.accounts.map((a) => a.email)).toEqual(['frank@company.test', 'anna@company.test']);
    expect(r.framing).toBe('lines');
    expect(r.warnings).toEqual([
      note(
        null,
        'records read line by line, not by their 235-byte + CR LF stride (blank lines); a line-feed byte inside a field would cut its record',
      ),
      note(5, 'the last record has no line end (CR LF); read as usual'),
      note(null, 'the file ends with an end-of-file byte 0x1A; ignored'),
    ]);
  });

  it('frames a file of 235-byte records by their stride, noting a missing last CR LF and 0x1A', () => {
    const r = parseUserlist(join(rec(frank), CRLF, rec(anna), '\x1a\x1a'), 'cp1252');
    expect(r.framing).toBe('records');
    expect(r.accounts.map((a) => a.email)).toEqual(['frank@company.test', 'anna@company.test']);
    expect(r.warnings).toEqual([
      note(2, 'the last record has no line end (CR LF); read as usual'),
      note(null, 'the file ends with an end-of-file byte 0x1A; ignored'),
    ]);
    const plain = parseUserlist(makeUserlist([frank, anna], 'cp1252'), 'cp1252');
    expect([plain.framing, plain.warnings]).toEqual(['records', []]);
  });

  it.each([
    ['LF', [0x0a]],
    ['CR', [0x0d]],
    ['CR LF', [0x0d, 0x0a]],
    ['LF LF', [0x0a, 0x0a]],
  ])('keeps a record whose Password field holds %s bytes (records framed by their stride)', (_name, bytes) => {
    const withBytes = rec({ ...frank, password: 'ab' });
    Buffer.from(bytes).copy(withBytes, 195 + 2);
    const olaf = { domain: 'company.test', mailbox: 'olaf' };
    const r = parseUserlist(join(rec(anna), CRLF, withBytes, CRLF, rec(olaf), CRLF), 'cp1252');
    expect(r.framing).toBe('records');
    expect(r.accounts.map((a) => a.email)).toEqual(['anna@company.test', 'frank@company.test', 'olaf@company.test']);
    expect(r.invalidRecords).toBe(0);
    expect(r.warnings).toEqual([]);
  });

  it('reads LF-only line endings and a 0x1A after the last line end, with notes', () => {
    const r = parseUserlist(makeUserlist([frank, anna], 'cp1252', { eol: '\n', eofByte: true }), 'cp1252');
    expect(r.accounts).toHaveLength(2);
    expect(r.framing).toBe('lines');
    expect(r.warnings).toEqual([
      note(
        null,
        'records read line by line, not by their 235-byte + CR LF stride (LF-only line ends); a line-feed byte inside a field would cut its record',
      ),
      note(null, 'the file ends with an end-of-file byte 0x1A; ignored'),
    ]);
    const one = parseUserlist(join(rec(frank), '\n'), 'cp1252');
    expect([one.framing, one.accounts.length]).toEqual(['lines', 1]);
  });

  it('reads a CR LF file with a cut-off record line by line and says why', () => {
    const r = parseUserlist(
      join(rec(frank), CRLF, rec(anna).subarray(0, 100), CRLF, rec({ ...frank, mailbox: 'o' }), CRLF),
      'cp1252',
    );
    expect(r.framing).toBe('lines');
    expect(r.accounts.map((a) => a.mailbox)).toEqual(['frank', 'o']);
    expect(r.warnings).toEqual([
      { file: 'USERLIST.DAT', line: 2, message: 'record is 100 bytes, expected 235' },
      note(
        null,
        'records read line by line, not by their 235-byte + CR LF stride (records that are not 235 bytes); a line-feed byte inside a field would cut its record',
      ),
    ]);
  });

  it('reads an empty file as no accounts', () => {
    expect(parseUserlist(Buffer.alloc(0), 'cp1252')).toEqual({
      accounts: [],
      warnings: [],
      invalidRecords: 0,
      rejected: [],
      duplicates: [],
      framing: 'records',
    });
    expect(parseUserlist(Buffer.from('\r\n\x1a'), 'cp1252').accounts).toEqual([]);
  });

  it('refuses a record cut short, with its length and line', () => {
    const cut = rec(anna).subarray(0, 120);
    const r = parseUserlist(
      join(rec(frank), CRLF, cut, CRLF, rec({ domain: 'company.test', mailbox: 'olaf' }), CRLF),
      'cp1252',
    );
    expect(r.accounts.map((a) => a.mailbox)).toEqual(['frank', 'olaf']);
    expect(r.invalidRecords).toBe(1);
    expect(r.warnings).toEqual([
      { file: 'USERLIST.DAT', line: 2, message: 'record is 120 bytes, expected 235' },
      note(
        null,
        'records read line by line, not by their 235-byte + CR LF stride (records that are not 235 bytes); a line-feed byte inside a field would cut its record',
      ),
    ]);
  });

  it('refuses an over-long record, but keeps one whose extra bytes are padding', () => {
    const r = parseUserlist(join(rec(frank), 'XYZ', CRLF, rec(anna), '    ', CRLF), 'cp1252');
    expect(r.accounts.map((a) => a.mailbox)).toEqual(['anna']);
    expect(r.invalidRecords).toBe(1);
    expect(r.warnings).toEqual([
      { file: 'USERLIST.DAT', line: 1, message: 'record is 238 bytes, expected 235' },
      { file: 'USERLIST.DAT', line: 2, message: 'record is 239 bytes, expected 235; extra trailing padding ignored' },
      note(
        null,
        'records read line by line, not by their 235-byte + CR LF stride (records that are not 235 bytes); a line-feed byte inside a field would cut its record',
      ),
    ]);
  });

  it('treats NUL padding like spaces and refuses NULs inside a field', () => {
    const padded = rec(frank);
    padded.fill(0, 45 + 5, 75); // mailbox "frank" padded with NULs
    const inside = rec(anna);
    inside[75 + 2] = 0; // inside the full name
    const r = parseUserlist(join(padded, CRLF, inside, CRLF), 'cp1252');
    expect(r.accounts.map((a) => a.email)).toEqual(['frank@company.test']);
    expect(r.warnings).toEqual([{ file: 'USERLIST.DAT', line: 2, message: 'FullName field contains NUL bytes' }]);
  });

  it.each<CodePage>(['cp1252', 'cp1251', 'cp932'])(
    'reads full names exactly as decoding and trimming the whole field would (%s)',
    (cp) => {
      // Bytes that take the plain-slice shortcut and bytes that must not: padding, tabs, NBSP,
      // C1 and undefined bytes, NULs. The reference is the decoder plus the documented trimming;
      // in a multi-byte code page a last byte that decodes to U+FFFD on its own is left out.
      const alphabet = [0x20, 0x00, 0x09, 0x0d, 0xa0, 0x41, 0x7a, 0xe9, 0xfc, 0x80, 0x81, 0x85, 0x9c, 0xc0];
      const decode = (b: Buffer) => iconv.decode(b, cp);
      const trimmed = (bytes: Buffer): string | null => {
        let s = decode(bytes).trimEnd();
        if (s.includes('\0')) {
          s = s.replace(/[\0 ]+$/, '');
          if (s.includes('\0')) return null;
          s = s.trimEnd();
        }
        const c0 = s.charCodeAt(0);
        return c0 === 0x20 || c0 === 0x3000 || c0 === 0x09 ? s.trim() : s;
      };
      const reference = (field: Buffer): string | null => {
        const whole = trimmed(field);
        let e = field.length;
        while (e > 0 && (field[e - 1] === 0x20 || field[e - 1] === 0)) e--;
        const cut =
          cp === 'cp932' &&
          e > 0 &&
          (field[e - 1] as number) >= 0x80 &&
          decode(field.subarray(0, e)) === `${decode(field.subarray(0, e - 1))}\ufffd`;
        return whole === null || !cut ? whole : trimmed(field.subarray(0, e - 1));
      };
      let seed = 7;
      const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
      const records: Buffer[] = [];
      const names: Buffer[] = [];
      for (let i = 0; i < 400; i++) {
        const name = Buffer.alloc(30, 0x20);
        const n = next() % 31;
        for (let j = 0; j < n; j++) name[j] = alphabet[next() % alphabet.length] as number;
        const r = rec({ domain: 'company.test', mailbox: `u${i}`, fullName: '' }, cp);
        name.copy(r, 75);
        records.push(r, CRLF);
        names.push(name);
      }
      const parsed = parseUserlist(Buffer.concat(records), cp);
      const byMailbox = new Map(parsed.accounts.map((a) => [a.mailbox, a.fullName]));
      names.forEach((name, i) => {
        const want = reference(name);
        expect(byMailbox.has(`u${i}`) ? byMailbox.get(`u${i}`) : null).toBe(want);
      });
    },
  );

  it('skips a UTF-8 byte-order mark without shifting fields, with a warning', () => {
    const r = parseUserlist(join(Buffer.from([0xef, 0xbb, 0xbf]), rec(frank), CRLF, rec(anna), CRLF), 'cp1252');
    expect(r.accounts.map((a) => a.email)).toEqual(['frank@company.test', 'anna@company.test']);
    expect(r.warnings).toEqual([
      { file: 'USERLIST.DAT', line: 1, message: expect.stringContaining('UTF-8 byte-order mark') },
    ]);
  });

  it.each([
    ['a UTF-16LE BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('company.test', 'utf16le')])],
    ['a UTF-16BE BOM', Buffer.from([0xfe, 0xff, 0, 0x63, 0, 0x6f])],
    ['NUL-interleaved text', Buffer.from(`${'company.test'.padEnd(45)}frank`.repeat(10), 'utf16le')],
  ])('refuses UTF-16 (%s) with UserError encoding', (_name, data) => {
    const err = thrown(() => parseUserlist(data, 'cp1252'));
    expect(err.code).toBe('encoding');
    expect(err.message).toBe("USERLIST.DAT is UTF-16 text, not MDaemon's account list in an ANSI code page");
  });

  it.each([
    ['a CSV export', 'domain;mailbox;name\r\ncompany.test;frank;Frank\r\ncompany.test;anna;Anna\r\n'],
    ['binary data', Buffer.from(Array.from({ length: 3000 }, (_, i) => ((i * 7919) % 251) + 1)).toString('latin1')],
  ])('refuses %s as notUserlist', (_name, text) => {
    const err = thrown(() => parseUserlist(Buffer.from(text, 'latin1'), 'cp1252'));
    expect(err.code).toBe('notUserlist');
    expect(err.message).toMatch(
      /^USERLIST.DAT is not an MDaemon account list: no valid record, and \d+ of \d+ lines are not 235-byte records$/,
    );
  });
});

describe('parseUserlist: the password field', () => {
  const MARK = 'PW-7q#Zx!secret';
  it('never puts password bytes into accounts, warnings or errors', () => {
    const records = [
      rec({ ...frank, password: MARK }),
      rec({ domain: 'bad domain', mailbox: 'x', password: MARK }),
      rec({ ...frank, password: MARK }), // duplicate
      rec({ domain: 'a.test', mailbox: 'b', accessType: 'Q', password: MARK }),
      rec({ domain: 'a.test', mailbox: 'c', password: MARK }).subarray(0, 230),
      Buffer.concat([rec({ domain: 'a.test', mailbox: 'd', password: MARK }), Buffer.from('extra')]),
    ];
    const r = parseUserlist(Buffer.concat(records.flatMap((b) => [b, CRLF])), 'cp1252');
    expect(r.accounts).toHaveLength(1);
    expect(r.warnings.length).toBeGreaterThanOrEqual(5);
    expect(JSON.stringify(r)).not.toContain('PW-7q');
    expect(JSON.stringify(r)).not.toContain('secret');
    const cut = rec({ domain: 'a.test', mailbox: 'c', password: MARK }).subarray(0, 210);
    const err = thrown(() => parseUserlist(Buffer.concat([cut, CRLF, cut]), 'cp1252'));
    expect(err.message).not.toContain('PW-7q');
  });
});

describe('parseUserlist: what the Password field may hold', () => {
  it.each([
    ['the reversible Base64 form', 'U2VjcmV0LTc3IQ=='],
    ['a plain value an administrator typed', 'Typed-Secret-77'],
    ['an Active Directory marker', '\\\\SECRETDOM'],
  ])('never decodes or shows %s, whichever framing reads the file', (_kind, password) => {
    for (const eol of ['\r\n', '\n'] as const) {
      const data = makeUserlist(
        [
          { ...frank, password },
          { ...frank, password }, // a duplicate
          { domain: 'bad domain', mailbox: 'x', password },
        ],
        'cp1252',
        { eol },
      );
      const withLf = rec({ ...anna, password: 'ab' });
      Buffer.from(password.slice(0, 10)).copy(withLf, 195 + 3);
      withLf[195 + 2] = 0x0a;
      const r = parseUserlist(Buffer.concat([data, withLf, Buffer.from(eol)]), 'cp1252');
      const text = JSON.stringify(r);
      expect(text).not.toContain(password.slice(0, 6));
      expect(text).not.toContain('SECRET');
      expect(text).not.toContain('Secret');
    }
  });
});

describe('parseUserlist: refused records for the plan', () => {
  it('lists every refused record but duplicates, whose first occurrence is synchronized', () => {
    const good = encodeUserlistRecord({ domain: 'one.test', mailbox: 'anna', fullName: 'Anna' }, 'cp1252');
    const badDomain = encodeUserlistRecord({ domain: 'bad domain!', mailbox: 'bob', fullName: 'Bob' }, 'cp1252');
    const data = Buffer.concat([
      good,
      Buffer.from('\r\n'),
      badDomain,
      Buffer.from('\r\n'),
      good,
      Buffer.from('\r\nshort\r\n'),
    ]);
    const r = parseUserlist(data, 'cp1252');
    expect(r.accounts.map((a) => a.email)).toEqual(['anna@one.test']);
    expect(r.invalidRecords).toBe(2);
    expect(r.rejected.map((x) => x.line)).toEqual([2, 4]);
    expect(r.duplicates.map((x) => [x.line, x.firstLine])).toEqual([[3, 1]]);
    expect(r.rejected[1]).toEqual({ file: 'USERLIST.DAT', line: 4, reason: 'record is 5 bytes, expected 235' });
  });
});

describe('parseUserlist: the email of an account', () => {
  const emails = (fields: UserlistFields[], cp: CodePage = 'cp1252') =>
    parseUserlist(makeUserlist(fields, cp), cp).accounts.map((a) => a.email);

  it('lower-cases every ASCII letter of a mailbox, A and Z included, and keeps _ ^ ` ~ as they are', () => {
    const r = parseUserlist(makeUserlist([{ domain: 'Company.TEST', mailbox: 'AZ_az^`~Zed' }], 'cp1252'), 'cp1252');
    expect(r.accounts[0]).toMatchObject({ email: 'az_az^`~zed@company.test', mailbox: 'AZ_az^`~Zed' });
  });

  it('builds the whole email of a 30-byte mailbox in a 45-byte domain, then of shorter ones', () => {
    const long = { domain: `${'d'.repeat(40)}.TEST`, mailbox: `${'M'.repeat(29)}_` };
    expect(emails([long, frank, long, { domain: 'x.test', mailbox: 'Y' }])).toEqual([
      `${'m'.repeat(29)}_@${'d'.repeat(40)}.test`,
      'frank@company.test',
      'y@x.test',
    ]);
  });

  it('lower-cases non-ASCII mailboxes in an ASCII domain, and finds their duplicates', () => {
    const r = parseUserlist(
      makeUserlist(
        [
          { domain: 'company.test', mailbox: 'JÜRGEN' },
          { domain: 'company.test', mailbox: 'ÆØÅ' },
          { domain: 'company.test', mailbox: 'jürgen' },
        ],
        'cp1252',
      ),
      'cp1252',
    );
    expect(r.accounts.map((a) => [a.email, a.mailbox])).toEqual([
      ['jürgen@company.test', 'JÜRGEN'],
      ['æøå@company.test', 'ÆØÅ'],
    ]);
    expect(r.duplicates.map((d) => [d.line, d.email, d.firstLine])).toEqual([[3, 'jürgen@company.test', 1]]);
    expect(emails([{ domain: 'company.test', mailbox: 'タナカ' }], 'cp932')).toEqual(['タナカ@company.test']);
  });

  it('lower-cases ASCII mailboxes in a non-ASCII domain, and finds their duplicates', () => {
    const r = parseUserlist(
      makeUserlist(
        [
          { domain: 'КОМПАНИЯ', mailbox: 'Ivan' },
          { domain: 'Почта.test', mailbox: 'Frank' },
          { domain: 'компания', mailbox: 'IVAN' },
        ],
        'cp1251',
      ),
      'cp1251',
    );
    expect(r.accounts.map((a) => [a.email, a.domain])).toEqual([
      ['ivan@компания', 'компания'],
      ['frank@почта.test', 'почта.test'],
    ]);
    expect(r.duplicates.map((d) => [d.line, d.email])).toEqual([[3, 'ivan@компания']]);
  });

  it('refuses a NUL inside the Domain or the Mailbox field, for every record that has it', () => {
    const nulDomain = rec(anna);
    nulDomain[3] = 0; // "com\0any.test"
    const nulMailbox = rec(frank);
    nulMailbox[45 + 2] = 0; // "fr\0nk"
    const r = parseUserlist(join(nulDomain, CRLF, nulDomain, CRLF, nulMailbox, CRLF, rec(anna), CRLF), 'cp1252');
    expect(r.accounts.map((a) => a.email)).toEqual(['anna@company.test']);
    expect(r.rejected).toEqual([
      { file: 'USERLIST.DAT', line: 1, reason: 'Domain field contains NUL bytes' },
      { file: 'USERLIST.DAT', line: 2, reason: 'Domain field contains NUL bytes' },
      { file: 'USERLIST.DAT', line: 3, reason: 'Mailbox field contains NUL bytes' },
    ]);
  });

  it("checks the domain before the mailbox, naming only the domain's problem", () => {
    // The first record's Domain field is 45 spaces and its mailbox starts with one more.
    const r = parseUserlist(makeUserlist([{ domain: '', mailbox: ' lead' }, frank], 'cp1252'), 'cp1252');
    expect(r.rejected).toEqual([{ file: 'USERLIST.DAT', line: 1, reason: 'empty domain' }]);
  });

  it("is what parseUserlistIndexed returns, with an index of each email's position", () => {
    const data = makeUserlist([frank, { domain: 'bad domain', mailbox: 'x' }, anna], 'cp1252');
    const r = parseUserlistIndexed(data, 'cp1252');
    expect(r.warnings).toEqual([{ file: 'USERLIST.DAT', line: 2, message: 'domain contains a space' }]);
    expect([r.index.find('frank@company.test'), r.index.find('anna@company.test')]).toEqual([0, 1]);
    expect(r.index.find('x@bad domain')).toBe(-1);
  });
});

describe('parseUserlist: full names', () => {
  const fullName = (name: string | Buffer, cp: CodePage = 'cp1252') => {
    const record = rec({ ...frank, fullName: '' }, cp);
    (typeof name === 'string' ? iconv.encode(name, cp) : name).copy(record, 75);
    const r = parseUserlist(Buffer.concat([record, CRLF]), cp);
    return { name: r.accounts[0]?.fullName, warnings: r.warnings.map((w) => w.message) };
  };

  it('trims a name that starts with a space, an ideographic space or a tab', () => {
    expect(fullName(' Frank M.').name).toBe('Frank M.');
    expect(fullName('\tFrank M.').name).toBe('Frank M.');
    expect(fullName('\u3000田中 太郎', 'cp932').name).toBe('田中 太郎');
    expect(fullName('Frank\tM.').name).toBe('Frank\tM.');
  });

  it('keeps a byte that does not decode in a single-byte code page, with a warning that says so', () => {
    expect(fullName(Buffer.from([0x46, 0x72, 0x61, 0x81]))).toEqual({
      name: 'Fra\ufffd',
      warnings: ['full name of frank@company.test does not decode cleanly in cp1252; is the code page right?'],
    });
  });
});

describe('parseUserlist: refused AccessType bytes', () => {
  it.each([
    [0x20, 'byte 0x20'],
    [0x21, "'!'"],
    [0x7e, "'~'"],
    [0x7f, 'byte 0x7f'],
    [0x00, 'byte 0x00'],
    [0xe9, 'byte 0xe9'],
  ])('names AccessType byte %i as %s: printable ASCII as itself, any other byte by its code', (byte, described) => {
    const record = rec(frank);
    record[217] = byte;
    const r = parseUserlist(Buffer.concat([record, CRLF]), 'cp1252');
    expect(r.rejected).toEqual([
      { file: 'USERLIST.DAT', line: 1, reason: `unknown AccessType ${described} (expected Y, N, P, I or C)` },
    ]);
  });
});

describe('parseUserlist: line ends', () => {
  const linesNote = (why: string) => ({
    file: 'USERLIST.DAT',
    line: null,
    level: 'note',
    message: `records read line by line, not by their 235-byte + CR LF stride (${why}); a line-feed byte inside a field would cut its record`,
  });
  const olaf = { domain: 'company.test', mailbox: 'olaf' };
  const paul = { domain: 'company.test', mailbox: 'paul' };

  it('counts the LF-only line ends of a CR LF file and names the line after which the first one comes', () => {
    const data = join(rec(frank), CRLF, rec(anna), '\n', rec(olaf), CRLF, rec(paul), '\n', rec(frank), CRLF);
    const r = parseUserlist(data, 'cp1252');
    expect(r.accounts.map((a) => a.mailbox)).toEqual(['frank', 'anna', 'olaf', 'paul']);
    expect(r.warnings.at(-1)).toEqual(linesNote('2 LF-only line ends, the first after line 2'));
    const firstLine = parseUserlist(join(rec(frank), '\n', rec(anna), CRLF, rec(olaf), CRLF), 'cp1252');
    expect(firstLine.warnings).toEqual([linesNote('1 LF-only line ends, the first after line 1')]);
  });

  it('says "LF-only line ends" of a file where every line ends in LF, the last one included', () => {
    const r = parseUserlist(makeUserlist([frank, anna, olaf], 'cp1252', { eol: '\n' }), 'cp1252');
    expect(r.accounts).toHaveLength(3);
    expect(r.warnings).toEqual([linesNote('LF-only line ends')]);
  });

  it('ends the last record at an end-of-file byte that comes before its line end', () => {
    const r = parseUserlist(join(rec(frank), '\n', rec(anna), '\x1a\n'), 'cp1252');
    expect(r.accounts.map((a) => a.mailbox)).toEqual(['frank', 'anna']);
    expect(r.warnings).toEqual([linesNote('LF-only line ends')]);
  });
});

describe('parseUserlist: a file that is not an account list', () => {
  const cut = (f: UserlistFields) => rec(f).subarray(0, 100);
  const refused = (mailbox: string) => rec({ domain: 'bad domain', mailbox });

  it('is not a file of well-framed records that are all refused: each is listed, none is thrown', () => {
    const r = parseUserlist(join(refused('a'), CRLF, refused('b'), CRLF, rec({ ...frank, accessType: 'X' })), 'cp1252');
    expect(r.accounts).toEqual([]);
    expect(r.framing).toBe('records');
    expect(r.rejected.map((x) => [x.line, x.reason])).toEqual([
      [1, 'domain contains a space'],
      [2, 'domain contains a space'],
      [3, "unknown AccessType 'X' (expected Y, N, P, I or C)"],
    ]);
  });

  it('is a file with no valid record where more than half the lines have the wrong length', () => {
    const half = parseUserlist(join(cut(frank), CRLF, refused('a'), CRLF), 'cp1252');
    expect([half.accounts.length, half.invalidRecords]).toEqual([0, 2]);
    const most = thrown(() => parseUserlist(join(cut(frank), CRLF, refused('a'), CRLF, cut(anna), CRLF), 'cp1252'));
    expect([most.code, most.message]).toEqual([
      'notUserlist',
      'USERLIST.DAT is not an MDaemon account list: no valid record, and 2 of 3 lines are not 235-byte records',
    ]);
  });

  it('is never a file with one valid record, however many lines have the wrong length', () => {
    const r = parseUserlist(join(cut(anna), CRLF, cut(anna), CRLF, rec(frank), CRLF, cut(anna), CRLF), 'cp1252');
    expect(r.accounts.map((a) => a.email)).toEqual(['frank@company.test']);
    expect(r.invalidRecords).toBe(3);
  });
});
