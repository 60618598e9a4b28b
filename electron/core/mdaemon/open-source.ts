/**
 * Chooses how to reach the configured App directory: the local file system or SMB.
 *
 * Windows reads UNC paths itself (with the logged-on user's rights), so there a UNC path is a
 * local source; elsewhere the product speaks SMB with the share's credentials. The SMB client is
 * injected so this module stays free of it and testable.
 */
import { UserError } from '../../../shared/result';
import type { DirectorySettings } from '../../../shared/settings';
import { createLocalSource } from './local-source';
import type { AppDirSource } from './source';

/** Options of openAppDirSource. */
export interface OpenSourceOptions {
  platform: NodeJS.Platform;
  /** The share password from the secret store or standard input; null when there is none. */
  sharePassword: string | null;
  createSmbSource: (o: { unc: string; domain: string; userName: string; password: string }) => AppDirSource;
}

/** True for `\\server\share…` and `//server/share…`. */
export function isUncPath(p: string): boolean {
  return /^(\\\\|\/\/)[^\\/]/.test(p.trim());
}

/**
 * Opens the App directory of the settings; throws UserError `config` for an empty path, a
 * UNC path without server and share, or missing share credentials where SMB is needed.
 */
export function openAppDirSource(dir: DirectorySettings, opts: OpenSourceOptions): AppDirSource {
  const appDir = dir.appDir.trim();
  if (appDir === '') throw new UserError('config', 'no App directory is configured');
  if (!isUncPath(appDir)) {
    if (opts.platform !== 'win32' && /^[a-zA-Z]:[\\/]/.test(appDir)) {
      throw new UserError(
        'config',
        `${appDir} is a Windows path; on this machine enter the App directory as a UNC path (\\\\server\\share)`,
      );
    }
    return createLocalSource(appDir);
  }
  const parts = appDir
    .slice(2)
    .split(/[\\/]+/)
    .filter((s) => s !== '');
  if (parts.length < 2)
    throw new UserError('config', `${appDir} needs a server and a share name (\\\\server\\share\\dir)`);
  if (opts.platform === 'win32') return createLocalSource(appDir);
  const userName = dir.share.userName.trim();
  if (userName === '' || !opts.sharePassword) {
    throw new UserError('config', `reading ${appDir} here needs the share's user name and password`);
  }
  return opts.createSmbSource({
    unc: `\\\\${parts.join('\\')}`,
    domain: dir.share.domain.trim(),
    userName,
    password: opts.sharePassword,
  });
}
