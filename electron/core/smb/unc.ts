/**
 * UNC paths of the MDaemon App directory share, parsed for the SMB2 client.
 *
 * Accepted forms (separators `\` and `/` may be mixed after the leading pair):
 * - `\\server\share\dir\sub` and `//server/share/dir`: the Windows forms administrators copy from Explorer;
 * - `\\?\UNC\server\share\dir`: the Win32 long-path form;
 * - `\\server:4450\share\dir`: **our extension**, not Windows syntax: a TCP port other than 445,
 *   for SMB servers behind a port forward and for the tests' private Samba on 127.0.0.1.
 *
 * The host is a DNS or NetBIOS name or a dotted IPv4 address; IPv6 literals are refused.
 * Error messages never repeat the raw input: administrators paste odd things into this field,
 * passwords included.
 */
import { UserError } from '../../../shared/result';

/** The SMB port when the path names none. */
export const DEFAULT_SMB_PORT = 445;

/** A parsed UNC path: where to connect and which folder of which share to read. */
export interface UncPath {
  readonly host: string;
  readonly port: number;
  readonly share: string;
  /** The folder inside the share, components joined with `\`, no leading or trailing separator; '' for the share root. */
  readonly dir: string;
}

/** Characters Windows refuses in share names. */
const BAD_SHARE_CHARS = /["*+,/:;<=>?[\]|\\]/u;
/** Characters Windows refuses in file and folder names (plus control characters). */
const BAD_PATH_CHARS = /[<>:"|?*\p{Cc}]/u;
const HOST_NAME = /^[\p{L}\p{N}_-]+(?:\.[\p{L}\p{N}_-]+)*\.?$/u;
const DOTTED_NUMBERS = /^\d+(?:\.\d+)*$/u;

function configError(message: string): UserError {
  return new UserError('config', message);
}

function parseHost(hostPart: string): { host: string; port: number } {
  if (hostPart.startsWith('[') || (hostPart.match(/:/gu)?.length ?? 0) > 1) {
    throw configError('IPv6 addresses are not supported in the UNC path: use the server name or its IPv4 address');
  }
  let host = hostPart;
  let port = DEFAULT_SMB_PORT;
  const colon = hostPart.indexOf(':');
  if (colon >= 0) {
    host = hostPart.slice(0, colon);
    const portText = hostPart.slice(colon + 1);
    const n = /^\d{1,5}$/u.test(portText) ? Number(portText) : NaN;
    if (!(n >= 1 && n <= 65535)) {
      throw configError(
        'the port after the server name must be a number from 1 to 65535 (like \\\\server:4450\\share)',
      );
    }
    port = n;
  }
  if (host === '') throw configError('the UNC path names no server (expected \\\\server\\share\\folder)');
  if (DOTTED_NUMBERS.test(host)) {
    const octets = host.split('.');
    if (octets.length !== 4 || octets.some((o) => Number(o) > 255 || (o.length > 1 && o.startsWith('0')))) {
      throw configError(`${host} is not a valid IPv4 address`);
    }
  } else if (!HOST_NAME.test(host) || host.length > 253) {
    throw configError('the server name in the UNC path contains characters a host name cannot have');
  }
  return { host, port };
}

/**
 * Parses a UNC path into host, port, share and folder.
 *
 * Throws UserError('config') with a one-line message saying what is wrong, so the settings
 * dialog can show it next to the field.
 */
export function parseUnc(input: string): UncPath {
  let text = input.trim();
  if (text === '') throw configError('the UNC path is empty (expected \\\\server\\share\\folder)');
  if (/^\\\\[?.]\\/u.test(text)) {
    const m = /^\\\\\?\\UNC\\(.*)$/iu.exec(text);
    if (!m) throw configError('only the \\\\?\\UNC\\server\\share form of Win32 device paths is a network path');
    text = `\\\\${m[1] ?? ''}`;
  }
  if (!/^[\\/]{2}(?![\\/])/u.test(text)) {
    throw configError(
      'the UNC path must start with two backslashes and a server name (like \\\\server\\share\\folder)',
    );
  }
  const parts = text.slice(2).split(/[\\/]/u);
  const hostPart = parts[0] ?? '';
  if (hostPart.includes('@')) {
    throw configError('the UNC path must not hold a user name: enter it in the user name field');
  }
  const { host, port } = parseHost(hostPart);
  const share = parts[1] ?? '';
  if (share === '') throw configError(`the UNC path names no share on ${host} (expected \\\\${host}\\share\\folder)`);
  if (BAD_SHARE_CHARS.test(share) || /\p{Cc}/u.test(share) || share.length > 80) {
    throw configError('the share name in the UNC path contains characters a share name cannot have');
  }
  const dirParts = parts.slice(2).filter((p) => p !== '');
  for (const p of dirParts) {
    if (p === '.' || p === '..') throw configError('the UNC path must not contain . or .. folders');
    if (BAD_PATH_CHARS.test(p)) {
      throw configError('a folder name in the UNC path contains characters Windows does not allow (<>:"|?*)');
    }
  }
  return { host, port, share, dir: dirParts.join('\\') };
}

/**
 * Formats a parsed path back as `\\host\share\dir`, with `:port` only when it is not 445.
 *
 * Used for messages and the source description, so it only ever holds what parseUnc kept.
 */
export function formatUnc(p: Pick<UncPath, 'host' | 'share'> & Partial<Pick<UncPath, 'port' | 'dir'>>): string {
  const port = p.port !== undefined && p.port !== DEFAULT_SMB_PORT ? `:${p.port}` : '';
  const dir = p.dir ? `\\${p.dir}` : '';
  return `\\\\${p.host}${port}\\${p.share}${dir}`;
}

/** Joins a folder inside a share and a name with `\`, the separator SMB2 expects; '' is the share root. */
export function joinSharePath(dir: string, name: string): string {
  const d = dir.replace(/[\\/]+/gu, '\\').replace(/^\\+|\\+$/gu, '');
  const n = name.replace(/[\\/]+/gu, '\\').replace(/^\\+|\\+$/gu, '');
  if (d === '') return n;
  if (n === '') return d;
  return `${d}\\${n}`;
}
