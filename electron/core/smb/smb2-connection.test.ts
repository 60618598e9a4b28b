/**
 * Unit tests of the SMB2 transport against a scripted fake server on 127.0.0.1.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Smb2Connection } from './smb2-connection';
import { signMessage } from './smb2-crypto';
import { parseHeader, request } from './smb2-messages';

const servers: net.Server[] = [];
const accepted = new Set<net.Socket>();
afterEach(async () => {
  for (const s of accepted) s.destroy();
  accepted.clear();
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

/** A response frame to `messageId` with `status`, `flags` and credits granted. */
function frame(messageId: bigint, o: { status?: number; flags?: number; credits?: number; key?: Buffer } = {}): Buffer {
  const m = request(
    { command: 8, messageId, sessionId: 7n, treeId: 1, creditCharge: 1, credits: o.credits ?? 10 },
    Buffer.from([9, 0, 0, 0, 0, 0, 0, 0]),
  );
  m.writeUInt32LE(o.status ?? 0, 8);
  m.writeUInt32LE(1 | (o.flags ?? 0), 16);
  if (o.key) signMessage(0x0311, o.key, m);
  const f = Buffer.alloc(4 + m.length);
  f.writeUInt32BE(m.length, 0);
  m.copy(f, 4);
  return f;
}

/** A server that answers each request frame with `reply(messageId)`'s bytes, written in `chunk`-byte pieces. */
async function fakeServer(reply: (messageId: bigint) => Buffer, chunk = Infinity): Promise<number> {
  const server = net.createServer((s) => {
    accepted.add(s);
    let buf = Buffer.alloc(0);
    s.on('error', () => undefined);
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
        const msg = buf.subarray(4, 4 + buf.readUInt32BE(0));
        buf = buf.subarray(4 + msg.length);
        const out = reply(parseHeader(msg)?.messageId ?? -1n);
        for (let i = 0; i < out.length; i += chunk) s.write(out.subarray(i, i + chunk));
      }
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as net.AddressInfo).port;
}

async function connect(port: number): Promise<Smb2Connection> {
  const c = new Smb2Connection();
  await c.open('127.0.0.1', port);
  return c;
}

describe('Smb2Connection', () => {
  it('reassembles frames split into single bytes, and counts granted credits', async () => {
    const c = await connect(await fakeServer((id) => frame(id, { credits: 5 }), 1));
    const r = await c.send(8, Buffer.alloc(4));
    expect(r.header.messageId).toBe(0n);
    expect(c.available).toBe(1 - 1 + 5);
    const r2 = await c.send(8, Buffer.alloc(4), { charge: 3 });
    expect(r2.header.messageId).toBe(1n);
    expect(c.available).toBe(5 - 3 + 5);
    expect((await c.send(8, Buffer.alloc(4))).header.messageId).toBe(4n);
    c.destroy();
  });

  it('waits past an interim STATUS_PENDING answer for the final one', async () => {
    const port = await fakeServer((id) =>
      Buffer.concat([frame(id, { status: 0x103, flags: 0x2, credits: 0 }), frame(id, { status: 0xc0000011 })]),
    );
    const c = await connect(port);
    const r = await c.send(8, Buffer.alloc(4));
    expect(r.header.status).toBe(0xc0000011);
    c.destroy();
  });

  it('refuses an unsigned or wrongly signed answer on a signing session, and accepts a signed one', async () => {
    const key = Buffer.alloc(16, 1);
    const replies = [
      (id: bigint) => frame(id, { key }),
      (id: bigint) => frame(id),
      (id: bigint) => frame(id, { key: Buffer.alloc(16, 2) }),
    ];
    for (const [n, reply] of replies.entries()) {
      const c = await connect(await fakeServer(reply));
      Object.assign(c.security, { dialect: 0x0311, sessionId: 7n, signing: true, keys: { signing: key } });
      const result = c.send(8, Buffer.alloc(4));
      if (n === 0) expect((await result).header.status).toBe(0);
      else await expect(result).rejects.toMatchObject({ code: 'SMB_BAD_SIGNATURE', dialect: '3.1.1' });
      c.destroy();
    }
  });

  it('says an SMB 1 answer means no common dialect', async () => {
    const smb1 = Buffer.concat([Buffer.from([0, 0, 0, 40, 0xff, 0x53, 0x4d, 0x42]), Buffer.alloc(36)]);
    const c = await connect(await fakeServer(() => smb1));
    await expect(c.send(0, Buffer.alloc(4))).rejects.toMatchObject({ code: 'SMB_DIALECT' });
    c.destroy();
  });

  it('fails pending and later calls when the server hangs up', async () => {
    const server = net.createServer((s) => {
      accepted.add(s);
      s.end();
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const c = await connect((server.address() as net.AddressInfo).port);
    await expect(c.send(0, Buffer.alloc(4))).rejects.toMatchObject({ code: 'SMB_CLOSED' });
    await expect(c.send(0, Buffer.alloc(4))).rejects.toMatchObject({ code: 'SMB_CLOSED' });
    c.destroy();
  });
});
