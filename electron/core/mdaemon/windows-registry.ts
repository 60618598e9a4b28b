/**
 * The real registry reader for detectAppDir and systemCodePage: `reg query` on Windows.
 *
 * reg.exe is on every Windows and needs no native module; elsewhere the registry does not exist
 * and every read is null.
 */
import { execFile } from 'node:child_process';
import type { RegistryReader } from './detect';

/** Extracts a value's data from `reg query KEY /v VALUE` output, or null. */
export function parseRegQuery(output: string, value: string): string | null {
  for (const line of output.split(/\r?\n/)) {
    const m = /^\s+(.+?)\s+(REG_SZ|REG_EXPAND_SZ)\s+(.*)$/.exec(line);
    if (m && m[1]?.toLowerCase() === value.toLowerCase()) return (m[3] ?? '').trim() || null;
  }
  return null;
}

/** Reads a REG_SZ value with reg.exe; null when missing, on error, or not on Windows. */
export const readWindowsRegistry: RegistryReader = (key, value) => {
  if (process.platform !== 'win32') return Promise.resolve(null);
  return new Promise((resolve) => {
    execFile('reg', ['query', key, '/v', value], { windowsHide: true, timeout: 5000 }, (err, stdout) => {
      resolve(err ? null : parseRegQuery(String(stdout), value));
    });
  });
};
