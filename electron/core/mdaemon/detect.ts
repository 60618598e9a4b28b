/**
 * Finds MDaemon's App directory on the machine MDaemon runs on.
 *
 * The registry tells where MDaemon was installed; otherwise the usual folders are tried. The
 * probes are parameters, so this is tested with fakes and works the same in the app and the CLI.
 * MDaemon writes its App directory as the value `AppPath` under
 * `HKLM\SOFTWARE\Alt-N Technologies\MDaemon`, in the 64-bit registry view (MDaemon is 64-bit
 * only since version 22; readWindowsRegistry queries that view): that probe comes first, and
 * `C:\MDaemon\App` is the first folder tried without it. The other probes are kept for older
 * and renamed installations (vendor MDaemon Technologies, 32-bit installs under WOW6432Node,
 * `RootPath` + `\App`); a miss just falls through to the usual folders.
 */
import fs from 'node:fs/promises';

/** Reads one registry value (REG_SZ), or null when the key or value does not exist. */
export type RegistryReader = (key: string, value: string) => Promise<string | null>;

/** The probes detectAppDir uses. */
export interface DetectProbes {
  platform: NodeJS.Platform;
  readRegistry: RegistryReader;
  /** True when the path is an existing directory. */
  exists: (path: string) => Promise<boolean>;
}

/** Where MDaemon may have written its install location: key, value, and how to get to App\. */
export const REGISTRY_PROBES: readonly { key: string; value: string; kind: 'app' | 'root' }[] = [
  ...['Alt-N Technologies', 'MDaemon Technologies'].flatMap((vendor) =>
    ['SOFTWARE', 'SOFTWARE\\WOW6432Node'].flatMap((software) => [
      { key: `HKLM\\${software}\\${vendor}\\MDaemon`, value: 'AppPath', kind: 'app' as const },
      { key: `HKLM\\${software}\\${vendor}\\MDaemon`, value: 'RootPath', kind: 'root' as const },
    ]),
  ),
];

/** The folders tried when the registry does not tell. */
export const USUAL_APP_DIRS: readonly string[] = [
  'C:\\MDaemon\\App',
  'C:\\Program Files\\MDaemon\\App',
  'C:\\Program Files (x86)\\MDaemon\\App',
  'D:\\MDaemon\\App',
];

/** The real `exists` probe: true for an existing directory. */
export function directoryExists(p: string): Promise<boolean> {
  return fs.stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/**
 * Returns the first existing App directory, and every path tried (for the dialog's message).
 * Not Windows: MDaemon runs only on Windows, so nothing is tried.
 */
export async function detectAppDir(p: DetectProbes): Promise<{ appDir: string | null; tried: string[] }> {
  const tried: string[] = [];
  if (p.platform !== 'win32') return { appDir: null, tried };
  const candidates: string[] = [];
  for (const probe of REGISTRY_PROBES) {
    const found = (await p.readRegistry(probe.key, probe.value).catch(() => null))?.trim();
    if (!found) continue;
    const base = found.replace(/[\\/]+$/, '');
    candidates.push(probe.kind === 'app' ? base : `${base}\\App`);
  }
  candidates.push(...USUAL_APP_DIRS);
  for (const dir of candidates) {
    if (tried.some((t) => t.toLowerCase() === dir.toLowerCase())) continue;
    tried.push(dir);
    if (await p.exists(dir).catch(() => false)) return { appDir: dir, tried };
  }
  return { appDir: null, tried };
}
