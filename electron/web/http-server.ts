/**
 * The one web server of browser mode and the network service; a policy decides how it behaves.
 *
 * It serves the built renderer, `POST /api/call` for the session-changing channels (logon, first
 * start, logoff: they set or clear the session cookie) and the WebSocket bridge for everything
 * else (ws-bridge.ts). `loopback` is plain HTTP on 127.0.0.1 with the URL token; `network` is HTTPS
 * only (plain HTTP on the port fails the TLS handshake) with logon sessions and no token.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import type { WebSocketServer } from 'ws';
import { CALL_PATH, SESSION_CHANNELS, BridgeCall, answerText } from '../../shared/bridge-protocol';
import { fail } from '../../shared/result';
import type { Logger } from '../core/logger';
import { dispatch, type Handlers } from '../api/registry';
import type { Session } from '../app/session';
import { contentType } from './content-types';
import { buildCsp, injectNonce } from './csp';
import { guardConnections, readBody } from './connection-guards';
import { limitedLog, printable } from './limits';
import {
  DEFAULT_IDLE_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
  LOOPBACK_MAX_MESSAGE_BYTES,
  MAX_CALL_BYTES,
  NETWORK_MAX_MESSAGE_BYTES,
  hostAllowed,
  originAllowed,
  readCookie,
  sameToken,
  sessionCookie,
  sessionIdOf,
  splitTarget,
  type ServerPolicy,
} from './policy';
import { serveOps, type OpsDeps } from './ops-routes';
import { proxyFront } from './proxy-protocol';
import { parseUntrustedJson } from './safe-json';
import { DEFAULT_SESSION_LIMITS, SessionStore, deviceSlot } from './sessions';
import { StaticFiles } from './static-files';
import { TLS_OPTIONS } from './tls';
import { RECONNECT_CODE } from '../../shared/bridge-protocol';
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

/** What a route gets besides the request and the response. */
export interface RouteContext {
  /** The query string's parameters. */
  readonly query: URLSearchParams;
  /** The headers every answer carries (security headers). */
  readonly headers: Record<string, string>;
  /** Answers with a status and one line of text. */
  readonly deny: (status: number, text: string) => void;
}

/** A handler of one path; a throw or a rejection answers 500 and is logged, the server goes on. */
export type Route = (req: http.IncomingMessage, res: http.ServerResponse, ctx: RouteContext) => void | Promise<void>;

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

/** Browser mode's token cookie (the page sets it so its assets load). */
const TOKEN_COOKIE = 'mdsync_token';

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
  const tokenOk = (req: http.IncomingMessage, query: URLSearchParams) =>
    policy.kind !== 'loopback' ||
    sameToken(query.get('token'), policy.token) ||
    sameToken(readCookie(req, TOKEN_COOKIE), policy.token);

  /** The page, with a fresh CSP nonce. */
  const page: Route = (req, res, { query, headers, deny }) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return deny(405, 'method not allowed');
    if (policy.kind === 'loopback' && !tokenOk(req, query)) {
      return deny(403, 'open the URL that `npm run web` printed (it carries the access token)');
    }
    const nonce = crypto.randomBytes(16).toString('base64');
    const pageHeaders: Record<string, string> = {
      ...headers,
      'content-type': contentType('index.html'),
      'content-security-policy': buildCsp(nonce, `${network ? 'wss' : 'ws'}://${req.headers.host}`),
    };
    if (policy.kind === 'loopback') {
      pageHeaders['set-cookie'] = `${TOKEN_COOKIE}=${policy.token}; HttpOnly; SameSite=Strict; Path=/`;
    }
    res.writeHead(200, pageHeaders);
    res.end(req.method === 'HEAD' ? undefined : injectNonce(files.indexHtml(), nonce));
  };

  const routes = new Map<string, Route>(Object.entries(opts.routes ?? {}));
  routes.set('/', page);
  routes.set('/index.html', page);
  routes.set(CALL_PATH, async (req, res, ctx) => {
    await handleCall(req, res, ctx.query, ctx.headers, ctx.deny);
  });

  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void | Promise<void> => {
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
    if (opts.ops && serveOps(opts.ops, req, res, clientAddressOf(req), headers)) return;
    if (!hostAllowed(policy, port, req.headers.host)) return deny(421, 'wrong host');
    const ctx: RouteContext = { query: target.query, headers, deny };
    const route = routes.get(target.path);
    if (route) return route(req, res, ctx);
    if (req.method !== 'GET' && req.method !== 'HEAD') return deny(405, 'method not allowed');
    if (!tokenOk(req, target.query)) return deny(403, 'forbidden');
    const file = files.get(target.path);
    if (!file) return deny(404, 'not found');
    res.writeHead(200, { ...headers, 'content-type': file.type });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  };

  /** The last resort: whatever a route throws answers 500 with one log line; the server goes on. */
  const guarded = (req: http.IncomingMessage, res: http.ServerResponse) => {
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

  /** `POST /api/call`: logon, first start and logoff, which set or clear the session cookie. */
  async function handleCall(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    query: URLSearchParams,
    headers: Record<string, string>,
    deny: (status: number, text: string) => void,
  ) {
    if (req.method !== 'POST') return deny(405, 'method not allowed');
    const origin = req.headers.origin;
    if (origin !== undefined && !originAllowed(policy, port, origin)) return deny(403, 'wrong origin');
    if (!tokenOk(req, query)) return deny(403, 'forbidden');
    if (!/^application\/json(;|$)/i.test(req.headers['content-type'] ?? '')) {
      return deny(415, 'the body must be application/json');
    }
    const body = await readBody(req, MAX_CALL_BYTES);
    if (body === null) {
      res.writeHead(413, { ...headers, 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
      res.end('the body is too large\n');
      req.destroy();
      return;
    }
    let call: BridgeCall;
    try {
      const parsed = BridgeCall.safeParse(parseUntrustedJson(body));
      if (!parsed.success) return deny(400, 'the body is not a call');
      call = parsed.data;
    } catch (err) {
      return deny(400, `the body is not acceptable JSON (${err instanceof Error ? err.message : 'invalid'})`);
    }
    if (!SESSION_CHANNELS.has(call.channel)) return deny(400, `${call.channel.slice(0, 64)} is not carried here`);
    const clientAddress = clientAddressOf(req);
    await shared?.load(sessionIdOf(req, policy).id); // a session another server made
    const previous = store.get(sessionIdOf(req, policy).id);
    const emit = () => {};
    const reply: Record<string, string> = { ...headers, 'content-type': 'application/json; charset=utf-8' };
    if (call.channel === 'auth:logoff') {
      const ctx = { session: previous?.session ?? { user: null }, emit, clientAddress };
      const result = await dispatch(opts.handlers, call.channel, call.input, ctx, logger);
      if (previous) {
        store.end(previous.id, 'you logged off');
        await store.recorded(previous.id); // no server accepts it after this answer
      }
      reply['set-cookie'] = sessionCookie(policy, null);
      res.writeHead(200, reply);
      return res.end(answerText(call, result));
    }
    if (call.channel === 'auth:setup-admin' && policy.kind === 'network') {
      // Whoever reached a fresh service first would own it: first start takes the one-time code
      // the service printed on its console (browser mode's token already proves the local user).
      const given = (call.input as { setupCode?: unknown } | null | undefined)?.setupCode;
      if (!policy.firstStart?.check(given)) {
        const refused = fail(
          'setupCode',
          policy.firstStart?.value
            ? 'type the one-time code that mdsync server printed on its console when it started'
            : 'set the administrator password on the server itself: mdsync users passwd admin --password-stdin',
        );
        res.writeHead(200, reply);
        return res.end(answerText(call, refused));
      }
    }
    // A logon always starts a fresh session with a new id: a planted id is never promoted.
    const fresh: Session = { user: null };
    // A check still queued when the client has gone is dropped; a known device skips the name's slowdown.
    const gone = new AbortController();
    res.once('close', () => gone.abort());
    const device = deviceSlot(req, network);
    const ctx = { session: fresh, emit, clientAddress, signal: gone.signal, device };
    const result = await dispatch(opts.handlers, call.channel, call.input, ctx, logger);
    if (call.channel === 'auth:setup-admin' && result.ok && policy.kind === 'network') policy.firstStart?.spend();
    const cookies: string[] = [];
    if (fresh.user) {
      if (previous) store.end(previous.id, 'you logged on again');
      // The services follow the session itself, not only its sockets: deleting the user or taking
      // away its logon privilege ends it even while no page of it is open.
      const release = opts.onSession?.(fresh, () => {});
      const made = store.create(fresh, clientAddress, release);
      // Answered once the shared table holds it: the next connection may reach another server.
      await Promise.all([store.recorded(made.id), previous ? store.recorded(previous.id) : undefined]);
      cookies.push(sessionCookie(policy, made.id));
      if (device.issued) cookies.push(device.issued);
    }
    res.writeHead(200, cookies.length > 0 ? { ...reply, 'set-cookie': cookies } : reply);
    res.end(answerText(call, result));
  }

  const server: http.Server = network
    ? https.createServer(
        { cert: policy.cert, key: policy.key, ...TLS_OPTIONS, handshakeTimeout: Math.min(idleMs, 10_000) },
        guarded,
      )
    : http.createServer(guarded);
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

  // Behind trusted proxies, a TCP listener in front takes the PROXY header off each connection.
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
