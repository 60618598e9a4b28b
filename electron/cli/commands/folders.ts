/**
 * `mdsync folders`: the archive folders, their owners and message counts.
 *
 * A folder whose user was deleted still holds its messages and shows owner null (JSON) or
 * "(no owner)"; a user created later under that name gets it back.
 */
import { printJson, type CliIo, type Command } from '../io';
import { openRepository, parseFlags } from './common-flags';
import { DATABASE_FLAGS, DATABASE_USAGE, type DatabaseValues } from './database-flags';

const USAGE = `usage: mdsync folders [--data-dir D] [--json] ${DATABASE_USAGE}`;

/** `mdsync folders`. */
export const foldersCommand: Command = async (argv: string[], io: CliIo): Promise<number> => {
  const { values } = parseFlags<DatabaseValues & { 'data-dir'?: string; json?: boolean; help?: boolean }>(
    argv,
    {
      'data-dir': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      ...DATABASE_FLAGS,
    },
    USAGE,
  );
  if (values.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  const repo = await openRepository(io, values['data-dir'], 'folders', values);
  try {
    const folders = await repo.listFolders();
    if (values.json) {
      printJson(io, folders);
    } else {
      const width = Math.min(40, Math.max(6, ...folders.map((f) => f.name.length)));
      const lines = [`${'FOLDER'.padEnd(width)}  ${'MESSAGES'.padStart(8)}  OWNER`];
      for (const f of folders)
        lines.push(`${f.name.padEnd(width)}  ${String(f.messages).padStart(8)}  ${f.owner ?? '(no owner)'}`);
      lines.push(`${folders.length} folder${folders.length === 1 ? '' : 's'}`);
      io.stdout(`${lines.join('\n')}\n`);
    }
    return 0;
  } finally {
    await repo.close();
  }
};
