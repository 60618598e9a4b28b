import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { CodePage } from '../../../shared/code-pages';
import { UserError } from '../../../shared/result';
import { parseAliases } from './aliases';
import { parseGroups } from './groups';

const enc = (text: string, cp: CodePage = 'cp1252') => iconv.encode(text.replace(/\n/g, '\r\n'), cp);

describe('parseGroups', () => {
  it('reads the documented layout', () => {
    const r = parseGroups(
      enc(
        '[Sales]\nDescription=Sales team\nMember=frank@company.test\nMember=anna@company.test\n\n[Field Staff]\nMember=olaf@company.test\n',
      ),
      'cp1252',
    );
    expect(r.warnings).toEqual([]);
    expect(
      r.groups.map(({ name, description, members, memberLines }) => ({ name, description, members, memberLines })),
    ).toEqual([
      {
        name: 'Sales',
        description: 'Sales team',
        members: ['frank@company.test', 'anna@company.test'],
        memberLines: [3, 4],
      },
      { name: 'Field Staff', description: '', members: ['olaf@company.test'], memberLines: [7] },
    ]);
  });

  it('accepts Members= lists, numbered keys, bare lines, any key case, comments, and keeps other keys', () => {
    const text = [
      '; comment',
      '# another',
      '[Geschäftsführung]',
      'MEMBERS = A@Company.test, b@company.test;c@company.test',
      'member1=d@company.test',
      'Member2 = <e@company.test>',
      'f@company.test',
      'description = Management',
      'Color=Blue',
      'member=a@company.test',
    ].join('\n');
    const r = parseGroups(enc(text), 'cp1252');
    expect(r.warnings).toEqual([]);
    const g = r.groups[0];
    expect(g?.name).toBe('Geschäftsführung');
    expect(g?.description).toBe('Management');
    expect(g?.members).toEqual([
      'a@company.test',
      'b@company.test',
      'c@company.test',
      'd@company.test',
      'e@company.test',
      'f@company.test',
    ]);
    expect(g?.properties).toEqual({ color: 'Blue' });
  });

  it('merges a repeated section with a warning and warns about stray and bad lines', () => {
    const r = parseGroups(
      enc(
        'stray@company.test\n[Sales]\nMember=a@x.test\n[sales]\nMember=b@x.test\nMember=not-an-address\n[]\nMember=c@x.test\n',
      ),
      'cp1252',
    );
    expect(r.groups).toHaveLength(1);
    expect(r.groups[0]?.members).toEqual(['a@x.test', 'b@x.test']);
    expect(r.warnings).toEqual([
      { file: 'Groups.dat', line: 1, message: 'line outside any [group] section; ignored' },
      { file: 'Groups.dat', line: 4, message: 'group "sales" appears again; merged with the first one' },
      { file: 'Groups.dat', line: 6, message: 'group "Sales": "not-an-address" is not an email address; ignored' },
      { file: 'Groups.dat', line: 7, message: 'malformed group section header; its lines are ignored' },
    ]);
  });

  it.each<[CodePage, string]>([
    ['cp932', '営業部表示'], // 表 has the trail byte 0x5C
    ['cp1251', 'Отдел продаж'],
    ['cp1250', 'Zarząd Łódź'],
  ])('decodes %s group names', (cp, name) => {
    const r = parseGroups(enc(`[${name}]\nDescription=${name}\nMember=a@x.test\n`, cp), cp);
    expect(r.groups[0]).toMatchObject({ name, description: name, members: ['a@x.test'] });
  });

  it('reads LF-only, CR-only, a trailing 0x1A, and a UTF-8 file with a byte-order mark', () => {
    expect(parseGroups(Buffer.from('[A]\rMember=a@x.test\r\x1a'), 'cp1252').groups[0]?.members).toEqual(['a@x.test']);
    const utf8 = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[Grüße]\nMember=a@x.test\n')]);
    expect(parseGroups(utf8, 'cp1252').groups[0]?.name).toBe('Grüße');
  });

  it('refuses UTF-16 with UserError encoding', () => {
    expect(() => parseGroups(Buffer.from('\ufeff[A]\nMember=a@x.test', 'utf16le'), 'cp1252')).toThrow(UserError);
  });

  it('takes a section name whole, spaces and @ included: a group name is never an address', () => {
    const r = parseGroups(
      enc('[everyone@sample.int]\nMember=a@x.test\n[Field Staff, North@HQ]\nMembers=b@x.test;c@x.test\n'),
      'cp1252',
    );
    expect(r.warnings).toEqual([]);
    expect(r.groups.map((g) => [g.name, g.members])).toEqual([
      ['everyone@sample.int', ['a@x.test']],
      ['Field Staff, North@HQ', ['b@x.test', 'c@x.test']],
    ]);
  });

  it('says a Groups.dat without any [group] section does not parse, with its first line', () => {
    const r = parseGroups(enc('; groups\n<groups>\n  <group name="Sales"/>\n</groups>\n'), 'cp1252');
    expect(r.groups).toEqual([]);
    expect(r.warnings).toEqual([
      {
        file: 'Groups.dat',
        line: 2,
        message:
          'Groups.dat does not parse as MDaemon groups: line 2 is not inside a [group] section (and 2 more lines like it); no groups read',
      },
    ]);
    expect(parseGroups(enc('; only comments\n\n'), 'cp1252')).toEqual({ groups: [], warnings: [] });
  });
});

describe('parseAliases', () => {
  it('reads exact aliases, keeps patterns as rules in file order and warns about bad lines', () => {
    const text = [
      '; aliases',
      'Sales@Company.test = Frank@Company.test',
      'f.mueller@company.test=frank@company.test',
      '*@partner.example = marta@partner.example',
      'info?@company.test = anna@company.test',
      'postmaster@$LOCALDOMAIN$ = anna@company.test',
      'no equals sign here',
      'x@company.test = ',
      'y@company.test = two@a.test, three@a.test',
      '[Aliases]',
      'odd@$OTHER$ = anna@company.test',
    ].join('\n');
    const r = parseAliases(enc(text), 'cp1252');
    expect(r.aliases).toEqual([
      { alias: 'sales@company.test', target: 'frank@company.test', line: 2 },
      { alias: 'f.mueller@company.test', target: 'frank@company.test', line: 3 },
    ]);
    expect(r.rules.map((x) => [x.line, x.kind])).toEqual([
      [2, 'exact'],
      [3, 'exact'],
      [4, 'wildcard'],
      [5, 'wildcard'],
      [6, 'localDomain'],
    ]);
    expect(r.wildcards).toBe(2);
    expect(r.warnings.map((w) => [w.line, w.level ?? 'warning'])).toEqual([
      [4, 'note'],
      [5, 'note'],
      [7, 'warning'],
      [8, 'warning'],
      [9, 'warning'],
      [11, 'note'],
    ]);
    expect(r.warnings[0]?.message).toBe(
      'alias *@partner.example has wildcards: it matches many addresses, so it gives no archive address; ignored (later aliases it matches are ignored too, as MDaemon applies it first)',
    );
  });
});
