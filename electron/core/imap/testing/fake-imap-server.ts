/**
 * A tiny scripted IMAP server on 127.0.0.1 for tests that need a server Dovecot cannot play.
 *
 * It advertises exactly the capabilities it is given (for instance no STARTTLS), records every
 * line the client sends, and refuses every command but CAPABILITY, NOOP, ID and LOGOUT, so a
 * test can assert what a client did or did not send (no LOGIN over an unprotected connection).
 */
import net from 'node:net';

/** A running fake server. */
export interface FakeImapServer {
  readonly port: number;
  /** Every line received so far, in order, over all connections. */
  readonly received: string[];
  stop(): Promise<void>;
}

/** Starts a fake IMAP server advertising `capabilities` (e.g. `IMAP4rev1 AUTH=PLAIN`). */
export async function startFakeImapServer(capabilities: string): Promise<FakeImapServer> {
  const received: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.write(`* OK [CAPABILITY ${capabilities}] fake server ready\r\n`);
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let end: number;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        received.push(line);
        const [tag = '*', command = ''] = line.split(' ');
        switch (command.toUpperCase()) {
          case 'CAPABILITY':
            socket.write(`* CAPABILITY ${capabilities}\r\n${tag} OK done\r\n`);
            break;
          case 'NOOP':
          case 'ID':
            socket.write(`${tag} OK done\r\n`);
            break;
          case 'LOGOUT':
            socket.end(`* BYE bye\r\n${tag} OK done\r\n`);
            break;
          default:
            socket.write(`${tag} NO not here\r\n`);
        }
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('fake IMAP server has no port');
  return {
    port: address.port,
    received,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
