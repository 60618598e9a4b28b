/**
 * The real registry reader for detectAppDir and systemCodePage: `reg query` on Windows.
 *
 * reg.exe is on every Windows and needs no native module; elsewhere the registry does not exist
 * and every read is null. Queries read the 64-bit registry view (`/reg:64`): MDaemon is 64-bit
 * only since version 22 and writes `HKLM\SOFTWARE\Alt-N Technologies\MDaemon` there, while a
 * 32-bit Node (or a 32-bit reg.exe it starts) would otherwise be redirected to WOW6432Node.
 * reg.exe is taken from %SystemRoot%\System32, not looked up on the PATH.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import type { RegistryReader } from './detect';

/** Extracts a value's data from `reg query KEY /v VALUE` output, or null. */
export function parseRegQuery(output: string, value: string): string | null {
  for (const line of output.split(/\r?\n/)) {
    const m = /^\s+(.+?)\s+(REG_SZ|REG_EXPAND_SZ)\s+(.*)$/.exec(line);
    if (m && m[1]?.toLowerCase() === value.toLowerCase()) return (m[3] ?? '').trim() || null;
  }
  return null;
}

/** The arguments of reg.exe for one value, in the 64-bit view. */
export function regQueryArgs(key: string, value: string): string[] {
  return ['query', key, '/v', value, '/reg:64'];
}

/** Runs a program with arguments and hands back its standard output, or null when it failed. */
export type RunProgram = (file: string, args: string[]) => Promise<string | null>;

const runReg: RunProgram = (file, args) =>
  new Promise((resolve) => {
    execFile(file, args, { windowsHide: true, timeout: 5000 }, (err, stdout) => resolve(err ? null : String(stdout)));
  });

/** A registry reader over `run` (tests pass a fake); null everywhere but on Windows. */
export function makeRegistryReader(
  platform: NodeJS.Platform,
  run: RunProgram = runReg,
  systemRoot: string = process.env.SystemRoot ?? 'C:\\Windows',
): RegistryReader {
  const reg = path.win32.join(systemRoot, 'System32', 'reg.exe');
  return async (key, value) => {
    if (platform !== 'win32') return null;
    const out = await run(reg, regQueryArgs(key, value));
    return out === null ? null : parseRegQuery(out, value);
  };
}

/** Reads a REG_SZ value with reg.exe (64-bit view); null when missing, on error, or not on Windows. */
export const readWindowsRegistry: RegistryReader = makeRegistryReader(process.platform);
