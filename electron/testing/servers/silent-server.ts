/**
 * A TCP server on 127.0.0.1 that accepts connections and never says a word.
 *
 * Stands in for a hung or half-open mail server in timeout tests: the TCP handshake succeeds,
 * then nothing, neither an IMAP greeting nor a TLS ServerHello.
 */
import net from 'node:net';

/** A running silent server. */
export interface SilentServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** Connections accepted so far. */
  readonly accepted: () => number;
  /** Closes the listener and every accepted socket. */
  stop(): Promise<void>;
}

/** Starts a silent server on a free port of 127.0.0.1. */
export async function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('silent server has no port');
  return {
    host: '127.0.0.1',
    port: address.port,
    accepted: () => accepted,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
