/**
 * The one web server of browser mode and the network service; a policy decides how it behaves.
 *
 * It serves the built renderer, `POST /api/call` for the session-changing channels (logon, first
 * start, logoff: they set or clear the session cookie) and the WebSocket bridge for everything
 * else (ws-bridge.ts). `loopback` is plain HTTP on 127.0.0.1 with the URL token; `network` is HTTPS
 * only (plain HTTP on the port fails the TLS handshake) with logon sessions and no token.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import path from 'node:path';
import type { WebSocketServer } from 'ws';
import { CALL_PATH, SESSION_CHANNELS, BridgeCall, answerText } from '../../shared/bridge-protocol';
import { fail } from '../../shared/result';
import type { Logger } from '../core/logger';
import { dispatch, type Handlers, type Session } from '../ipc/registry';
import { contentType } from './content-types';
import { buildCsp, injectNonce } from './csp';
import {
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
  type ServerPolicy,
} from './policy';
import { serveOps, type OpsDeps } from './ops-routes';
import { proxiedAddress, proxyFront } from './proxy-protocol';
import { DEFAULT_SESSION_LIMITS, SessionStore } from './sessions';
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
  /** The operator's routes (`/healthz`, `/readyz`, `/metrics`: ops-routes.ts), network service only. */
  readonly ops?: OpsDeps;
  /** The trusted proxies whose connections may start with a PROXY header (proxy-protocol.ts). */
  readonly proxyFrom?: net.BlockList;
  /** Shares the sessions with the other servers on the database (shared-sessions.ts); given the store. */
  readonly share?: (store: SessionStore) => { load(id: string | null): Promise<void> };
}

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
  const indexHtml = () => fs.readFileSync(path.join(opts.rendererDir, 'index.html'), 'utf8');
  const tokenOk = (req: http.IncomingMessage, url: URL) =>
    policy.kind !== 'loopback' ||
    sameToken(url.searchParams.get('token'), policy.token) ||
    sameToken(readCookie(req, TOKEN_COOKIE), policy.token);

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const headers = network
      ? { ...COMMON_HEADERS, 'strict-transport-security': 'max-age=31536000' }
      : { ...COMMON_HEADERS };
    const deny = (status: number, text: string) => {
      res.writeHead(status, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
      res.end(`${text}\n`);
    };
    // Before the Host check: a balancer's health check or a scraper may name the service by address.
    if (opts.ops && serveOps(opts.ops, req, res, clientAddressOf(req), headers)) return;
    if (!hostAllowed(policy, port, req.headers.host)) return deny(421, 'wrong host');
    if (url.pathname === CALL_PATH) return void handleCall(req, res, url, headers, deny);
    if (req.method !== 'GET' && req.method !== 'HEAD') return deny(405, 'method not allowed');
    if (url.pathname === '/' || url.pathname === '/index.html') {
      if (policy.kind === 'loopback' && !tokenOk(req, url)) {
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
      res.end(req.method === 'HEAD' ? undefined : injectNonce(indexHtml(), nonce));
      return;
    }
    if (!tokenOk(req, url)) return deny(403, 'forbidden');
    let file: string;
    try {
      file = path.normalize(path.join(opts.rendererDir, decodeURIComponent(url.pathname)));
    } catch {
      return deny(400, 'bad path');
    }
    if (!file.startsWith(opts.rendererDir + path.sep)) return deny(404, 'not found');
    fs.readFile(file, (err, data) => {
      if (err) return deny(404, 'not found');
      res.writeHead(200, { ...headers, 'content-type': contentType(file) });
      res.end(req.method === 'HEAD' ? undefined : data);
    });
  };

  /** `POST /api/call`: logon, first start and logoff, which set or clear the session cookie. */
  async function handleCall(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    headers: Record<string, string>,
    deny: (status: number, text: string) => void,
  ) {
    if (req.method !== 'POST') return deny(405, 'method not allowed');
    const origin = req.headers.origin;
    if (origin !== undefined && !originAllowed(policy, port, origin)) return deny(403, 'wrong origin');
    if (!tokenOk(req, url)) return deny(403, 'forbidden');
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
      const parsed = BridgeCall.safeParse(JSON.parse(body));
      if (!parsed.success) return deny(400, 'the body is not a call');
      call = parsed.data;
    } catch {
      return deny(400, 'the body is not JSON');
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
      if (previous) store.end(previous.id, 'you logged off');
      reply['set-cookie'] = sessionCookie(policy, null);
      res.writeHead(200, reply);
      return res.end(answerText(call, result));
    }
    if (call.channel === 'auth:setup-admin' && network && !isLoopback(clientAddress)) {
      // Whoever reached a fresh service first would own it: first start is for the server's own console.
      const refused = fail(
        'refused',
        'set the administrator password on the server itself: mdsync users passwd admin --password-stdin',
      );
      res.writeHead(200, reply);
      return res.end(answerText(call, refused));
    }
    // A logon always starts a fresh session with a new id: a planted id is never promoted.
    const fresh: Session = { user: null };
    const ctx = { session: fresh, emit, clientAddress };
    const result = await dispatch(opts.handlers, call.channel, call.input, ctx, logger);
    if (fresh.user) {
      if (previous) store.end(previous.id, 'you logged on again');
      // The services follow the session itself, not only its sockets: deleting the user or taking
      // away its logon privilege ends it even while no page of it is open.
      const release = opts.onSession?.(fresh, () => {});
      reply['set-cookie'] = sessionCookie(policy, store.create(fresh, clientAddress, release).id);
    }
    res.writeHead(200, reply);
    res.end(answerText(call, result));
  }

  const server: http.Server = network
    ? https.createServer({ cert: policy.cert, key: policy.key, minVersion: 'TLSv1.2' }, handler)
    : http.createServer(handler);
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;

  // At most so many connections per client address, whatever they carry.
  const maxPerAddress = policy.maxConnectionsPerAddress ?? DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
  const perAddress = new Map<string, number>();
  server.on('connection', (socket: net.Socket) => {
    const address = proxiedAddress(socket) ?? socket.remoteAddress ?? 'unknown';
    const n = (perAddress.get(address) ?? 0) + 1;
    if (n > maxPerAddress) {
      socket.destroy();
      return;
    }
    perAddress.set(address, n);
    socket.once('close', () => {
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left <= 0) perAddress.delete(address);
      else perAddress.set(address, left);
    });
  });
  // A plain-HTTP request (or a scanner) on the TLS port: the handshake fails, nothing is served.
  server.on('tlsClientError', (_err: Error, socket: net.Socket) => socket.destroy());

  const wss: WebSocketServer = attachBridge(server, {
    policy,
    port: () => port,
    store,
    handlers: opts.handlers,
    logger,
    maxMessageBytes: policy.maxMessageBytes ?? (network ? NETWORK_MAX_MESSAGE_BYTES : LOOPBACK_MAX_MESSAGE_BYTES),
    onSession: opts.onSession,
    loadSession: shared ? (id) => shared.load(id) : undefined,
  });

  // Behind trusted proxies, a TCP listener in front takes the PROXY header off each connection.
  const listener: net.Server = opts.proxyFrom
    ? proxyFront(server, opts.proxyFrom, (m) => logger.log('warn', m))
    : server;
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(opts.port, opts.host, () => {
      listener.off('error', reject);
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

function isLoopback(address: string): boolean {
  return address === '::1' || address.startsWith('127.');
}

/** Reads a request body up to `limit` bytes; null when it is larger. */
function readBody(req: http.IncomingMessage, limit: number): Promise<string | null> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) return Promise.resolve(null);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', () => {
      if (!done) resolve(null);
    });
  });
}
