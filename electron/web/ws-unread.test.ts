/**
 * A client that sends and never reads: the bridge server drops its socket once what it is owed
 * passes MAX_UNREAD_BYTES, instead of holding it in memory; a flood of pings closes it too.
 * Runs the real web server (browser mode's loopback policy) with a stand-in handler.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { createMemoryLogger } from '../core/logger';
import type { Handlers } from '../api/registry';
import { startWebServer, type WebServer } from './testing/loopback-server';
import { MAX_UNREAD_BYTES, PING_LIMITS } from './ws-bridge';

const token = 'ws-unread-token';
/** One answer of about 1 MB. */
const BIG = 'x'.repeat(1024 * 1024);
let dir: string;
let server: WebServer;
const logger = createMemoryLogger();

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-ws-unread-'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<p>app</p>');
  const handlers = { 'app:info': () => ({ name: 'mdsync', padding: BIG }) } as unknown as Handlers;
  server = await startWebServer({ rendererDir: dir, handlers, logger, port: 0, token });
});
afterAll(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function open(): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${token}`, {
    origin: `http://127.0.0.1:${server.port}`,
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

describe('a client that does not read', () => {
  it('is dropped once more than MAX_UNREAD_BYTES wait for it, with one log line', async () => {
    const ws = await open();
    // Stop reading: what the server sends piles up in the kernel's buffers, then in the server.
    (ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const calls = Math.ceil((3 * MAX_UNREAD_BYTES) / BIG.length);
    for (let id = 1; id <= calls; id++) ws.send(JSON.stringify({ id, channel: 'app:info', input: {} }));
    await vi.waitFor(() => expect(logger.lines.some((l) => /bytes sent to it are unread$/.test(l))).toBe(true), {
      timeout: 15_000,
      interval: 100,
    });
    expect(logger.lines.filter((l) => /unread/.test(l))).toHaveLength(1);
    ws.terminate();
  }, 30_000);

  it('a reading client gets every answer, however many it asks for one after another', async () => {
    const ws = await open();
    let answers = 0;
    ws.on('message', () => (answers += 1));
    // Asked a few at a time (what is in flight stays under the bound), 4 × the bound in all.
    const total = Math.ceil((4 * MAX_UNREAD_BYTES) / BIG.length);
    for (let id = 1; id <= total; id++) {
      ws.send(JSON.stringify({ id, channel: 'app:info', input: {} }));
      if (id % 4 === 0) await vi.waitFor(() => expect(answers).toBe(id), { timeout: 15_000 });
    }
    await vi.waitFor(() => expect(answers).toBe(total), { timeout: 15_000 });
    ws.close();
  }, 30_000);

  it('closes a socket that floods pings (ws answers each with a pong)', async () => {
    const ws = await open();
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    for (let i = 0; i < PING_LIMITS.burst + 20; i++) ws.ping('p');
    expect(await closed).toBe(1008);
    expect(logger.lines.some((l) => /closed: too many pings$/.test(l))).toBe(true);
  });

  it('keeps a socket that pings now and then', async () => {
    const ws = await open();
    for (let i = 0; i < PING_LIMITS.burst - 2; i++) ws.ping('p');
    const pong = new Promise<void>((resolve) => ws.once('pong', () => resolve()));
    await pong;
    ws.send(JSON.stringify({ id: 1, channel: 'app:info', input: {} }));
    const answer = await new Promise<string>((resolve) => ws.once('message', (d: Buffer) => resolve(d.toString())));
    expect(JSON.parse(answer)).toMatchObject({ id: 1, result: { ok: true } });
    ws.close();
  });
});
