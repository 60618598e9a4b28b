/**
 * Writes the sample App directory (USERLIST.DAT, Groups.dat, Alias.dat) next to this script.
 *
 * Fictional people and domains (.test / .example), in cp1252 as a Western European MDaemon
 * writes them, for demos, end-to-end tests and manual tries: `npx tsx build-resources/sample-app/make-sample.ts`.
 * The Password field holds an obviously fake marker, never a real MDaemon obfuscation.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { makeUserlist, type UserlistFields } from '../../electron/core/mdaemon/testing/make-userlist';

/** The sample's code page. */
export const SAMPLE_CODE_PAGE = 'cp1252';

/** What every sample user's password is on the test IMAP servers (see README.md). */
export const SAMPLE_PASSWORD = 'Sample-Pass-1';

const FAKE_PASSWORD_FIELD = '*FAKE*Sample-Pass-1';

/** The sample accounts, in file order. */
export const SAMPLE_ACCOUNTS: readonly UserlistFields[] = [
  { domain: 'company.test', mailbox: 'frank', fullName: 'Frank Müller' },
  { domain: 'company.test', mailbox: 'anna', fullName: 'Anna Schmidt' },
  { domain: 'company.test', mailbox: 'zoe', fullName: 'Zoë Lefèvre' },
  { domain: 'company.test', mailbox: 'juergen', fullName: 'Jürgen Groß' },
  { domain: 'company.test', mailbox: 'olaf', fullName: 'Olaf Øresund' },
  { domain: 'company.test', mailbox: 'info', fullName: 'Company Info Desk', accessType: 'I' },
  { domain: 'company.test', mailbox: 'chantal', fullName: 'Chantal Dubois', accessType: 'C' },
  { domain: 'branch.company.test', mailbox: 'frank', fullName: 'Frank Müller (Branch)' },
  { domain: 'branch.company.test', mailbox: 'ines', fullName: 'Inés Peña' },
  { domain: 'branch.company.test', mailbox: 'bjoern', fullName: 'Björn Åkesson' },
  { domain: 'branch.company.test', mailbox: 'helpdesk', fullName: 'Branch Helpdesk', accessType: 'P' },
  { domain: 'partner.example', mailbox: 'francois', fullName: 'François Théron' },
  { domain: 'partner.example', mailbox: 'marta', fullName: 'Marta Sørensen' },
  { domain: 'partner.example', mailbox: 'liam', fullName: "Liam O'Connor" },
  { domain: 'partner.example', mailbox: 'noemi', fullName: 'Noémi Kovács' },
].map((a) => ({ ...a, password: FAKE_PASSWORD_FIELD, mailDir: `C:\\MDaemon\\Users\\${a.domain}\\${a.mailbox}\\` }));

const GROUPS = `; MDaemon account groups (sample)
[Sales]
Description=Sales team
Member=frank@company.test
Member=anna@company.test
Member=francois@partner.example

[Field Staff]
Description=People on the road
Members=olaf@company.test; ines@branch.company.test

[Geschäftsführung]
Description=Management
Member1=juergen@company.test
Member2=zoe@company.test

[Helpdesk]
Description=First-level support
info@company.test
helpdesk@branch.company.test
`;

const ALIASES = `; alias = actual address
sales@company.test = frank@company.test
f.mueller@company.test = frank@company.test
zoe.lefevre@company.test = zoe@company.test
support@branch.company.test = helpdesk@branch.company.test
*@partner.example = marta@partner.example
`;

/** Writes the three files into `dir`. */
export function writeSample(dir: string): void {
  writeFileSync(path.join(dir, 'USERLIST.DAT'), makeUserlist(SAMPLE_ACCOUNTS, SAMPLE_CODE_PAGE));
  writeFileSync(path.join(dir, 'Groups.dat'), iconv.encode(GROUPS.replace(/\n/g, '\r\n'), SAMPLE_CODE_PAGE));
  writeFileSync(path.join(dir, 'Alias.dat'), iconv.encode(ALIASES.replace(/\n/g, '\r\n'), SAMPLE_CODE_PAGE));
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(__filename)) {
  writeSample(path.dirname(path.resolve(process.argv[1])));
}
