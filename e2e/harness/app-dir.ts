/** Generated App directories for specs that need accounts the sample does not have. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { makeUserlist, type UserlistFields } from '../../electron/core/mdaemon/testing/make-userlist';

/** A temp App directory holding a USERLIST.DAT (cp1252) and an empty Groups.dat. */
export interface GeneratedAppDir {
  readonly dir: string;
  /** Replaces the accounts, as MDaemon rewrites its file. */
  write(accounts: readonly UserlistFields[]): Promise<void>;
  remove(): Promise<void>;
}

/** Creates one with the given accounts. */
export async function generatedAppDir(accounts: readonly UserlistFields[]): Promise<GeneratedAppDir> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mdsync-e2e-app-'));
  const write = async (list: readonly UserlistFields[]) => {
    await writeFile(path.join(dir, 'USERLIST.DAT'), makeUserlist(list, 'cp1252'));
    await writeFile(path.join(dir, 'Groups.dat'), '');
  };
  await write(accounts);
  return { dir, write, remove: () => rm(dir, { recursive: true, force: true }) };
}
