/**
 * Tests' browser mode: the built renderer on 127.0.0.1, with `window.api` carried over a WebSocket
 * (the product starts it through serve.ts; the tests start the bare web server here).
 *
 * The one web server (../http-server.ts) with the loopback policy: a random token in the printed URL
 * guards the page, the assets, the calls and every WebSocket connection; the Host and Origin
 * headers must name this server, so another site in the same browser can neither read the page
 * nor open the socket.
 */
import crypto from 'node:crypto';
import type { Logger } from '../../core/logger';
import type { Handlers } from '../../api/registry';
import { startServer, type RunningServer, type ServerOptions } from '../http-server';

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
  readonly onSession?: ServerOptions['onSession'];
}

/** A running browser-mode server. */
export type WebServer = RunningServer;

/** Starts browser mode on 127.0.0.1. */
export function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const token = opts.token ?? crypto.randomBytes(24).toString('base64url');
  return startServer({
    rendererDir: opts.rendererDir,
    handlers: opts.handlers,
    logger: opts.logger,
    host: '127.0.0.1',
    port: opts.port,
    policy: { kind: 'loopback', token },
    onSession: opts.onSession,
  });
}
