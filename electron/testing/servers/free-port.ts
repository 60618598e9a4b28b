/**
 * Free TCP ports on 127.0.0.1 for the test servers (Samba, Dovecot, silent servers).
 *
 * Plain Node, no test framework: used by Vitest integration tests and Playwright fixtures alike.
 */
import net from 'node:net';

/**
 * A TCP port on 127.0.0.1 that nothing listens on right now.
 *
 * The kernel picks it (listen on port 0), so parallel test workers do not collide the way
 * fixed port numbers would. There is a short window between closing our probe and the server
 * binding the port; callers that start a server should retry with another port if it loses that race.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => (port > 0 ? resolve(port) : reject(new Error('could not determine a free port'))));
    });
  });
}

/** Whether something accepts TCP connections on 127.0.0.1:port (one attempt, bounded by timeoutMs). */
export function isPortOpen(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
