/**
 * A TCP proxy on 127.0.0.1 that forwards SMB frames between a client and a real server and can
 * misbehave on the server's Nth frame: alter one byte, go silent, or cut the connection.
 *
 * For integration tests of what the client does when the network tampers with, stalls or
 * interrupts signed and encrypted traffic. Frames are the 4-byte length-prefixed SMB messages.
 */
import net from 'node:net';

/** What happens to the first server frame `when` picks (index 0: the NEGOTIATE response). */
export interface ProxyFault {
  readonly when: (index: number, frame: Buffer) => boolean;
  readonly action: 'flip' | 'silence' | 'cut';
  /** Only the first this many connections misbehave; default all. */
  readonly connections?: number;
}

/** A running proxy. */
export interface FrameProxy {
  readonly port: number;
  /** Connections accepted so far. */
  readonly connections: () => number;
  stop(): Promise<void>;
}

/** Starts a proxy to 127.0.0.1:`target`, applying `fault` on every connection. */
export async function startFrameProxy(target: number, fault: ProxyFault): Promise<FrameProxy> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const server = net.createServer((client) => {
    accepted++;
    const upstream = net.connect(target, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    let pending = Buffer.alloc(0);
    let index = 0;
    let armed = accepted <= (fault.connections ?? Infinity);
    let silent = false;
    upstream.on('data', (chunk: Buffer) => {
      if (silent) return;
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readUInt32BE(0)) {
        const size = 4 + pending.readUInt32BE(0);
        const frame = Buffer.from(pending.subarray(0, size));
        pending = pending.subarray(size);
        if (armed && fault.when(index++, frame)) {
          armed = false;
          if (fault.action === 'silence') {
            silent = true;
            return;
          }
          if (fault.action === 'cut') {
            client.destroy();
            return;
          }
          frame[frame.length - 1] = (frame[frame.length - 1] ?? 0) ^ 0x01;
        }
        client.write(frame);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    connections: () => accepted,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
