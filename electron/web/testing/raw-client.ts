/**
 * Raw clients for attacking the web server in tests: bytes over TLS (or plain TCP for browser
 * mode) exactly as given, and WebSocket frames built by hand after a real handshake, so malformed
 * requests and frames no well-behaved library would send reach the server.
 */
import crypto from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';

/** How to reach a server: a fresh connection each time. */
export interface Target {
  readonly port: number;
  /** `https://127.0.0.1:PORT` or `http://127.0.0.1:PORT`. */
  readonly origin: string;
  /** Browser mode's token (its query string), or null. */
  readonly token: string | null;
  connect(): net.Socket;
}

/** A TLS target trusting the given options (the service's pinned certificate). */
export function tlsTarget(port: number, options: tls.ConnectionOptions): Target {
  return {
    port,
    origin: `https://127.0.0.1:${port}`,
    token: null,
    connect: () => tls.connect({ host: '127.0.0.1', port, ...options }),
  };
}

/** A plain TCP target (browser mode), with its token. */
export function tcpTarget(port: number, token: string): Target {
  return { port, origin: `http://127.0.0.1:${port}`, token, connect: () => net.connect({ host: '127.0.0.1', port }) };
}

/** What came back: the first bytes (up to 64 KB), and whether the server closed the connection. */
export interface RawAnswer {
  readonly text: string;
  readonly closed: boolean;
  /** The status of the first response line, or null. */
  readonly status: number | null;
}

function answer(chunks: Buffer[], closed: boolean): RawAnswer {
  const text = Buffer.concat(chunks).toString('latin1');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  return { text, closed, status: m ? Number(m[1]) : null };
}

/** Sends bytes and collects the answer until the server closes or `waitMs` passes. */
export function sendRaw(
  target: Target,
  bytes: Buffer | string | (Buffer | string)[],
  waitMs = 1000,
): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = target.connect();
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const done = (closed: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(answer(chunks, closed));
    };
    const timer = setTimeout(() => done(false), waitMs);
    socket.on('data', (c: Buffer) => {
      if (size < 65536) chunks.push(c);
      size += c.length;
    });
    socket.on('error', () => done(true));
    socket.on('close', () => done(true));
    socket.once(target.origin.startsWith('https') ? 'secureConnect' : 'connect', () => {
      for (const part of Array.isArray(bytes) ? bytes : [bytes]) socket.write(part);
    });
  });
}

/** One WebSocket frame as a client sends it (masked unless told otherwise). */
export function frame(
  opcode: number,
  payload: Buffer | string,
  opts: { fin?: boolean; mask?: boolean; rsv?: number; declaredLength?: number } = {},
): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const length = opts.declaredLength ?? data.length;
  const mask = opts.mask ?? true;
  const head: number[] = [((opts.fin ?? true) ? 0x80 : 0) | ((opts.rsv ?? 0) << 4) | (opcode & 0x0f)];
  const maskBit = mask ? 0x80 : 0;
  if (length < 126) head.push(maskBit | length);
  else if (length < 65536) head.push(maskBit | 126, length >> 8, length & 0xff);
  else {
    head.push(maskBit | 127);
    const big = Buffer.alloc(8);
    big.writeBigUInt64BE(BigInt(length));
    head.push(...big);
  }
  if (!mask) return Buffer.concat([Buffer.from(head), data]);
  const key = crypto.randomBytes(4);
  const masked = Buffer.from(data.map((b, i) => b ^ key[i % 4]!));
  return Buffer.concat([Buffer.from(head), key, masked]);
}

/** The opening handshake of the bridge from the server's own page (anonymous: no cookie). */
export function upgradeRequest(target: Target, extra = ''): string {
  const query = target.token ? `?token=${target.token}` : '';
  return (
    `GET /api${query} HTTP/1.1\r\nHost: 127.0.0.1:${target.port}\r\nOrigin: ${target.origin}\r\n` +
    `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n` +
    `Sec-WebSocket-Key: ${crypto.randomBytes(16).toString('base64')}\r\n${extra}\r\n`
  );
}

/** Opens the bridge, sends the frames, and collects what comes back until it closes or `waitMs`. */
export function sendFrames(target: Target, frames: Buffer[], waitMs = 1500): Promise<RawAnswer> {
  return sendRaw(target, [upgradeRequest(target), ...frames], waitMs);
}
