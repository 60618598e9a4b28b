import fs from 'node:fs';

/** A secret taken out of the environment: its value, and whether no copy of it is left for others to read. */
export interface TakenSecret {
  readonly value: string | undefined;
  /** True when the variable was absent, or removed from `process.env` and from the kernel's copy. */
  readonly gone: boolean;
}

/** Where the process's own memory and status are read (a seam for tests only). */
export interface ProcFiles {
  readonly stat: string;
  readonly mem: string;
  readonly environ: string;
}

const SELF: ProcFiles = { stat: '/proc/self/stat', mem: '/proc/self/mem', environ: '/proc/self/environ' };

/**
 * Takes a secret out of the environment for good. Deleting it from `process.env` is not enough:
 * the kernel shows the process's *initial* environment in /proc/PID/environ, and reads it from the
 * process's own memory (the block between `env_start` and `env_end` of /proc/PID/stat), which
 * `unsetenv` leaves untouched. On Linux the variable's bytes in that block are overwritten with
 * zeros through /proc/self/mem, then /proc/self/environ is read again to be sure.
 * `gone` is false where that cannot be done (another platform, a kernel that refuses the write);
 * the caller warns then.
 */
export function takeSecretFromEnv(
  env: NodeJS.ProcessEnv,
  name: string,
  platform: NodeJS.Platform = process.platform,
  files: ProcFiles = SELF,
): TakenSecret {
  const value = env[name];
  if (value === undefined) return { value, gone: true };
  delete env[name];
  // Only the real environment has a kernel copy; a test's plain object has none.
  if (env !== process.env) return { value, gone: true };
  if (platform !== 'linux') return { value, gone: false };
  try {
    scrubInitialEnvironment(name, files);
    const left = fs.readFileSync(files.environ, 'latin1').split('\0');
    return { value, gone: !left.some((entry) => entry.startsWith(`${name}=`)) };
  } catch {
    return { value, gone: false };
  }
}

/** The address range of the initial environment block, from /proc/self/stat (fields 50 and 51). */
export function environmentRange(stat: string): { start: number; end: number } {
  // The command name (field 2) is in parentheses and may hold spaces or ')': split after the last ')'.
  const fields = stat
    .slice(stat.lastIndexOf(')') + 2)
    .trim()
    .split(' ');
  const start = Number(fields[50 - 3]);
  const end = Number(fields[51 - 3]);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start <= 0 || end <= start)
    throw new Error('no environment range in /proc/self/stat');
  return { start, end };
}

/** Overwrites every `NAME=value` entry of the initial environment block with zero bytes. */
function scrubInitialEnvironment(name: string, files: ProcFiles): void {
  const { start, end } = environmentRange(fs.readFileSync(files.stat, 'latin1'));
  const fd = fs.openSync(files.mem, 'r+');
  try {
    const block = Buffer.alloc(end - start);
    fs.readSync(fd, block, 0, block.length, start);
    const key = Buffer.from(`${name}=`, 'latin1');
    for (let at = block.indexOf(key); at !== -1; at = block.indexOf(key, at + 1)) {
      if (at > 0 && block[at - 1] !== 0) continue; // the name inside another entry's value
      const stop = block.indexOf(0, at);
      const length = (stop === -1 ? block.length : stop) - at;
      fs.writeSync(fd, Buffer.alloc(length), 0, length, start + at);
    }
  } finally {
    fs.closeSync(fd);
  }
}
