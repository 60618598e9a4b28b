/**
 * The two policies of the one web server: browser mode (loopback) and the network service.
 *
 * `loopback`: one person at one machine, plain HTTP on 127.0.0.1, the printed URL's token guarding
 * the page, the assets, the calls and the sockets. `network`: TLS always, any address, no token:
 * everything but the logon screen, app information and static assets needs a logon session. Both
 * check Host and Origin against the names the server answers to (no DNS rebinding, no other
 * site's page calling in), limit message sizes and count connections per client address.
 */
import crypto from 'node:crypto';
import type http from 'node:http';
import type { FirstStartCode } from './first-start-code';
import type { SessionLimits } from './sessions';

/** Browser mode's policy. */
export interface LoopbackPolicy {
  readonly kind: 'loopback';
  readonly token: string;
}

/** The network service's policy. */
export interface NetworkPolicy {
  readonly kind: 'network';
  readonly cert: string;
  readonly key: string;
  /** Host names and addresses the service answers to (Host and Origin), lower case. */
  readonly names: readonly string[];
  /** First start: the code printed on the console that setting the admin password takes; none: CLI only. */
  readonly firstStart?: FirstStartCode;
}

/** How one server instance behaves. */
export type ServerPolicy = (LoopbackPolicy | NetworkPolicy) & {
  /** Largest WebSocket message accepted; a larger one closes the connection. */
  readonly maxMessageBytes?: number;
  /** Open connections per client at most (TCP, HTTP and WebSocket alike; IPv6 per /64). */
  readonly maxConnectionsPerAddress?: number;
  /** Open connections at most, all clients together. */
  readonly maxConnections?: number;
  /** A connection carrying nothing (and an anonymous WebSocket making no call) is closed after this. */
  readonly idleMs?: number;
  readonly sessions?: Partial<SessionLimits>;
  /** The public origins the service is reached by through a load balancer (`--public-url`), for Host and Origin. */
  readonly publicOrigins?: readonly PublicOrigin[];
};

/** A public origin of the service: its host name (lower case) and port. */
export interface PublicOrigin {
  readonly name: string;
  readonly port: number;
}

/**
 * Parses a `--public-url` (`https://archive.example.com/`, a port if not 443); throws an Error
 * with one line naming the bad value.
 */
export function parsePublicUrl(text: string): PublicOrigin {
  let url: URL | null = null;
  try {
    url = new URL(text);
  } catch {
    // said below
  }
  if (!url || url.protocol !== 'https:' || url.pathname !== '/' || url.search || url.hash || url.username) {
    throw new Error(`--public-url must be an https:// origin such as https://archive.example.com/, not "${text}"`);
  }
  const name = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return { name: normalizeName(name), port: url.port ? Number(url.port) : 443 };
}

/** Largest `POST /api/call` body. */
export const MAX_CALL_BYTES = 64 * 1024;
/** Default WebSocket message limit of the network service (a Users dialog fits easily). */
export const NETWORK_MAX_MESSAGE_BYTES = 1024 * 1024;
/** Default WebSocket message limit of browser mode (one person, large pasted lists). */
export const LOOPBACK_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;
/** Default connections per client address. */
export const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 64;
/** Default connections of all clients together. */
export const DEFAULT_MAX_CONNECTIONS = 1024;
/** Default idle time of a connection carrying nothing, and of an anonymous WebSocket. */
export const DEFAULT_IDLE_MS = 60_000;

/**
 * A request target split into its path (exactly as sent, not decoded) and query, without URL
 * parsing (which throws on some inputs); null unless it is origin-form (`/path?query`).
 */
export function splitTarget(target: string | undefined): { path: string; query: URLSearchParams } | null {
  if (!target || target[0] !== '/' || target.length > 8192) return null;
  const q = target.indexOf('?');
  return {
    path: q < 0 ? target : target.slice(0, q),
    query: new URLSearchParams(q < 0 ? '' : target.slice(q + 1)),
  };
}

/** The session cookie's name: `__Host-` prefixed under TLS (Secure, Path=/, no Domain enforced by browsers). */
export function sessionCookieName(policy: ServerPolicy): string {
  return policy.kind === 'network' ? '__Host-mdsync_session' : 'mdsync_session';
}

/** The Set-Cookie value carrying a session id, or clearing it (id null). */
export function sessionCookie(policy: ServerPolicy, id: string | null): string {
  const flags =
    policy.kind === 'network' ? 'HttpOnly; Secure; SameSite=Strict; Path=/' : 'HttpOnly; SameSite=Strict; Path=/';
  return id === null
    ? `${sessionCookieName(policy)}=; ${flags}; Max-Age=0`
    : `${sessionCookieName(policy)}=${id}; ${flags}`;
}

/** A cookie's value from a request, or null. */
export function readCookie(req: http.IncomingMessage, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

/** The session id of a request: its cookie, or `Authorization: Bearer` (non-browser clients). */
export function sessionIdOf(req: http.IncomingMessage, policy: ServerPolicy): { id: string | null; bearer: boolean } {
  const auth = req.headers.authorization;
  const m = auth ? /^Bearer ([A-Za-z0-9_-]{16,128})$/.exec(auth.trim()) : null;
  if (m) return { id: m[1]!, bearer: true };
  return { id: readCookie(req, sessionCookieName(policy)), bearer: false };
}

/** Constant-time comparison of a presented token with the real one. */
export function sameToken(given: string | null | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/** A host name or address in one spelling: lower case, IPv6 compressed (`0:0:…:1` → `::1`). */
export function normalizeName(name: string): string {
  const n = name.toLowerCase();
  if (!n.includes(':')) return n;
  try {
    return new URL(`http://[${n}]/`).hostname.slice(1, -1);
  } catch {
    return n;
  }
}

/** Splits a Host header into name and port (`[::1]:8443` → `::1`, 8443); null when malformed. */
export function parseHost(host: string | undefined): { name: string; port: number | null } | null {
  if (!host) return null;
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9._-]+))(?::(\d{1,5}))?$/.exec(host.trim());
  if (!m) return null;
  return { name: normalizeName(m[1] ?? m[2] ?? ''), port: m[3] === undefined ? null : Number(m[3]) };
}

/** The names a policy answers to. */
export function allowedNames(policy: ServerPolicy): readonly string[] {
  return policy.kind === 'network' ? policy.names : ['127.0.0.1', 'localhost'];
}

/** Whether a Host header names this server (one of its names, on its port). */
export function hostAllowed(policy: ServerPolicy, port: number, host: string | undefined): boolean {
  const parsed = parseHost(host);
  if (!parsed) return false;
  const defaultPort = policy.kind === 'network' ? 443 : 80;
  const given = parsed.port ?? defaultPort;
  if (given === port && allowedNames(policy).includes(parsed.name)) return true;
  return (policy.publicOrigins ?? []).some((o) => o.name === parsed.name && o.port === given);
}

/** Whether an Origin header is this server's own (the scheme and the Host it was reached by). */
export function originAllowed(policy: ServerPolicy, port: number, origin: string | undefined): boolean {
  if (!origin) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  const scheme = policy.kind === 'network' ? 'https:' : 'http:';
  return url.protocol === scheme && url.pathname === '/' && hostAllowed(policy, port, url.host);
}

/** The names the network service answers to, from its certificate and where it listens. */
export function serviceNames(
  listenHost: string,
  certNames: readonly string[],
  machine: { dns: string[]; ips: string[] },
): string[] {
  const names = new Set(certNames.map(normalizeName));
  const host = normalizeName(listenHost);
  const wildcard = host === '0.0.0.0' || host === '::';
  if (wildcard) for (const n of [...machine.dns, ...machine.ips]) names.add(normalizeName(n));
  else names.add(host);
  return [...names];
}
