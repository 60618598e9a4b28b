/**
 * Browser mode: the built renderer on 127.0.0.1, with `window.api` carried over a WebSocket.
 *
 * The same handler registry as the Electron app answers every call. A random token in the printed
 * URL guards the page and every WebSocket connection; the Host and Origin headers must name this
 * server, so another site in the same browser can neither read the page nor open the socket.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { BRIDGE_PATH, BridgeCall, CHANGE_LIST_CHANNELS, splitAnswer } from '../../shared/bridge-protocol';
import type { Result } from '../../shared/result';
import type { EventName, EventPayload } from '../../shared/contract';
import type { Logger } from '../core/logger';
import { dispatch, type Handlers, type Session } from '../ipc/registry';
import { contentType } from './content-types';
import { buildCsp, injectNonce } from './csp';

/** What browser mode needs to run. */
export interface WebServerOptions {
  readonly rendererDir: string;
  readonly handlers: Handlers;
  readonly logger: Logger;
  /** 0 picks a free port. */
  readonly port: number;
  /** Fixed token for tests; random otherwise. */
  readonly token?: string;
  /** Called with each new connection's session, so the app can end sessions (log off on close). */
  readonly onSession?: (session: Session, emit: <E extends EventName>(e: E, p: EventPayload<E>) => void) => () => void;
}

/** A running browser-mode server. */
export interface WebServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const COOKIE = 'mdsync_token';

function sameToken(a: string | null | undefined, b: string): boolean {
  if (!a) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

function cookieToken(req: http.IncomingMessage): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, v] = part.trim().split('=');
    if (k === COOKIE && v) return v;
  }
  return null;
}

/** One answer as wire text; a long change list is packed beside it (see bridge-protocol). */
function answerText(call: BridgeCall, result: Result<unknown>): string {
  if (!result.ok || !CHANGE_LIST_CHANNELS.has(call.channel)) return JSON.stringify({ id: call.id, result });
  const { value, packedChanges } = splitAnswer(result.value);
  return JSON.stringify({ id: call.id, result: { ok: true, value }, packedChanges });
}

/** Starts browser mode on 127.0.0.1. */
export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const token = opts.token ?? crypto.randomBytes(24).toString('base64url');
  let port = opts.port;
  const hostOk = (host: string | undefined) => host === `127.0.0.1:${port}` || host === `localhost:${port}`;
  const originOk = (origin: string | undefined) =>
    origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
  const indexHtml = () => fs.readFileSync(path.join(opts.rendererDir, 'index.html'), 'utf8');

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const deny = (status: number, text: string) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`${text}\n`);
    };
    if (!hostOk(req.headers.host)) return deny(421, 'wrong host');
    if (req.method !== 'GET' && req.method !== 'HEAD') return deny(405, 'method not allowed');
    const common = {
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
    };
    if (url.pathname === '/' || url.pathname === '/index.html') {
      if (!sameToken(url.searchParams.get('token'), token) && !sameToken(cookieToken(req), token)) {
        return deny(403, 'open the URL that `npm run web` printed (it carries the access token)');
      }
      const nonce = crypto.randomBytes(16).toString('base64');
      res.writeHead(200, {
        ...common,
        'content-type': contentType('index.html'),
        'content-security-policy': buildCsp(nonce, `ws://${req.headers.host}`),
        'set-cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
      });
      res.end(injectNonce(indexHtml(), nonce));
      return;
    }
    if (!sameToken(cookieToken(req), token)) return deny(403, 'forbidden');
    const file = path.normalize(path.join(opts.rendererDir, decodeURIComponent(url.pathname)));
    if (!file.startsWith(opts.rendererDir + path.sep)) return deny(404, 'not found');
    fs.readFile(file, (err, data) => {
      if (err) return deny(404, 'not found');
      res.writeHead(200, { ...common, 'content-type': contentType(file) });
      res.end(req.method === 'HEAD' ? undefined : data);
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 8 * 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (
      url.pathname !== BRIDGE_PATH ||
      !hostOk(req.headers.host) ||
      !originOk(req.headers.origin) ||
      !sameToken(url.searchParams.get('token'), token)
    ) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveConnection(ws));
  });

  function serveConnection(ws: WebSocket) {
    const session: Session = { user: null };
    const emit = <E extends EventName>(event: E, payload: EventPayload<E>) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event, payload }));
    };
    const release = opts.onSession?.(session, emit);
    ws.on('message', (data) => {
      let call: BridgeCall;
      try {
        const parsed = BridgeCall.safeParse(JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : ''));
        if (!parsed.success) return;
        call = parsed.data;
      } catch {
        return;
      }
      void dispatch(opts.handlers, call.channel, call.input, { session, emit }, opts.logger).then((result) => {
        if (ws.readyState === ws.OPEN) ws.send(answerText(call, result));
      });
    });
    ws.on('close', () => {
      session.user = null;
      release?.();
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
