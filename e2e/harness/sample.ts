/** The sample App directory (build-resources/sample-app) as the tests use it. */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseUserlist } from '../../electron/core/mdaemon/userlist';
import { ROOT } from './web-app';

/** The local path of the sample App directory. */
export const SAMPLE_APP_DIR = path.join(ROOT, 'build-resources/sample-app');

/** Every sample user's MDaemon password (the sample's README says to seed test IMAP servers with it). */
export const SAMPLE_PASSWORD = 'Sample-Pass-1';

/** The sample accounts' email addresses, read from its USERLIST.DAT with the product's own reader. */
export const SAMPLE_EMAILS: readonly string[] = parseUserlist(
  readFileSync(path.join(SAMPLE_APP_DIR, 'USERLIST.DAT')),
  'cp1252',
).accounts.map((a) => a.email);

/** The three files of the sample, to put on a Samba share. */
export async function sampleFiles(): Promise<Record<string, Buffer>> {
  const files: Record<string, Buffer> = {};
  for (const name of ['USERLIST.DAT', 'Groups.dat', 'Alias.dat'])
    files[name] = await readFile(path.join(SAMPLE_APP_DIR, name));
  return files;
}
