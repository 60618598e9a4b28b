/**
 * "Settings → code page → source → read", put together once for the desktop app, the service and
 * the CLI (`mdsync inspect`, `test`, `sync`).
 */
import type { DirectoryRead } from '../../shared/model';
import type { DirectorySettings } from '../../shared/settings';
import { resolveCodePage } from '../core/mdaemon/code-page';
import { systemCodePage } from '../core/mdaemon/default-code-page';
import type { RegistryReader } from '../core/mdaemon/detect';
import { isUncPath, openAppDirSource, type OpenSourceOptions } from '../core/mdaemon/open-source';
import { readDirectory } from '../core/mdaemon/read-directory';

/** What reading an App directory needs from the machine it runs on. */
export interface ReadMachine {
  readonly platform: NodeJS.Platform;
  readonly readRegistry: RegistryReader;
  /** The SMB client, loaded only when a UNC path must be read over SMB (keeps the CLI's start small). */
  readonly loadSmbSource: () => Promise<OpenSourceOptions['createSmbSource']>;
}

/**
 * The code page a read uses: the one given (a flag or the saved settings; checked, so a bad one is
 * a UserError), else the system's.
 */
export async function codePageFor(
  given: string | undefined,
  machine: Pick<ReadMachine, 'platform' | 'readRegistry'>,
): Promise<string> {
  return given !== undefined && given.trim() !== ''
    ? resolveCodePage(given)
    : await systemCodePage({ platform: machine.platform, readRegistry: machine.readRegistry });
}

/** Options of one read. */
export interface AppDirectoryReadOptions {
  readonly machine: ReadMachine;
  /** The share password (UNC paths off Windows), or null. */
  readonly sharePassword: string | null;
  readonly signal?: AbortSignal;
  /** Files done out of 3. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** What one read found, and where (for messages: the path, or the share and its user). */
export interface AppDirectoryRead {
  readonly read: DirectoryRead;
  readonly where: string;
}

/**
 * Reads the App directory the settings name in their code page (resolve it first with
 * {@link codePageFor}); the source is closed whatever happens.
 */
export async function readAppDirectory(
  directory: DirectorySettings,
  opts: AppDirectoryReadOptions,
): Promise<AppDirectoryRead> {
  const needsSmb = isUncPath(directory.appDir) && opts.machine.platform !== 'win32';
  const createSmbSource = needsSmb ? await opts.machine.loadSmbSource() : noSmb;
  const source = openAppDirSource(directory, {
    platform: opts.machine.platform,
    sharePassword: opts.sharePassword,
    createSmbSource,
  });
  try {
    const read = await readDirectory(source, {
      // The settings' text is parsed here, where it enters the readers.
      codePage: resolveCodePage(directory.codePage),
      signal: opts.signal,
      onProgress: opts.onProgress,
    });
    return { read, where: source.description };
  } finally {
    await source.close();
  }
}

const noSmb: OpenSourceOptions['createSmbSource'] = (o) => {
  throw new Error(`SMB source not loaded for ${o.unc}`);
};
