/**
 * MD4 (RFC 1320), needed only for the NT hash of NTLM.
 *
 * OpenSSL 3 (Node 17 and later) moved MD4 to its legacy provider, so `createHash('md4')` fails
 * on the Node versions the CLI supports; this small implementation has no such dependency.
 */

const rotl = (x: number, n: number) => (x << n) | (x >>> (32 - n));

/** The MD4 digest (16 bytes) of `data`. */
export function md4(data: Buffer): Buffer {
  const bitLen = data.length * 8;
  const padLen = ((data.length + 8) >> 6) * 64 + 64;
  const msg = Buffer.alloc(padLen);
  data.copy(msg);
  msg[data.length] = 0x80;
  msg.writeUInt32LE(bitLen >>> 0, padLen - 8);
  msg.writeUInt32LE(Math.floor(bitLen / 0x100000000), padLen - 4);

  let a = 0x67452301;
  let b = 0xefcdab89;
  let c = 0x98badcfe;
  let d = 0x10325476;
  const x = new Array<number>(16);
  const f = (p: number, q: number, r: number) => (p & q) | (~p & r);
  const g = (p: number, q: number, r: number) => (p & q) | (p & r) | (q & r);
  const h = (p: number, q: number, r: number) => p ^ q ^ r;
  for (let off = 0; off < padLen; off += 64) {
    for (let i = 0; i < 16; i++) x[i] = msg.readInt32LE(off + i * 4);
    const [aa, bb, cc, dd] = [a, b, c, d];
    const at = (i: number) => x[i] ?? 0;
    for (const i of [0, 4, 8, 12]) {
      a = rotl((a + f(b, c, d) + at(i)) | 0, 3);
      d = rotl((d + f(a, b, c) + at(i + 1)) | 0, 7);
      c = rotl((c + f(d, a, b) + at(i + 2)) | 0, 11);
      b = rotl((b + f(c, d, a) + at(i + 3)) | 0, 19);
    }
    for (const i of [0, 1, 2, 3]) {
      a = rotl((a + g(b, c, d) + at(i) + 0x5a827999) | 0, 3);
      d = rotl((d + g(a, b, c) + at(i + 4) + 0x5a827999) | 0, 5);
      c = rotl((c + g(d, a, b) + at(i + 8) + 0x5a827999) | 0, 9);
      b = rotl((b + g(c, d, a) + at(i + 12) + 0x5a827999) | 0, 13);
    }
    for (const i of [0, 2, 1, 3]) {
      a = rotl((a + h(b, c, d) + at(i) + 0x6ed9eba1) | 0, 3);
      d = rotl((d + h(a, b, c) + at(i + 8) + 0x6ed9eba1) | 0, 9);
      c = rotl((c + h(d, a, b) + at(i + 4) + 0x6ed9eba1) | 0, 11);
      b = rotl((b + h(c, d, a) + at(i + 12) + 0x6ed9eba1) | 0, 15);
    }
    a = (a + aa) | 0;
    b = (b + bb) | 0;
    c = (c + cc) | 0;
    d = (d + dd) | 0;
  }
  const out = Buffer.alloc(16);
  out.writeInt32LE(a, 0);
  out.writeInt32LE(b, 4);
  out.writeInt32LE(c, 8);
  out.writeInt32LE(d, 12);
  return out;
}
