/** "MDaemon IMAP Server" as typed: `host`, `host:port`, `[v6]` or `[v6]:port`. */

/** The parsed address, or why it cannot be used. */
export type ImapAddress = { host: string; port: number | null; error?: undefined } | { error: string };

/** Parses the field; an empty field is a valid "not configured". */
export function parseImapAddress(text: string): ImapAddress {
  const t = text.trim();
  if (!t) return { host: '', port: null };
  let host = t;
  let portText: string | null = null;
  const bracket = /^\[([^\]]+)\](?::(.*))?$/.exec(t);
  if (bracket) {
    host = bracket[1]!;
    portText = bracket[2] ?? null;
  } else if ((t.match(/:/g) ?? []).length === 1) {
    [host, portText] = t.split(':') as [string, string];
  }
  if (!host || /\s|\//.test(host)) return { error: 'Enter a host name or address, optionally with :port.' };
  if (portText === null) return { host, port: null };
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port < 1 || port > 65535)
    return { error: 'The port must be a number from 1 to 65535.' };
  return { host, port };
}

/** Formats host and port back into the field's text. */
export function formatImapAddress(host: string, port: number | null): string {
  const h = host.includes(':') ? `[${host}]` : host;
  return port === null ? host : `${h}:${port}`;
}
