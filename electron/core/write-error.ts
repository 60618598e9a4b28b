/**
 * A failed write in one phrase an administrator can act on, for errors with or without a path
 * (a write by descriptor has none): "the disk holding DIR is full: 40 MB needed".
 */
import path from 'node:path';
import { UserError } from '../../shared/result';

/** The cause of a failed write of `bytes` bytes to `file`, in words. */
export function writeProblem(err: unknown, file: string, bytes: number): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const dir = path.dirname(file);
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return `the disk holding ${dir} is full: ${Math.max(1, Math.ceil(bytes / 1e6))} MB needed`;
    case 'EROFS':
      return `the file system holding ${dir} is read-only`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied in ${dir}`;
    case 'EIO':
      return `the disk holding ${dir} reported an input/output error`;
    default:
      return code ?? (err instanceof Error ? err.message.split('\n')[0]! : String(err));
  }
}

/** A failed write of `file` as a UserError: `cannot write FILE: CAUSE` (code `diskFull` when out of space). */
export function writeError(err: unknown, file: string, bytes: number): UserError {
  if (err instanceof UserError) return err;
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return new UserError(
    code === 'ENOSPC' || code === 'EDQUOT' ? 'diskFull' : 'writeFailed',
    `cannot write ${file}: ${writeProblem(err, file, bytes)}`,
  );
}
