/**
 * The PROXY protocol (HAProxy's, versions 1 and 2) in front of the service's TLS: behind a load
 * balancer in TCP mode, the client's address comes from the header the balancer writes before
 * anything else on the connection, never from a header a client could set.
 *
 * Only connections from the trusted proxies (`--proxy-protocol-from`) are read for a header; a
 * connection from anywhere else is served as it is, so nobody can claim an address by sending one
 * (their TLS handshake then simply fails). From a trusted proxy a header is optional: a connection
 * that starts with a TLS record (the balancer's own health check) is served as it is too.
 * Spec: https://www.haproxy.org/download/2.9/doc/proxy-protocol.txt
 */
import net from 'node:net';

/** Version 2's fixed signature. */
const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
const V1_PREFIX = Buffer.from('PROXY ', 'latin1');
/** Version 1's longest line, CR LF included. */
const V1_MAX = 107;
/** A version 2 header's largest address block this side accepts (TLVs included). */
const V2_MAX_BODY = 2048;
/** How long a trusted proxy has to send its header. */
const HEADER_TIMEOUT_MS = 10_000;

/** What the start of a connection holds. */
export type ProxyHeader =
  /** More bytes are needed to decide. */
  | { readonly kind: 'incomplete' }
  /** No PROXY header: the bytes are the client's own (TLS). */
  | { readonly kind: 'none' }
  | { readonly kind: 'invalid'; readonly reason: string }
  /** A header of `length` bytes; `source` null for LOCAL or UNKNOWN (the proxy's own connection). */
  | { readonly kind: 'header'; readonly length: number; readonly source: { address: string; port: number } | null };

function startsLike(data: Buffer, prefix: Buffer): boolean {
  const n = Math.min(data.length, prefix.length);
  return data.subarray(0, n).equals(prefix.subarray(0, n));
}

/** Reads a PROXY header (either version) at the start of `data`. */
export function parseProxyHeader(data: Buffer): ProxyHeader {
  if (data.length === 0) return { kind: 'incomplete' };
  if (startsLike(data, V2_SIGNATURE)) return data.length < 16 ? { kind: 'incomplete' } : parseV2(data);
  if (startsLike(data, V1_PREFIX)) return data.length < V1_PREFIX.length ? { kind: 'incomplete' } : parseV1(data);
  return { kind: 'none' };
}

function parseV1(data: Buffer): ProxyHeader {
  const end = data.subarray(0, V1_MAX).indexOf('\r\n');
  if (end < 0) {
    return data.length >= V1_MAX
      ? { kind: 'invalid', reason: 'a version 1 header without CR LF' }
      : { kind: 'incomplete' };
  }
  const line = data.subarray(0, end).toString('latin1');
  const parts = line.split(' ');
  const length = end + 2;
  if (parts[1] === 'UNKNOWN') return { kind: 'header', length, source: null };
  if (parts.length !== 6 || (parts[1] !== 'TCP4' && parts[1] !== 'TCP6')) {
    return { kind: 'invalid', reason: 'a malformed version 1 header' };
  }
  const [, proto, src, dst, sport, dport] = parts as [string, string, string, string, string, string];
  const family = proto === 'TCP4' ? 4 : 6;
  const port = (p: string) => (/^(0|[1-9]\d{0,4})$/.test(p) && Number(p) <= 65535 ? Number(p) : NaN);
  if (net.isIP(src) !== family || net.isIP(dst) !== family || Number.isNaN(port(sport)) || Number.isNaN(port(dport))) {
    return { kind: 'invalid', reason: 'a version 1 header with a bad address or port' };
  }
  return { kind: 'header', length, source: { address: src, port: port(sport) } };
}

function parseV2(data: Buffer): ProxyHeader {
  const verCmd = data[12]!;
  const family = data[13]!;
  const bodyLength = data.readUInt16BE(14);
  if (verCmd >> 4 !== 2) return { kind: 'invalid', reason: 'a version 2 header of another version' };
  const command = verCmd & 0x0f;
  if (command > 1) return { kind: 'invalid', reason: 'a version 2 header with an unknown command' };
  if (bodyLength > V2_MAX_BODY) return { kind: 'invalid', reason: 'a version 2 header too long' };
  if (data.length < 16 + bodyLength) return { kind: 'incomplete' };
  const length = 16 + bodyLength;
  const body = data.subarray(16, length);
  // LOCAL: the proxy speaks for itself (its health checks); the connection's own address stands.
  if (command === 0) return { kind: 'header', length, source: null };
  const transport = family & 0x0f;
  const addressFamily = family >> 4;
  if (addressFamily === 0 || transport !== 1) return { kind: 'header', length, source: null }; // UNSPEC, or not TCP
  if (addressFamily === 1) {
    if (body.length < 12) return { kind: 'invalid', reason: 'a version 2 IPv4 header too short' };
    return {
      kind: 'header',
      length,
      source: { address: [...body.subarray(0, 4)].join('.'), port: body.readUInt16BE(8) },
    };
  }
  if (addressFamily === 2) {
    if (body.length < 36) return { kind: 'invalid', reason: 'a version 2 IPv6 header too short' };
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(body.readUInt16BE(i).toString(16));
    const address = new URL(`http://[${groups.join(':')}]/`).hostname.slice(1, -1);
    return { kind: 'header', length, source: { address, port: body.readUInt16BE(32) } };
  }
  return { kind: 'header', length, source: null }; // AF_UNIX: no address to take
}

/** Client addresses told by PROXY headers, by the proxy connection's `address:port` (unique while it is open). */
const told = new Map<string, string>();

const keyOf = (socket: { remoteAddress?: string; remotePort?: number }) =>
  `${socket.remoteAddress ?? ''}|${socket.remotePort ?? ''}`;

/** The client address a trusted proxy told for this connection (or its TLS socket), if any. */
export function proxiedAddress(socket: { remoteAddress?: string; remotePort?: number }): string | undefined {
  return told.size === 0 ? undefined : told.get(keyOf(socket));
}

/**
 * A TCP listener in front of `server`: connections from `trusted` addresses may start with a
 * PROXY header, which is taken off and remembered; every connection is then handed to `server`
 * as if it had accepted it. `onProblem` hears of a bad header (the connection is closed).
 */
export function proxyFront(server: net.Server, trusted: net.BlockList, onProblem: (m: string) => void): net.Server {
  return net.createServer((socket) => {
    const peer = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    const family = net.isIP(peer);
    if (family === 0 || !trusted.check(peer, family === 6 ? 'ipv6' : 'ipv4')) {
      server.emit('connection', socket);
      return;
    }
    let buffered = Buffer.alloc(0);
    const timer = setTimeout(() => socket.destroy(), HEADER_TIMEOUT_MS);
    timer.unref();
    const onError = () => socket.destroy();
    const onReadable = () => {
      for (let chunk = socket.read() as Buffer | null; chunk; chunk = socket.read() as Buffer | null) {
        buffered = Buffer.concat([buffered, chunk]);
      }
      const header = parseProxyHeader(buffered);
      if (header.kind === 'incomplete') return;
      socket.off('readable', onReadable);
      socket.off('error', onError);
      clearTimeout(timer);
      if (header.kind === 'invalid') {
        onProblem(`a PROXY header from ${peer} was refused: ${header.reason}`);
        socket.destroy();
        return;
      }
      const rest = header.kind === 'header' ? buffered.subarray(header.length) : buffered;
      if (header.kind === 'header' && header.source) {
        const key = keyOf(socket);
        told.set(key, header.source.address.replace(/^::ffff:/, ''));
        socket.once('close', () => told.delete(key));
      }
      if (rest.length > 0) socket.unshift(rest);
      server.emit('connection', socket);
    };
    socket.on('readable', onReadable);
    socket.on('error', onError);
  });
}
