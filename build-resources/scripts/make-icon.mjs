#!/usr/bin/env node
// Draws the app icon (build-resources/icon.png, 512×512): an envelope on a calm blue tile, with
// a sync arc. Run once when the design changes; the PNG is committed.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const N = 512;
const px = Buffer.alloc(N * N * 4);
const set = (x, y, [r, g, b, a]) => {
  if (x < 0 || y < 0 || x >= N || y >= N) return;
  const i = (y * N + x) * 4;
  const k = a / 255;
  px[i] = Math.round(px[i] * (1 - k) + r * k);
  px[i + 1] = Math.round(px[i + 1] * (1 - k) + g * k);
  px[i + 2] = Math.round(px[i + 2] * (1 - k) + b * k);
  px[i + 3] = Math.max(px[i + 3], a);
};
const tile = [33, 82, 140, 255];
const white = [255, 255, 255, 255];
const accent = [120, 200, 255, 255];
const r = 90;
for (let y = 0; y < N; y++)
  for (let x = 0; x < N; x++) {
    const dx = Math.max(r - x, x - (N - 1 - r), 0);
    const dy = Math.max(r - y, y - (N - 1 - r), 0);
    if (dx * dx + dy * dy <= r * r) set(x, y, tile);
  }
const line = (x0, y0, x1, y1, w, c) => {
  const len = Math.hypot(x1 - x0, y1 - y0);
  for (let t = 0; t <= len; t += 0.5) {
    const x = x0 + ((x1 - x0) * t) / len;
    const y = y0 + ((y1 - y0) * t) / len;
    for (let oy = -w; oy <= w; oy++)
      for (let ox = -w; ox <= w; ox++) if (ox * ox + oy * oy <= w * w) set(Math.round(x + ox), Math.round(y + oy), c);
  }
};
const [L, T, R, B] = [120, 170, 392, 350];
line(L, T, R, T, 9, white);
line(R, T, R, B, 9, white);
line(R, B, L, B, 9, white);
line(L, B, L, T, 9, white);
line(L, T, 256, 275, 9, white);
line(256, 275, R, T, 9, white);
for (let a = Math.PI * 0.15; a < Math.PI * 0.85; a += 0.002) {
  const cx = 256 + Math.cos(a) * 190;
  const cy = 250 + Math.sin(a) * 190;
  for (let oy = -7; oy <= 7; oy++)
    for (let ox = -7; ox <= 7; ox++) if (ox * ox + oy * oy <= 49) set(Math.round(cx + ox), Math.round(cy + oy), accent);
}
{
  const ax = 256 + Math.cos(Math.PI * 0.15) * 190;
  const ay = 250 + Math.sin(Math.PI * 0.15) * 190;
  line(ax, ay, ax + 4, ay - 44, 7, accent);
  line(ax, ay, ax - 40, ay - 12, 7, accent);
}

const raw = Buffer.alloc((N * 4 + 1) * N);
for (let y = 0; y < N; y++) px.copy(raw, y * (N * 4 + 1) + 1, y * N * 4, (y + 1) * N * 4);
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const c = Buffer.alloc(4);
  c.writeUInt32BE(crc(td));
  return Buffer.concat([len, td, c]);
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(N, 0);
ihdr.writeUInt32BE(N, 4);
ihdr[8] = 8;
ihdr[9] = 6;
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../icon.png');
fs.writeFileSync(out, png);
console.log(`wrote ${out}`);
