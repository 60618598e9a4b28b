import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createMemoryLogger } from '../core/logger';
import type { CallContext, Handlers } from '../api/registry';
import { startWebServer, type WebServer } from './testing/loopback-server';

let dir: string;
let server: WebServer;
const token = 'test-token-123';

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-web-'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<meta name="csp-nonce" content="__CSP_NONCE__"><p>app</p>');
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'assets', 'a.js'), 'console.log(1)');
  fs.writeFileSync(path.join(os.tmpdir(), 'mdsync-web-secret.txt'), 'secret');
  const handlers = {
    'auth:logoff': () => ({ done: true }),
    'auth:session': (_i: unknown, ctx: CallContext) => ctx.session.user,
    'auth:logon': (i: { userName: string }, ctx: CallContext) => {
      ctx.session.user = { userName: i.userName, fullName: '', authentication: 'integrated', privileges: ['login'] };
      return { ok: true, user: ctx.session.user };
    },
  } as unknown as Handlers;
  server = await startWebServer({ rendererDir: dir, handlers, logger: createMemoryLogger(), port: 0, token });
});
afterAll(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const base = () => `http://127.0.0.1:${server.port}`;

describe('browser mode server', () => {
  it('prints a 127.0.0.1 URL carrying the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${token}`);
  });

  it('serves the page only with the token, with a CSP nonce and a cookie for the assets', async () => {
    expect((await fetch(`${base()}/`)).status).toBe(403);
    expect((await fetch(`${base()}/?token=wrong`)).status).toBe(403);
    const res = await fetch(server.url);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(await res.text()).toContain(`content="${nonce}"`);
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect((await fetch(`${base()}/assets/a.js`)).status).toBe(403);
    expect((await fetch(`${base()}/assets/a.js`, { headers: { cookie } })).status).toBe(200);
    expect((await fetch(`${base()}/..%2fmdsync-web-secret.txt`, { headers: { cookie } })).status).toBe(404);
  });

  it('refuses another Host (DNS rebinding)', async () => {
    const res = await new Promise<number>((resolve) => {
      const req = http.get(
        { host: '127.0.0.1', port: server.port, path: `/?token=${token}`, headers: { host: 'evil.example:80' } },
        (r) => {
          r.resume();
          resolve(r.statusCode ?? 0);
        },
      );
      req.end();
    });
    expect(res).toBe(421);
  });

  const open = (query: string, origin: string) =>
    new Promise<WebSocket | number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api${query}`, { origin });
      ws.on('open', () => resolve(ws));
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => resolve(-1));
    });

  it('accepts WebSocket calls only with the token and the page origin', async () => {
    expect(await open('', base())).toBe(403);
    expect(await open('?token=nope', base())).toBe(403);
    expect(await open(`?token=${token}`, 'http://evil.example')).toBe(403);
    const ws = await open(`?token=${token}`, base());
    expect(ws).toBeInstanceOf(WebSocket);
    const socket = ws as WebSocket;
    const reply = await new Promise<unknown>((resolve) => {
      socket.on('message', (d: Buffer) => resolve(JSON.parse(d.toString())));
      socket.send(JSON.stringify({ id: 7, channel: 'auth:session', input: {} }));
    });
    expect(reply).toEqual({ id: 7, result: { ok: true, value: null } });
    // The session-changing channels need the HTTP answer's cookie: the socket refuses them.
    const useHttp = await new Promise<unknown>((resolve) => {
      socket.removeAllListeners('message');
      socket.on('message', (d: Buffer) => resolve(JSON.parse(d.toString())));
      socket.send(JSON.stringify({ id: 9, channel: 'auth:logoff', input: {} }));
    });
    expect(useHttp).toMatchObject({ id: 9, result: { ok: false, error: { code: 'useHttp' } } });
    const forbidden = await new Promise<unknown>((resolve) => {
      socket.removeAllListeners('message');
      socket.on('message', (d: Buffer) => resolve(JSON.parse(d.toString())));
      socket.send(JSON.stringify({ id: 8, channel: 'users:list', input: {} }));
    });
    expect(forbidden).toMatchObject({ id: 8, result: { ok: false, error: { code: 'notLoggedOn' } } });
    socket.close();
  });
});

describe('browser mode calls over HTTP', () => {
  const post = (body: unknown, headers: Record<string, string> = {}, query = `?token=${token}`) =>
    fetch(`${base()}/api/call${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base(), ...headers },
      body: JSON.stringify(body),
    });

  it('needs the token, JSON and a session-changing channel', async () => {
    expect((await post({ id: 1, channel: 'auth:logoff', input: {} }, {}, '')).status).toBe(403);
    expect((await post({ id: 1, channel: 'auth:logoff', input: {} }, { 'content-type': 'text/plain' })).status).toBe(
      415,
    );
    expect((await post({ id: 1, channel: 'users:list', input: {} })).status).toBe(400);
    expect((await post({ id: 1, channel: 'auth:logoff', input: {} }, { origin: 'http://evil.example' })).status).toBe(
      403,
    );
  });

  it('a logon sets a session cookie (no Secure over http) that the socket then carries', async () => {
    const res = await post({ id: 2, channel: 'auth:logon', input: { userName: 'ann', password: 'x' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: 2, result: { ok: true, value: { ok: true } } });
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^mdsync_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\/$/);
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${token}`, {
      origin: base(),
      headers: { cookie: cookie.split(';')[0]! },
    });
    const answer = await new Promise<unknown>((resolve) => {
      ws.on('open', () => ws.send(JSON.stringify({ id: 3, channel: 'auth:session', input: {} })));
      ws.on('message', (d: Buffer) => resolve(JSON.parse(d.toString())));
    });
    expect(answer).toMatchObject({ id: 3, result: { ok: true, value: { userName: 'ann' } } });
    ws.close();
  });
});
