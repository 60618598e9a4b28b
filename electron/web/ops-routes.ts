/**
 * The operator's routes of the network service: `GET /healthz`, `GET /readyz` and `GET /metrics`.
 *
 * They need no logon and tell no detail: a load balancer asks `/readyz` whether to send this
 * server new connections (the database answers, the settings load, the server is not draining),
 * `/healthz` only whether the process answers at all. `/metrics` is the Prometheus text of
 * core/metrics.ts for callers from loopback, or from the networks `--metrics-allow` names;
 * anyone else gets the same 404 as for any unknown path, so its existence is not told either.
 */
import type http from 'node:http';
import net from 'node:net';
import type { ServiceMetrics } from '../core/metrics';

/** What the operator's routes need. */
export interface OpsDeps {
  /** Whether this server should get new connections; never throws (false on failure). */
  readonly ready: () => Promise<boolean>;
  readonly metrics: ServiceMetrics;
  /** Who may read `/metrics` besides loopback. */
  readonly metricsAllow: net.BlockList;
}

/** How long `/readyz` waits for the database before it says no. */
export const READY_TIMEOUT_MS = 2000;

/**
 * Parses `--metrics-allow` values (`10.0.0.0/8`, `192.0.2.7`, `2001:db8::/32`) into a block list;
 * throws an Error with one line naming the bad value.
 */
export function parseCidrs(values: readonly string[], flag: string): net.BlockList {
  const list = new net.BlockList();
  for (const value of values) addCidr(list, value, flag);
  return list;
}

function addCidr(list: net.BlockList, value: string, flag: string): void {
  const [address = '', bits, extra] = value.trim().split('/');
  const family = net.isIP(address);
  const max = family === 6 ? 128 : 32;
  const prefix = bits === undefined ? max : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
  if (family === 0 || extra !== undefined || !(prefix >= 0 && prefix <= max)) {
    throw new Error(`${flag} must be an address or a network such as 10.0.0.0/8 or 2001:db8::/32, not "${value}"`);
  }
  list.addSubnet(address, prefix, family === 6 ? 'ipv6' : 'ipv4');
}

/** Whether an address (as the socket gives it) is this machine's loopback or on the list. */
export function addressAllowed(address: string, allow: net.BlockList): boolean {
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (a === '::1' || a.startsWith('127.')) return true;
  const family = net.isIP(a);
  return family !== 0 && allow.check(a, family === 6 ? 'ipv6' : 'ipv4');
}

/** Runs `check` with a time limit; false when it fails or takes too long. */
export async function withinTime(check: () => Promise<unknown>, ms = READY_TIMEOUT_MS): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  try {
    return await Promise.race([check().then(() => true), late]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Answers an operator's route; false when the request is not one (the caller serves it as usual).
 * `clientAddress` is the caller as the server sees it (the PROXY header's, behind a trusted proxy).
 */
export function serveOps(
  deps: OpsDeps,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  clientAddress: string,
  headers: Record<string, string>,
): boolean {
  const path = (req.url ?? '/').split('?', 1)[0];
  if (path !== '/healthz' && path !== '/readyz' && path !== '/metrics') return false;
  const plain = { ...headers, 'content-type': 'text/plain; charset=utf-8' };
  const answer = (status: number, text: string, type = plain) => {
    res.writeHead(status, type);
    res.end(req.method === 'HEAD' ? undefined : text);
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    answer(405, 'method not allowed\n');
    return true;
  }
  if (path === '/healthz') {
    answer(200, 'ok\n');
    return true;
  }
  if (path === '/readyz') {
    void deps.ready().then(
      (ok) => answer(ok ? 200 : 503, ok ? 'ready\n' : 'not ready\n'),
      () => answer(503, 'not ready\n'),
    );
    return true;
  }
  if (!addressAllowed(clientAddress, deps.metricsAllow)) {
    answer(404, 'not found\n');
    return true;
  }
  deps.metrics.text().then(
    (text) => answer(200, text, { ...headers, 'content-type': deps.metrics.registry.contentType }),
    () => answer(500, 'the metrics could not be made\n'),
  );
  return true;
}
