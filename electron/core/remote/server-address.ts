/**
 * A server address as typed into the Server field: `host[:port]`, checked and normalised.
 *
 * The normalised `host:port` names the server everywhere: in the remembered choice, as the key of
 * its certificate pin, and in every sentence shown to the user.
 */
import net from 'node:net';
import { UserError } from '../../../shared/result';

/** The port an address without one means: the one `mdsync server` listens on by default. */
export const DEFAULT_SERVER_PORT = 8443;

/** A checked server address. */
export interface ServerTarget {
  /** Host name or IP address, without brackets. */
  readonly host: string;
  readonly port: number;
  /** `host:port` (`[v6]:port`): the name of this server in the pin store and in messages. */
  readonly key: string;
  /** `host:port`, without the port when it is 443: the Host header, as a browser sends it. */
  readonly authority: string;
  /** `https://` + authority: sent as Origin. */
  readonly origin: string;
}

const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

function bad(text: string, why: string): never {
  throw new UserError('badInput', `"${text.slice(0, 80)}" is not a server address: ${why}`);
}

/** Parses `host`, `host:port`, `[v6]:port` (an `https://` prefix and a trailing `/` are allowed). */
export function parseServerAddress(input: string): ServerTarget {
  const text = input.trim();
  let rest = text.replace(/^https:\/\//i, '').replace(/\/$/, '');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(rest)) bad(text, 'only https:// servers are supported');
  if (!rest) bad(text, 'enter a host name or address, optionally with :port');
  let host: string;
  let portText: string | undefined;
  if (rest.startsWith('[')) {
    const end = rest.indexOf(']');
    if (end < 0) bad(text, 'a "]" is missing');
    host = rest.slice(1, end);
    rest = rest.slice(end + 1);
    if (rest && !rest.startsWith(':')) bad(text, 'expected ":port" after "]"');
    portText = rest ? rest.slice(1) : undefined;
    if (net.isIPv6(host) === false) bad(text, 'the address in brackets is not an IPv6 address');
  } else {
    const colons = rest.split(':').length - 1;
    if (colons > 1) {
      if (!net.isIPv6(rest)) bad(text, 'write an IPv6 address in brackets: [addr]:port');
      host = rest;
    } else {
      [host, portText] = rest.split(':') as [string, string | undefined];
    }
    if (!net.isIP(host) && !HOST_NAME.test(host)) bad(text, 'the host name has characters a host name cannot have');
  }
  let port = DEFAULT_SERVER_PORT;
  if (portText !== undefined) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      bad(text, 'the port must be a number from 1 to 65535');
    }
    port = Number(portText);
  }
  const hostPart = net.isIPv6(host) ? `[${host}]` : host.toLowerCase();
  const key = `${hostPart}:${port}`;
  const authority = port === 443 ? hostPart : key;
  return { host: net.isIPv6(host) ? host : host.toLowerCase(), port, key, authority, origin: `https://${authority}` };
}
