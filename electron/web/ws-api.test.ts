/**
 * The browser-mode bridge client against the real bridge server: a streamed JSON text answer
 * arrives whole, and pushed events still arrive after the socket drops and reopens.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { JsonText } from '../../shared/bridge-protocol';
import { UserError } from '../../shared/result';
import { createMemoryLogger } from '../core/logger';
import type { CallContext, Handlers } from '../api/registry';
import type { Session } from '../app/session';
import { startWebServer, type WebServer } from './testing/loopback-server';
import type { Api } from '../../shared/contract';

/** The renderer's module, loaded by path: it belongs to the web project, not this one. */
const WS_API = '../../renderer/src/ws-api';
type Place = { protocol: string; host: string; search: string };
let createWsApi: (location: Place) => Api;

const token = 'ws-api-token';
let dir: string;
let server: WebServer;
const sessions: { session: Session; emit: CallContext['emit'] }[] = [];
const serverSockets = new Set<WebSocket>();

const runs = [
  {
    id: 7,
    startedAt: '2026-12-05T10:00:00.000Z',
    finishedAt: '2026-12-05T10:00:02.000Z',
    actor: 'admin',
    dryRun: true,
    status: 'tested',
    summary: { create: 400, update: 0, delete: 0, unchanged: 800, skip: 0, held: 0 },
    message: null,
  },
];
const LIST_ROWS = 40;
const row = (i: number) => ({
  userName: `user${i}@x.test`,
  fullName: `User "${i}"`,
  emailAddresses: [`user${i}@x.test`],
  authentication: 'directoryServices',
  privileges: ['login'],
  folderAccess: [],
  messages: i,
});
let listMode: 'ok' | 'failFirst' | 'failLater' = 'ok';
/** What the list's handler reached, in order. */
const listed: string[] = [];

beforeAll(async () => {
  ({ createWsApi } = (await import(/* @vite-ignore */ WS_API)) as { createWsApi: typeof createWsApi });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-ws-api-'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<p>app</p>');
  const handlers = {
    'history:list': () => runs,
    // The Users list as the database streams it: parts made one at a time, an event pushed and
    // other answers ready while it is being sent; or a failure before or after its first part.
    'users:list': (_input: unknown, ctx: CallContext) =>
      new JsonText(
        (async function* () {
          if (listMode === 'failFirst') throw new UserError('unreadable', 'the database is damaged');
          yield '[';
          for (let i = 0; i < LIST_ROWS; i++) {
            if (i === 3) ctx.emit('sync:progress', { phase: 'read', done: 1, total: 2 });
            if (i === 5) listed.push('middle');
            if (i === 6 && listMode === 'failLater') throw new Error('disk gone');
            await new Promise((r) => setImmediate(r));
            yield `${i === 0 ? '' : ','}${JSON.stringify(row(i))}`;
          }
          yield ']';
          listed.push('end');
        })(),
      ),
    'auth:logon': (input: { userName: string }, ctx: CallContext) => {
      ctx.session.user = { userName: input.userName, fullName: '', authentication: 'integrated', privileges: [] };
      return { ok: true, user: ctx.session.user };
    },
  } as unknown as Handlers;
  server = await startWebServer({
    rendererDir: dir,
    handlers,
    logger: createMemoryLogger(),
    port: 0,
    token,
    onSession: (session, emit) => {
      const entry = { session, emit };
      sessions.push(entry);
      return () => sessions.splice(sessions.indexOf(entry), 1);
    },
  });
  // The page's own origin, as the browser would send it; remembers the server side of each socket.
  const origin = `http://127.0.0.1:${server.port}`;
  class PageSocket extends WebSocket {
    constructor(url: string) {
      super(url, { origin });
    }
  }
  vi.stubGlobal('WebSocket', PageSocket);
});

afterAll(async () => {
  vi.unstubAllGlobals();
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
  serverSockets.clear();
});

const location = () => ({ protocol: 'http:', host: `127.0.0.1:${server.port}`, search: `?token=${token}` });
const logOn = () => sessions.forEach((s) => (s.session.user = { userName: 'admin', privileges: ['admin'] } as never));

describe('browser-mode bridge client', () => {
  it('streams a JSON text answer as one message; events and other answers made meanwhile follow it whole', async () => {
    sessions.length = 0;
    const api = createWsApi(location());
    await api.invoke('app:info', {});
    logOn();
    const progress: unknown[] = [];
    const off = api.on('sync:progress', (p) => progress.push(p));
    listMode = 'ok';
    listed.length = 0;
    const list = api.invoke('users:list', {});
    // Asked while the list is still being made: answered after it, not inside it.
    await vi.waitFor(() => expect(listed).toContain('middle'));
    const history = api.invoke('history:list', { limit: 10 });
    expect(await list).toEqual({ ok: true, value: Array.from({ length: LIST_ROWS }, (_, i) => row(i)) });
    expect(await history).toEqual({ ok: true, value: runs });
    expect(listed).toEqual(['middle', 'end']);
    await vi.waitFor(() => expect(progress).toEqual([{ phase: 'read', done: 1, total: 2 }]));
    off(); // no reconnecting page left behind for the tests below
  });

  it('a list that fails before its first part is an error answer; after it, the socket closes and the page reconnects', async () => {
    sessions.length = 0;
    const api = createWsApi(location());
    await api.invoke('app:info', {});
    logOn();
    listMode = 'failFirst';
    expect(await api.invoke('users:list', {})).toEqual({
      ok: false,
      error: { code: 'unreadable', message: 'the database is damaged' },
    });
    listMode = 'failLater';
    expect(await api.invoke('users:list', {})).toMatchObject({ ok: false, error: { code: 'disconnected' } });
    // A new socket answers again.
    // A new socket answers again (this test server has no app:info: an internal error, not "disconnected").
    expect(await api.invoke('app:info', {})).toMatchObject({ ok: false, error: { code: 'internal' } });
    logOn();
    expect(await api.invoke('history:list', { limit: 10 })).toEqual({ ok: true, value: runs });
    listMode = 'ok';
  });

  it('carries logon over POST /api/call, which creates a server-side session', async () => {
    const api = createWsApi(location());
    const before = server.sessions.size;
    const answer = await api.invoke('auth:logon', { userName: 'ann', password: 'pw' });
    expect(answer).toMatchObject({ ok: true, value: { ok: true, user: { userName: 'ann' } } });
    expect(server.sessions.size).toBe(before + 1);
    // Calls go on over a new socket (Node's has no cookie jar, so it is anonymous here: the server answers).
    expect(await api.invoke('history:list', { limit: 10 })).toMatchObject({
      ok: false,
      error: { code: 'notLoggedOn' },
    });
  });

  it('keeps delivering events after the socket drops', async () => {
    sessions.length = 0;
    const api = createWsApi(location());
    const got: unknown[] = [];
    api.on('session:ended', (p) => got.push(p));
    await vi.waitFor(() => expect(sessions).toHaveLength(1));
    sessions[0]!.emit('session:ended', { reason: 'first' });
    await vi.waitFor(() => expect(got).toEqual([{ reason: 'first' }]));

    // Drop every connection from the server side; the client reconnects on its own.
    const before = sessions[0];
    await dropConnections();
    await vi.waitFor(() => expect(sessions.length === 1 && sessions[0] !== before).toBe(true), { timeout: 5000 });
    sessions[0]!.emit('session:ended', { reason: 'second' });
    await vi.waitFor(() => expect(got).toEqual([{ reason: 'first' }, { reason: 'second' }]));
  });
});

/** Ends every bridge connection abruptly, as a restarted server or a lost network would. */
async function dropConnections(): Promise<void> {
  // The server exposes no sockets: a raw request that upgrades nothing cannot reach them, so
  // close() + restart on the same port stands in for a restarted server.
  const port = server.port;
  await server.close();
  server = await startWebServer({
    rendererDir: dir,
    handlers: {} as Handlers,
    logger: createMemoryLogger(),
    port,
    token,
    onSession: (session, emit) => {
      const entry = { session, emit };
      sessions.push(entry);
      return () => sessions.splice(sessions.indexOf(entry), 1);
    },
  });
}
