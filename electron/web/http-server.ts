/**
 * The one web server of browser mode and the network service; a policy decides how it behaves.
 *
 * It serves the built renderer, `POST /api/call` for the session-changing channels (logon, first
 * start, logoff: they set or clear the session cookie) and the WebSocket bridge for everything
 * else (ws-bridge.ts). `loopback` is plain HTTP on 127.0.0.1 with the URL token; `network` is HTTPS
 * only (plain HTTP on the port fails the TLS handshake) with logon sessions and no token.
 */
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import type { WebSocketServer } from 'ws';
import { CALL_PATH, RECONNECT_CODE } from '../../shared/bridge-protocol';
import type { Logger } from '../core/logger';
import type { Handlers } from '../api/registry';
import { callRoute } from './call-route';
import { guardConnections } from './connection-guards';
import { limitedLog, printable } from './limits';
import { pageRoute, serveFile, type Route, type RouteContext } from './page-route';
import {
  DEFAULT_IDLE_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
  LOOPBACK_MAX_MESSAGE_BYTES,
  NETWORK_MAX_MESSAGE_BYTES,
  hostAllowed,
  splitTarget,
  type ServerPolicy,
} from './policy';
import { serveOps, type OpsDeps } from './ops-routes';
import { proxyFront } from './proxy-protocol';
import { DEFAULT_SESSION_LIMITS, SessionStore } from './sessions';
import { StaticFiles } from './static-files';
import { TLS_OPTIONS } from './tls';
import { attachBridge, clientAddressOf, type BridgeDeps } from './ws-bridge';

/** What the server needs to run. */
export interface ServerOptions {
  readonly rendererDir: string;
  readonly handlers: Handlers;
  readonly logger: Logger;
  /** The address to listen on; browser mode is always 127.0.0.1. */
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly policy: ServerPolicy;
  readonly onSession?: BridgeDeps['onSession'];
  readonly now?: () => number;
  /** The sessions' idle time from the settings, asked at each check; a policy's fixed one wins. */
  readonly idleMs?: () => number;
  /** More routes by exact path; the built-in ones win. */
  readonly routes?: Readonly<Record<string, Route>>;
  /** The operator's routes (`/healthz`, `/readyz`, `/metrics`: ops-routes.ts), network service only. */
  readonly ops?: OpsDeps;
  /** The trusted proxies whose connections may start with a PROXY header (proxy-protocol.ts). */
  readonly proxyFrom?: net.BlockList;
  /** Shares the sessions with the other servers on the database (shared-sessions.ts); given the store. */
  readonly share?: (store: SessionStore) => { load(id: string | null): Promise<void> };
}

export type { Route, RouteContext };

/** A running server. */
export interface RunningServer {
  /** What to open: browser mode's URL with its token, or the service's `https://HOST:PORT/`. */
  readonly url: string;
  readonly port: number;
  readonly sessions: SessionStore;
  /**
   * Stops listening, closes every connection and ends every session. `reconnect`: the pages are
   * told to reconnect (close code 1012, to another server behind the balancer) instead of being
   * told that their session ended.
   */
  close(opts?: { reconnect?: boolean }): Promise<void>;
}

const COMMON_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** Starts the server with its policy. */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const { policy, logger } = opts;
  let port = opts.port;
  const limits = { ...DEFAULT_SESSION_LIMITS, ...policy.sessions };
  const store = new SessionStore(
    limits,
    opts.now,
    policy.sessions?.idleMs === undefined && opts.idleMs ? opts.idleMs : () => limits.idleMs,
  );
  const shared = opts.share?.(store);
  const network = policy.kind === 'network';
  const idleMs = policy.idleMs ?? DEFAULT_IDLE_MS;
  const badLog = limitedLog(logger);
  const files = new StaticFiles(opts.rendererDir, !network);
  const page = pageRoute(policy, files);
  const routes = new Map<string, Route>(Object.entries(opts.routes ?? {}));
  routes.set('/', page);
  routes.set('/index.html', page);
  routes.set(
    CALL_PATH,
    callRoute({ policy, port: () => port, store, shared, handlers: opts.handlers, logger, onSession: opts.onSession }),
  );
  const handler = requestHandler({ policy, port: () => port, routes, files, ops: opts.ops, badLog });
  const server = createHttpServer(policy, idleMs, badLog, handler);
  const wss: WebSocketServer = attachBridge(server, {
    policy,
    port: () => port,
    store,
    handlers: opts.handlers,
    logger,
    maxMessageBytes: policy.maxMessageBytes ?? (network ? NETWORK_MAX_MESSAGE_BYTES : LOOPBACK_MAX_MESSAGE_BYTES),
    onSession: opts.onSession,
    idleMs,
    log: badLog,
    loadSession: shared ? (id) => shared.load(id) : undefined,
  });
  const listener = await listen(server, opts);
  const address = listener.address();
  port = typeof address === 'object' && address ? address.port : opts.port;
  const url =
    policy.kind === 'loopback'
      ? `http://127.0.0.1:${port}/?token=${policy.token}`
      : `https://${urlHost(opts.host)}:${port}/`;
  return {
    url,
    port,
    sessions: store,
    close: (how) =>
      new Promise<void>((resolve) => {
        if (how?.reconnect) for (const c of wss.clients) c.close(RECONNECT_CODE, 'the server is restarting: reconnect');
        store.closeAll('the server stopped');
        for (const c of wss.clients) c.close(1001, 'the server is stopping');
        wss.close();
        if (listener !== server) listener.close();
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 1000).unref();
      }),
  };
}

type BadLog = ReturnType<typeof limitedLog>;
type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

/** What the request handler routes between. */
interface HandlerDeps {
  readonly policy: ServerPolicy;
  readonly port: () => number;
  readonly routes: ReadonlyMap<string, Route>;
  readonly files: StaticFiles;
  readonly ops: OpsDeps | undefined;
  readonly badLog: BadLog;
}

/** Every request: the target and Host checked, then the operator's routes, a route, or a file. */
function requestHandler(deps: HandlerDeps): Handler {
  const { policy, badLog } = deps;
  const network = policy.kind === 'network';
  return (req, res) => {
    const headers: Record<string, string> = network
      ? { ...COMMON_HEADERS, 'strict-transport-security': 'max-age=31536000' }
      : { ...COMMON_HEADERS };
    const deny = (status: number, text: string) => {
      if (status >= 400) {
        badLog('warn', `${status} for ${clientAddressOf(req)}: ${printable(`${req.method} ${req.url}`)}: ${text}`);
      }
      res.writeHead(status, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
      res.end(`${text}\n`);
    };
    // Only origin-form targets ("/path?query"): no absolute URLs, no "*", nothing parsed as a URL.
    const target = splitTarget(req.url);
    if (!target) return deny(400, 'bad request target');
    // Before the Host check: a balancer's health check or a scraper may name the service by address.
    if (deps.ops && serveOps(deps.ops, req, res, clientAddressOf(req), headers)) return;
    if (!hostAllowed(policy, deps.port(), req.headers.host)) return deny(421, 'wrong host');
    const ctx: RouteContext = { query: target.query, headers, deny };
    const route = deps.routes.get(target.path);
    if (route) return route(req, res, ctx);
    serveFile(policy, deps.files, req, res, ctx, target.path);
  };
}

/** The last resort: whatever a route throws answers 500 with one log line; the server goes on. */
function guarded(handler: Handler, badLog: BadLog): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  return (req, res) => {
    const failed = (err: unknown) => {
      badLog(
        'error',
        `request ${printable(`${req.method} ${req.url}`)} from ${clientAddressOf(req)} failed: ${printable(err instanceof Error ? err.message : String(err), 300)}`,
      );
      if (!res.headersSent) {
        res.writeHead(500, { ...COMMON_HEADERS, 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
        res.end('internal error; the details are in the log\n');
      } else res.destroy();
    };
    try {
      const done = handler(req, res);
      if (done) done.catch(failed);
    } catch (err) {
      failed(err);
    }
  };
}

/** The HTTP or HTTPS server with its time and connection bounds. */
function createHttpServer(policy: ServerPolicy, idleMs: number, badLog: BadLog, handler: Handler): http.Server {
  const server: http.Server =
    policy.kind === 'network'
      ? https.createServer(
          { cert: policy.cert, key: policy.key, ...TLS_OPTIONS, handshakeTimeout: Math.min(idleMs, 10_000) },
          guarded(handler, badLog),
        )
      : http.createServer(guarded(handler, badLog));
  // Slow or silent clients: the headers within 20 s, the whole request within 60 s, and a
  // connection carrying nothing (no TLS handshake, no request, an idle keep-alive) closed after the
  // idle time; a WebSocket takes its own bounds (ws-bridge.ts), ws clears this timeout on upgrade.
  server.headersTimeout = Math.min(idleMs, 20_000);
  server.requestTimeout = 60_000;
  server.keepAliveTimeout = 5_000;
  server.timeout = idleMs;
  guardConnections(server, {
    maxConnections: policy.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    maxPerAddress: policy.maxConnectionsPerAddress ?? DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
    log: badLog,
  });
  return server;
}

/** Listens (behind trusted proxies, through a TCP front that takes the PROXY header off). */
async function listen(
  server: http.Server,
  opts: Pick<ServerOptions, 'proxyFrom' | 'port' | 'host' | 'logger'>,
): Promise<net.Server> {
  const { logger } = opts;
  const listener: net.Server = opts.proxyFrom
    ? proxyFront(server, opts.proxyFrom, (m) => logger.log('warn', m))
    : server;
  // Connections the front hands over bypass the server's own count: the front keeps the overall bound.
  if (listener !== server) listener.maxConnections = server.maxConnections;
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(opts.port, opts.host, () => {
      listener.off('error', reject);
      listener.on('error', (err: Error) => logger.log('error', `web server: ${err.message}`));
      resolve();
    });
  });
  return listener;
}
