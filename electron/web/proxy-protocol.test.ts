import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProxyHeader, proxiedAddress, proxyFront } from './proxy-protocol';
import { createSelfSigned } from './tls';
import { clientAddressOf } from './ws-bridge';

const SIG = Buffer.from('0d0a0d0a000d0a515549540a', 'hex');

function v2(command: number, family: number, body: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head[0] = 0x20 | command;
  head[1] = family;
  head.writeUInt16BE(body.length, 2);
  return Buffer.concat([SIG, head, body]);
}

function v2Tcp4(src: string, sport: number): Buffer {
  const body = Buffer.alloc(12);
  src.split('.').forEach((o, i) => (body[i] = Number(o)));
  [10, 0, 0, 1].forEach((o, i) => (body[4 + i] = o));
  body.writeUInt16BE(sport, 8);
  body.writeUInt16BE(443, 10);
  return v2(1, 0x11, body);
}

describe('PROXY header parsing', () => {
  it('reads version 1 lines for TCP4, TCP6 and UNKNOWN', () => {
    const text = Buffer.from('PROXY TCP4 192.0.2.7 10.0.0.1 56324 443\r\n\x16\x03');
    expect(parseProxyHeader(text)).toEqual({
      kind: 'header',
      length: text.length - 2,
      source: { address: '192.0.2.7', port: 56324 },
    });
    expect(parseProxyHeader(Buffer.from('PROXY TCP6 2001:db8::7 2001:db8::1 4000 443\r\n'))).toMatchObject({
      source: { address: '2001:db8::7', port: 4000 },
    });
    expect(parseProxyHeader(Buffer.from('PROXY UNKNOWN\r\n'))).toEqual({ kind: 'header', length: 15, source: null });
  });

  it('waits for more bytes while a header may still be coming', () => {
    for (const part of ['P', 'PROXY', 'PROXY TCP4 192.0.2.7 10.0.0.1 5', '\r\n\r\n\0\r\nQUIT']) {
      expect(parseProxyHeader(Buffer.from(part, 'latin1'))).toEqual({ kind: 'incomplete' });
    }
    expect(parseProxyHeader(v2Tcp4('192.0.2.9', 1).subarray(0, 20))).toEqual({ kind: 'incomplete' });
  });

  it('refuses malformed version 1 headers', () => {
    for (const bad of [
      'PROXY TCP4 192.0.2.7 10.0.0.1 56324\r\n',
      'PROXY TCP4 2001:db8::7 10.0.0.1 1 2\r\n',
      'PROXY TCP4 192.0.2.7 10.0.0.1 65536 443\r\n',
      'PROXY TCP4 192.0.2.7 10.0.0.1 01 443\r\n',
      'PROXY UDP4 192.0.2.7 10.0.0.1 1 2\r\n',
      `PROXY TCP4 ${'1'.repeat(120)}`,
    ]) {
      expect(parseProxyHeader(Buffer.from(bad)).kind).toBe('invalid');
    }
  });

  it('reads version 2 headers: TCP over IPv4 and IPv6, LOCAL, with TLVs after the addresses', () => {
    expect(parseProxyHeader(Buffer.concat([v2Tcp4('198.51.100.4', 6000), Buffer.from([0x16])]))).toEqual({
      kind: 'header',
      length: 28,
      source: { address: '198.51.100.4', port: 6000 },
    });
    const six = Buffer.alloc(36 + 7);
    six.writeUInt16BE(0x2001, 0);
    six.writeUInt16BE(0x0db8, 2);
    six.writeUInt16BE(0x0007, 14);
    six.writeUInt16BE(7000, 32);
    expect(parseProxyHeader(v2(1, 0x21, six))).toEqual({
      kind: 'header',
      length: 16 + 43,
      source: { address: '2001:db8::7', port: 7000 },
    });
    expect(parseProxyHeader(v2(0, 0x00, Buffer.alloc(0)))).toEqual({ kind: 'header', length: 16, source: null });
  });

  it('refuses version 2 headers of another version, command, or too short for their family', () => {
    const wrongVersion = Buffer.from(v2Tcp4('192.0.2.1', 1));
    wrongVersion[12] = 0x11;
    expect(parseProxyHeader(wrongVersion).kind).toBe('invalid');
    expect(parseProxyHeader(v2(2, 0x11, Buffer.alloc(12))).kind).toBe('invalid');
    expect(parseProxyHeader(v2(1, 0x11, Buffer.alloc(8))).kind).toBe('invalid');
    expect(parseProxyHeader(v2(1, 0x21, Buffer.alloc(20))).kind).toBe('invalid');
  });

  it('tells a TLS connection without a header from one with', () => {
    expect(parseProxyHeader(Buffer.from([0x16, 0x03, 0x01]))).toEqual({ kind: 'none' });
  });
});

describe('the PROXY front of a TLS server', () => {
  const cert = createSelfSigned({ dns: ['localhost'], ips: ['127.0.0.1'] });
  let server: https.Server;
  let front: net.Server;
  let port: number;
  const problems: string[] = [];

  beforeAll(async () => {
    server = https.createServer({ cert: cert.cert, key: cert.key }, (req, res) => {
      res.end(`${clientAddressOf(req)} ${proxiedAddress(req.socket) ?? '-'}`);
    });
    const trusted = new net.BlockList();
    trusted.addAddress('127.0.0.1');
    front = proxyFront(server, trusted, (m) => problems.push(m));
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
    port = (front.address() as net.AddressInfo).port;
  });
  afterAll(() => {
    front.close();
    server.close();
  });

  /** One HTTPS request over a connection that first writes `header`. */
  function ask(header: Buffer | null, from = '127.0.0.1'): Promise<string> {
    return new Promise((resolve, reject) => {
      const raw = net.connect({ port, host: '127.0.0.1', localAddress: from }, () => {
        if (header) raw.write(header);
        const t = tls.connect({ socket: raw, rejectUnauthorized: false }, () => {
          t.write('GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
        });
        let text = '';
        t.on('data', (d: Buffer) => (text += d.toString()));
        t.on('end', () => resolve(text.split('\r\n\r\n')[1] ?? ''));
        t.on('error', reject);
      });
      raw.on('error', reject);
    });
  }

  it('takes the client address from a trusted proxy’s version 1 or 2 header', async () => {
    expect(await ask(Buffer.from('PROXY TCP4 192.0.2.7 10.0.0.1 56324 443\r\n'))).toBe('192.0.2.7 192.0.2.7');
    expect(await ask(v2Tcp4('198.51.100.4', 6000))).toBe('198.51.100.4 198.51.100.4');
  });

  it('serves a trusted proxy’s connection without a header (its health check) with its own address', async () => {
    expect(await ask(null)).toBe('127.0.0.1 -');
    expect(await ask(v2(0, 0, Buffer.alloc(0)))).toBe('127.0.0.1 -');
  });

  it('reads no header from an address that is not trusted: its claim fails the handshake', async () => {
    expect(await ask(null, '127.0.0.2')).toBe('127.0.0.2 -');
    // Nothing is answered: the connection fails or closes without a response.
    expect(await ask(Buffer.from('PROXY TCP4 192.0.2.7 10.0.0.1 56324 443\r\n'), '127.0.0.2').catch(() => '')).toBe('');
  });

  it('closes a connection whose header is malformed, saying so once', async () => {
    problems.length = 0;
    expect(await ask(Buffer.from('PROXY TCP4 nonsense\r\n')).catch(() => '')).toBe('');
    expect(problems).toEqual(['a PROXY header from 127.0.0.1 was refused: a malformed version 1 header']);
  });
});
