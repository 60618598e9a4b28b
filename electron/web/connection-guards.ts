/**
 * Bounds on the connections of the web server: all clients together, per client (an IPv6 client
 * by its /64), and what happens to a connection that cannot even be parsed (one line and a 4xx,
 * never an unhandled 'error'). Also the bounded reading of a request body.
 */
import type http from 'node:http';
import type net from 'node:net';
import { clientKey } from '../core/auth/client-key';
import type { LogLevel } from '../core/logger';
import { printable } from './limits';
import { proxiedAddress } from './proxy-protocol';

/** The bounds and where their lines go. */
export interface ConnectionBounds {
  readonly maxConnections: number;
  readonly maxPerAddress: number;
  readonly log: (level: LogLevel, message: string) => void;
}

/** Applies the bounds to a server (HTTP or HTTPS) before it listens. */
export function guardConnections(server: http.Server, opts: ConnectionBounds): void {
  const { log } = opts;
  // All connections together, beside the bound per client.
  server.maxConnections = opts.maxConnections;
  server.on('drop', (data?: { remoteAddress?: string }) =>
    log('warn', `connection from ${data?.remoteAddress ?? 'unknown'} refused: ${server.maxConnections} open`),
  );

  // At most so many connections per client (an IPv6 client by its /64), whatever they carry.
  const maxPerAddress = opts.maxPerAddress;
  const perAddress = new Map<string, number>();
  server.on('connection', (socket: net.Socket) => {
    socket.on('error', () => {}); // the server reports what matters; a reset is no reason to stop
    // Behind a trusted proxy, the client the PROXY header named (proxy-protocol.ts).
    const address = clientKey(proxiedAddress(socket) ?? socket.remoteAddress ?? 'unknown');
    const n = (perAddress.get(address) ?? 0) + 1;
    if (n > maxPerAddress) {
      log('warn', `connection from ${address} refused: ${maxPerAddress} open from there`);
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
  // What cannot even be parsed as HTTP: one line and a 4xx where the socket can still take one.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: net.Socket) => {
    const code = err.code ?? 'error';
    if (code !== 'ECONNRESET' && code !== 'EPIPE') {
      log('warn', `bad request from ${socket.remoteAddress ?? 'unknown'}: ${printable(code)}`);
    }
    const status =
      code === 'HPE_HEADER_OVERFLOW'
        ? '431 Request Header Fields Too Large'
        : code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? '408 Request Timeout'
          : '400 Bad Request';
    if (socket.writable && !socket.destroyed && code !== 'ECONNRESET') {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    }
    socket.destroy();
  });
  // CONNECT (a proxy's method, no route here): one line and a 405, the connection closed.
  server.on('connect', (req: http.IncomingMessage, socket: net.Socket) => {
    const address = proxiedAddress(socket) ?? socket.remoteAddress ?? 'unknown';
    log('warn', `405 for ${address}: ${printable(`CONNECT ${req.url ?? ''}`)}: method not allowed`);
    socket.end('HTTP/1.1 405 Method Not Allowed\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  // A plain-HTTP request (or a scanner, or a client offering only refused suites) on the TLS port:
  // the handshake fails, nothing is served.
  server.on('tlsClientError', (err: NodeJS.ErrnoException, socket: net.Socket) => {
    log(
      'info',
      `TLS handshake from ${socket.remoteAddress ?? 'unknown'} failed: ${printable(err.code ?? err.message)}`,
    );
    socket.destroy();
  });
}

/** Reads a request body up to `limit` bytes; null when it is larger. */
export function readBody(req: http.IncomingMessage, limit: number): Promise<string | null> {
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
