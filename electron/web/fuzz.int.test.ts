/**
 * The web server under malformed input: a corpus of bad request lines, paths, headers, bodies and
 * WebSocket frames, then a fixed number of cases from a seeded generator, sent raw to the real
 * built service (TLS) and to browser mode (plain HTTP on loopback). Every case gets an answer or a
 * closed connection, never a 5xx; after each batch the process is alive and still serves `/`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frame, sendFrames, sendRaw, tcpTarget, tlsTarget, type RawAnswer, type Target } from './testing/raw-client';
import { ROOT, pinned, prepareDataDir, startService, type ServiceProcess } from './testing/service-process';

const SEED = 0x5eed16;
const RANDOM_CASES = 300;
const BATCH = 25;

/** A small seeded PRNG (mulberry32): the same cases on every run. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)]!;
  return { next, int, pick };
}

type Case = { name: string; run: (t: Target) => Promise<RawAnswer> };

const head = (t: Target, extra = '') => `Host: 127.0.0.1:${t.port}\r\n${extra}Connection: close\r\n`;
const get =
  (target: string, extra = '') =>
  (t: Target) =>
    sendRaw(t, `GET ${target} HTTP/1.1\r\n${head(t, extra)}\r\n`);
const post =
  (body: string | Buffer, type = 'application/json') =>
  (t: Target) =>
    sendRaw(t, [
      `POST /api/call${t.token ? `?token=${t.token}` : ''} HTTP/1.1\r\n${head(t)}Origin: ${t.origin}\r\n` +
        `Content-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
      body,
    ]);
const ws =
  (...frames: Buffer[]) =>
  (t: Target) =>
    sendFrames(t, frames, 800);
const call = (body: unknown) => frame(1, typeof body === 'string' ? body : JSON.stringify(body));

const CORPUS: Case[] = [
  // First: its log line is looked for, and bad-request lines are capped at 50 in 10 s.
  {
    name: 'body: __proto__',
    run: post('{"id":1,"channel":"auth:logon","input":{"__proto__":{"admin":true},"userName":"a","password":"b"}}'),
  },
  ...[
    '/%00',
    '/api/%00',
    '/api/call%00',
    '//',
    '//x//y',
    '/%',
    '/%zz',
    '/%c0%af',
    '/%ff%fe',
    '/..',
    '/../../etc/passwd',
    '/..%2f..%2fetc%2fpasswd',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/\\..\\..\\windows\\win.ini',
    '/assets/..\\..\\package.json',
    '/index.html%00.js',
    `/${'a'.repeat(7000)}`,
    `/${'%41'.repeat(2000)}`,
    '/é/ü',
    '/\u{1F600}',
    '/?token=%zz&token',
    '/?%00=%00',
    '*',
    'http://evil.example/',
    '//evil.example/',
    '/api',
    '/api/call',
  ].map((p) => ({ name: `GET ${p.slice(0, 40)}`, run: get(p) })),
  { name: 'raw NUL in the target', run: (t) => sendRaw(t, `GET /\0 HTTP/1.1\r\n${head(t)}\r\n`) },
  { name: 'unknown method', run: (t) => sendRaw(t, `BREW / HTTP/1.1\r\n${head(t)}\r\n`) },
  { name: 'OPTIONS', run: (t) => sendRaw(t, `OPTIONS * HTTP/1.1\r\n${head(t)}\r\n`) },
  { name: 'HTTP/9.9', run: (t) => sendRaw(t, `GET / HTTP/9.9\r\n${head(t)}\r\n`) },
  { name: 'HTTP/0.9', run: (t) => sendRaw(t, 'GET /\r\n\r\n') },
  { name: 'no Host', run: (t) => sendRaw(t, 'GET / HTTP/1.1\r\nConnection: close\r\n\r\n') },
  { name: 'two Hosts', run: (t) => sendRaw(t, `GET / HTTP/1.1\r\nHost: evil\r\n${head(t)}\r\n`) },
  { name: 'Host with NUL', run: (t) => sendRaw(t, `GET / HTTP/1.1\r\nHost: 127.0.0.1\0:${t.port}\r\n\r\n`) },
  { name: 'huge header', run: (t) => sendRaw(t, `GET / HTTP/1.1\r\n${head(t)}X-A: ${'a'.repeat(20_000)}\r\n\r\n`) },
  { name: 'header without colon', run: (t) => sendRaw(t, `GET / HTTP/1.1\r\n${head(t)}Nonsense\r\n\r\n`) },
  { name: 'bare LF', run: (t) => sendRaw(t, `GET / HTTP/1.1\nHost: 127.0.0.1:${t.port}\n\n`) },
  { name: 'garbage bytes', run: (t) => sendRaw(t, Buffer.from([0, 1, 2, 255, 254, 13, 10, 13, 10])) },
  { name: 'TLS-looking bytes', run: (t) => sendRaw(t, Buffer.from([0x16, 3, 1, 0, 5, 1, 0, 0, 1, 0])) },
  {
    name: 'negative Content-Length',
    run: (t) => sendRaw(t, `POST /api/call HTTP/1.1\r\n${head(t)}Content-Length: -1\r\n\r\n`),
  },
  {
    name: 'Content-Length and chunked',
    run: (t) =>
      sendRaw(t, `POST /api/call HTTP/1.1\r\n${head(t)}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n`),
  },
  {
    name: 'bad chunk size',
    run: (t) =>
      sendRaw(
        t,
        `POST /api/call HTTP/1.1\r\n${head(t)}Origin: ${t.origin}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
      ),
  },
  { name: 'body: not JSON', run: post('{not json') },
  { name: 'body: empty', run: post('') },
  { name: 'body: a number', run: post('42') },
  { name: 'body: deep arrays', run: post('['.repeat(60_000)) },
  { name: 'body: deep objects', run: post(`${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`) },
  { name: 'body: huge string', run: post(JSON.stringify({ id: 1, channel: 'auth:logon', input: 'x'.repeat(60_000) })) },
  { name: 'body: too large', run: post('x'.repeat(200_000)) },
  {
    name: 'body: constructor.prototype',
    run: post('{"id":1,"channel":"auth:session","input":{"constructor":{"prototype":{"x":1}}}}'),
  },
  { name: 'body: long channel', run: post(JSON.stringify({ id: 1, channel: 'c'.repeat(50_000), input: {} })) },
  { name: 'body: invalid UTF-8', run: post(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])) },
  { name: 'body: wrong type', run: post('{}', 'text/plain') },
  { name: 'ws: binary frame', run: ws(frame(2, Buffer.from([1, 2, 3]))) },
  { name: 'ws: invalid UTF-8', run: ws(frame(1, Buffer.from([0xff, 0xfe, 0xfd]))) },
  { name: 'ws: continuation first', run: ws(frame(0, '{"id":1}')) },
  { name: 'ws: two starts', run: ws(frame(1, '{"id":', { fin: false }), frame(1, '1}')) },
  { name: 'ws: unfinished fragment', run: ws(frame(1, '{"id":1,', { fin: false })) },
  { name: 'ws: unmasked', run: ws(frame(1, '{}', { mask: false })) },
  { name: 'ws: RSV bits', run: ws(frame(1, '{}', { rsv: 7 })) },
  { name: 'ws: reserved opcode', run: ws(frame(5, 'x')) },
  { name: 'ws: oversized declared', run: ws(frame(1, 'x', { declaredLength: 2 ** 40 })) },
  { name: 'ws: oversized message', run: ws(frame(1, Buffer.alloc(9 * 1024 * 1024, 0x20))) },
  { name: 'ws: long ping', run: ws(frame(9, Buffer.alloc(200))) },
  { name: 'ws: bad close code', run: ws(frame(8, Buffer.from([0x03, 0xe7]))) },
  { name: 'ws: not JSON', run: ws(call('{nope')) },
  { name: 'ws: not a call', run: ws(call({ hello: 1 })) },
  {
    name: 'ws: deep JSON',
    run: ws(call(`{"id":1,"channel":"app:info","input":${'['.repeat(5000)}${']'.repeat(5000)}}`)),
  },
  { name: 'ws: __proto__', run: ws(call('{"id":1,"channel":"app:info","input":{"__proto__":{"polluted":1}}}')) },
  { name: 'ws: unknown channel', run: ws(call({ id: 1, channel: 'x'.repeat(10_000), input: {} })) },
  { name: 'ws: admin channel before logon', run: ws(call({ id: 1, channel: 'users:list', input: {} })) },
  { name: 'ws: logon over the socket', run: ws(call({ id: 1, channel: 'auth:logon', input: {} })) },
  {
    name: 'ws: a flood of calls before logon',
    run: ws(...Array.from({ length: 300 }, (_, i) => call({ id: i, channel: 'app:info', input: {} }))),
  },
  {
    name: 'ws: bad upgrade',
    run: (t) =>
      sendRaw(
        t,
        `GET /api HTTP/1.1\r\n${head(t)}Origin: ${t.origin}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 99\r\nSec-WebSocket-Key: x\r\n\r\n`,
      ),
  },
  {
    name: 'ws: upgrade on //',
    run: (t) =>
      sendRaw(t, `GET // HTTP/1.1\r\nHost: 127.0.0.1:${t.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n`),
  },
  {
    name: 'ws: upgrade on /%00',
    run: (t) =>
      sendRaw(t, `GET /%00 HTTP/1.1\r\nHost: 127.0.0.1:${t.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n`),
  },
];

const PATH_PARTS = [
  '/',
  '//',
  '%',
  '%00',
  '%2e',
  '..',
  '\\',
  'é',
  '\u{1F600}',
  'a',
  'api',
  'call',
  '?',
  '&',
  '=',
  '#',
  ';',
  '%zz',
  '\t',
  ' ',
];
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT', 'PATCH', 'X', ''];
const JSON_PARTS = [
  '{',
  '}',
  '[',
  ']',
  '"',
  ':',
  ',',
  '"__proto__"',
  '"channel"',
  '"id"',
  '1',
  'null',
  'true',
  '"auth:logon"',
  '"app:info"',
  '\\u0000',
  '\\',
];

/** One random case: a request, a body, a header set or a few frames. */
function randomCase(r: ReturnType<typeof prng>, i: number): Case {
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => r.int(256)));
  const path = () => `/${Array.from({ length: r.int(12) }, () => r.pick(PATH_PARTS)).join('')}`;
  const json = () => Array.from({ length: r.int(40) }, () => r.pick(JSON_PARTS)).join('');
  switch (r.int(5)) {
    case 0:
      return {
        name: `random ${i}: target`,
        run: (t) => sendRaw(t, `${r.pick(METHODS)} ${path()} HTTP/1.1\r\n${head(t)}\r\n`),
      };
    case 1:
      return { name: `random ${i}: bytes`, run: (t) => sendRaw(t, bytes(1 + r.int(300))) };
    case 2: {
      const body = json();
      return { name: `random ${i}: body`, run: post(body) };
    }
    case 3: {
      const name = r.pick(['Host', 'Origin', 'Cookie', 'Authorization', 'Content-Length', 'X', 'Upgrade']);
      const value = bytes(r.int(60))
        .toString('latin1')
        .replace(/[\r\n]/g, ' ');
      return {
        name: `random ${i}: header`,
        run: (t) => sendRaw(t, [`GET ${path()} HTTP/1.1\r\n${head(t)}${name}: `, value, '\r\n\r\n']),
      };
    }
    default: {
      const frames = Array.from({ length: 1 + r.int(3) }, () =>
        frame(r.pick([0, 1, 1, 1, 2, 8, 9, 10, 3]), r.next() < 0.5 ? json() : bytes(r.int(200)), {
          fin: r.next() < 0.8,
          mask: r.next() < 0.95,
          rsv: r.next() < 0.9 ? 0 : r.int(8),
        }),
      );
      return { name: `random ${i}: frames`, run: ws(...frames) };
    }
  }
}

/** Runs cases in batches; after each, the process is alive and `/` is served. */
async function attack(target: Target, cases: Case[], alive: () => Promise<void>) {
  for (let i = 0; i < cases.length; i += BATCH) {
    const batch = cases.slice(i, i + BATCH);
    const answers = await Promise.all(batch.map((c) => c.run(target)));
    answers.forEach((a, k) => {
      // Every case is answered (a status or a closed connection), and never by a failing handler.
      expect(a.status === null || a.status < 500, `${batch[k]!.name}: ${a.text.slice(0, 200)}`).toBe(true);
    });
    await alive();
  }
}

async function pageServed(target: Target): Promise<void> {
  const query = target.token ? `?token=${target.token}` : '';
  const a = await sendRaw(target, `GET /${query} HTTP/1.1\r\n${head(target)}\r\n`, 5000);
  expect(a.status, a.text.slice(0, 200)).toBe(200);
}

describe('the network service under malformed input', () => {
  let service: ServiceProcess;
  let target: Target;
  beforeAll(async () => {
    service = await startService(prepareDataDir('Admin-Pass-1 fuzz', 'Bob-Pass-1 fuzz'));
    target = tlsTarget(service.port, pinned(service));
  }, 120_000);
  afterAll(async () => {
    const code = await service?.stop('SIGTERM');
    expect(code).toBe(0);
    if (service) fs.rmSync(service.dataDir, { recursive: true, force: true });
  }, 60_000);
  const alive = async () => {
    expect(service.child.exitCode, service.output()).toBeNull();
    await pageServed(target);
  };

  it('answers every case of the corpus and keeps serving', async () => {
    await attack(target, CORPUS, alive);
    expect(service.output()).not.toMatch(/internal error/);
    const log = fs.readFileSync(path.join(service.dataDir, 'mdsync.log'), 'utf8');
    // One line per bad request, up to a rate: an attacker cannot fill the disk with them.
    expect(log).toMatch(/bad request from 127\.0\.0\.1: HPE_/);
    expect(log).toMatch(
      /400 for 127\.0\.0\.1: POST \/api\/call: the body is not acceptable JSON \(a .__proto__. key\)/,
    );
  }, 120_000);

  it(`answers ${RANDOM_CASES} seeded random cases and keeps serving`, async () => {
    const r = prng(SEED);
    await attack(
      target,
      Array.from({ length: RANDOM_CASES }, (_, i) => randomCase(r, i)),
      alive,
    );
    expect(service.output()).not.toMatch(/internal error/);
  }, 120_000);
});

describe('the network service logs what it refuses', () => {
  let service: ServiceProcess;
  let target: Target;
  beforeAll(async () => {
    service = await startService(prepareDataDir('Admin-Pass-1 fuzz', 'Bob-Pass-1 fuzz'));
    target = tlsTarget(service.port, pinned(service));
  }, 120_000);
  afterAll(async () => {
    expect(await service?.stop('SIGTERM')).toBe(0);
    if (service) fs.rmSync(service.dataDir, { recursive: true, force: true });
  }, 60_000);

  it('logs one line for a body too large, a refused upgrade and CONNECT, as for every bad request', async () => {
    const log = () => fs.readFileSync(path.join(service.dataDir, 'mdsync.log'), 'utf8');
    const big = 'x'.repeat(70 * 1024);
    expect(
      (await post(JSON.stringify({ id: 1, channel: 'auth:logon', input: { userName: big } }))(target)).status,
    ).toBe(413);
    const upgrade = `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n`;
    expect((await sendRaw(target, `GET /elsewhere HTTP/1.1\r\n${head(target, upgrade)}\r\n`)).status).toBe(404);
    expect((await sendRaw(target, `CONNECT 127.0.0.1:22 HTTP/1.1\r\n${head(target)}\r\n`)).status).toBe(405);
    await new Promise((r) => setTimeout(r, 200));
    expect(log()).toMatch(/413 for 127\.0\.0\.1: POST \/api\/call: the body is too large/);
    expect(log()).toMatch(/WebSocket upgrade from 127\.0\.0\.1 refused: 404 .*\/elsewhere/);
    expect(log()).toMatch(/405 for 127\.0\.0\.1: CONNECT 127\.0\.0\.1:22/);
  });
});

describe('browser mode under malformed input', () => {
  let child: ChildProcess;
  let target: Target;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-fuzz-web-'));
    child = spawn(process.execPath, [path.join(ROOT, 'dist/web.cjs'), '--data-dir', dataDir, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const url = await new Promise<URL>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`no URL within 30 s: ${out}`)), 30_000);
      const onData = (c: Buffer) => {
        out += c.toString('utf8');
        const m = /^(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/m.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(new URL(m[1]!));
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
    });
    target = tcpTarget(Number(url.port), url.searchParams.get('token')!);
  }, 60_000);
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('answers the corpus and the random cases and keeps serving', async () => {
    const r = prng(SEED);
    const cases = [...CORPUS, ...Array.from({ length: RANDOM_CASES }, (_, i) => randomCase(r, i))];
    await attack(target, cases, async () => {
      expect(child.exitCode).toBeNull();
      await pageServed(target);
    });
  }, 120_000);
});
