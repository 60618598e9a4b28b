/**
 * The MDaemon App directory read over SMB: an AppDirSource for non-Windows machines.
 *
 * MDaemon's own files vary in case (`USERLIST.DAT`, `Groups.dat`) and a share may live on a
 * case-sensitive server, so names are matched case-insensitively against the folder listing
 * before anything is opened. Injected into openAppDirSource (electron/core/mdaemon).
 */
import { UserError } from '../../../shared/result';
import type { AppDirSource, SourceFile } from '../mdaemon/source';
import { readStableFile, type StableReadOptions } from '../mdaemon/stable-read';
import { connectSmb, type SmbClient, type SmbConnectOptions } from './smb-client';
import { formatUnc, joinSharePath, parseUnc } from './unc';

/** Options of {@link createSmbSource}. */
export interface SmbSourceOptions {
  /** `\\server\share\dir`, `//server/share/dir`, optionally `\\server:port\share\dir`. */
  unc: string;
  domain: string;
  userName: string;
  password: string;
  /** Inactivity timeout of each SMB operation; default 5000 ms. */
  timeoutMs?: number;
  /** Opens the SMB client (tests inject fakes); default our SMB 2/3 client. */
  connect?: (o: SmbConnectOptions) => SmbClient;
  /** The whole-read limit and the re-reads of a file that changed meanwhile, as for local reads (tests pass small ones). */
  read?: StableReadOptions;
}

/** Picks the folder entry that matches `name` case-insensitively, preferring an exact match. */
export function pickName(entries: readonly string[], name: string): string | undefined {
  if (entries.includes(name)) return name;
  const wanted = name.toUpperCase();
  return entries.filter((e) => e.toUpperCase() === wanted).sort()[0];
}

/**
 * An AppDirSource reading the App directory from an SMB share.
 *
 * Throws UserError('config') at once for a malformed UNC path; connects lazily on first use.
 * Its description is the UNC path without credentials.
 */
export function createSmbSource(o: SmbSourceOptions): AppDirSource {
  const unc = parseUnc(o.unc);
  const connect = o.connect ?? connectSmb;
  const client = connect({
    host: unc.host,
    port: unc.port,
    share: unc.share,
    domain: o.domain,
    userName: o.userName,
    password: o.password,
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
  });

  const resolve = async (name: string): Promise<string | null> => {
    if (name === '' || /[\\/]/u.test(name))
      throw new UserError('config', 'an App directory file name cannot contain a folder');
    const actual = pickName(await client.list(unc.dir), name);
    return actual === undefined ? null : joinSharePath(unc.dir, actual);
  };

  return {
    description: formatUnc(unc),
    async readFile(name: string): Promise<SourceFile | null> {
      const path = await resolve(name);
      if (path === null) return null;
      // The inactivity timeout stops a silent server; this limits the whole read (a share that
      // trickles), and a file MDaemon rewrote meanwhile is read again, as local reads are.
      return readStableFile(
        `${formatUnc(unc)}\\${name}`,
        { stat: () => client.stat(path), read: () => client.readFile(path) },
        o.read,
      );
    },
    async stat(name: string) {
      const path = await resolve(name);
      return path === null ? null : client.stat(path);
    },
    close: () => client.close(),
  };
}
