/**
 * A stand-in of `mdsync server`'s wire protocol for the remote client's unit tests: HTTPS POST for
 * the session calls (with the session cookie), a WebSocket authenticated by bearer, pushes, and a
 * restart on the same port. The real service is exercised by remote-client.int.test.ts.
 */
import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Change } from '../../../../shared/model';
import type { TestCertificate } from './self-signed';

/** What the fake saw, for the tests to assert. */
export interface FakeServiceLog {
  /** Each request: method, path, Host, Origin, and whether it carried a cookie or a bearer. */
  readonly requests: { method: string; path: string; host: string; origin: string; auth: string }[];
  /** TCP connections accepted (a refused handshake counts). */
  tcpConnections: number;
  /** Bytes of request data that reached the server (nothing may before the certificate is judged). */
  bytes: number;
}

/** A running fake. */
export interface FakeService {
  readonly port: number;
  readonly log: FakeServiceLog;
  /** Refuse an upgrade with an unknown session (401), or serve it anonymously as the real service does. */
  refuseUnknownBearer: boolean;
  /** Sends an event to every socket. */
  push(event: string, payload: unknown): void;
  /** Ends every session, as an administrator deleting users would; pushes session:ended. */
  endSessions(reason: string): void;
  /** Stops and starts again on the same port, forgetting sessions; optionally with a new certificate. */
  restart(cert?: TestCertificate): Promise<void>;
  stop(): Promise<void>;
  close(): Promise<void>;
}

const PASSWORD = 'right-password';

/** The password the fake accepts for any user. */
export const FAKE_PASSWORD = PASSWORD;

/** Starts the fake on 127.0.0.1 (port 0: a free one). */
export async function startFakeService(cert: TestCertificate, port = 0): Promise<FakeService> {
  const log: FakeServiceLog = { requests: [], tcpConnections: 0, bytes: 0 };
  const sessions = new Map<string, string>(); // id → user name
  const sockets = new Map<WebSocket, string | null>();
  let server: https.Server | null = null;
  let wss: WebSocketServer | null = null;
  let current = cert;
  let actualPort = port;
  const conns = new Set<Socket>();

  const note = (req: IncomingMessage) =>
    log.requests.push({
      method: req.method ?? '',
      path: req.url ?? '',
      host: req.headers.host ?? '',
      origin: req.headers.origin ?? '',
      auth: req.headers.cookie ? 'cookie' : req.headers.authorization ? 'bearer' : '',
    });

  const cookieSession = (cookie: string | undefined) => /__Host-mdsync_session=([^;]+)/.exec(cookie ?? '')?.[1] ?? null;

  const answerWs = (
    channel: string,
    input: unknown,
    user: string | null,
  ): { ok: boolean; value?: unknown; error?: unknown } => {
    switch (channel) {
      case 'auth:logon':
      case 'auth:logoff':
      case 'auth:setup-admin':
        return { ok: false, error: { code: 'useHttp', message: 'use POST /api/call' } };
      case 'auth:session':
        return {
          ok: true,
          value: user ? { userName: user, fullName: '', authentication: 'integrated', privileges: ['admin'] } : null,
        };
      case 'app:info':
        return { ok: true, value: { name: 'mdsync', mode: 'browser', version: 'fake' } };
      case 'history:open': {
        if (!user) return { ok: false, error: { code: 'notLoggedOn', message: 'you are not logged on' } };
        const rows: Change[] = Array.from({ length: 100 }, (_, i) => ({
          action: 'create',
          userName: `u${i}@example.com`,
          fullName: `User ${i}`,
          emailAddresses: [`u${i}@example.com`],
          reason: 'new in MDaemon',
        }));
        return {
          ok: true,
          value: {
            results: `kept-${String(input && (input as { runId?: unknown }).runId)}`,
            first: { rows, total: 600, all: 600 },
          },
        };
      }
      case 'users:list':
        if (!user) return { ok: false, error: { code: 'notLoggedOn', message: 'you are not logged on' } };
        return { ok: true, value: [{ userName: user, echo: input }] };
      default:
        return { ok: false, error: { code: 'unknownChannel', message: `unknown channel ${channel}` } };
    }
  };

  const listen = async () => {
    const srv = https.createServer({ key: current.key, cert: current.cert }, (req, res) => {
      note(req);
      if (req.method !== 'POST' || req.url !== '/api/call' || req.headers.origin !== `https://${req.headers.host}`) {
        res.writeHead(403).end('forbidden\n');
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const call = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          id: number;
          channel: string;
          input: { userName?: string; password?: string };
        };
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        let result: unknown;
        if (call.channel === 'auth:logon') {
          if (call.input.password === PASSWORD) {
            const id = crypto.randomBytes(16).toString('base64url');
            sessions.set(id, call.input.userName ?? '');
            headers['set-cookie'] = `__Host-mdsync_session=${id}; HttpOnly; Secure; SameSite=Strict; Path=/`;
            result = {
              ok: true,
              value: {
                ok: true,
                user: {
                  userName: call.input.userName,
                  fullName: '',
                  authentication: 'integrated',
                  privileges: ['admin'],
                },
              },
            };
          } else {
            result = {
              ok: true,
              value: { ok: false, reason: 'invalidCredentials', message: 'wrong user name or password' },
            };
          }
        } else if (call.channel === 'auth:logoff') {
          const id = cookieSession(req.headers.cookie);
          if (id) sessions.delete(id);
          result = { ok: true, value: { done: true } };
        } else {
          result = { ok: false, error: { code: 'unknownChannel', message: 'not over POST' } };
        }
        res.writeHead(200, headers).end(JSON.stringify({ id: call.id, result }));
      });
    });
    srv.on('secureConnection', (tlsSocket) => {
      tlsSocket.on('data', (d: Buffer) => (log.bytes += d.length));
    });
    srv.on('connection', (s: Socket) => {
      log.tcpConnections++;
      conns.add(s);
      s.on('close', () => conns.delete(s));
    });
    const ws = new WebSocketServer({ noServer: true });
    srv.on('upgrade', (req, socket, head) => {
      note(req);
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? null;
      const unknown = bearer !== null && !sessions.has(bearer);
      if (
        req.url !== '/api' ||
        req.headers.origin !== `https://${req.headers.host}` ||
        (unknown && fake.refuseUnknownBearer)
      ) {
        socket.end(`HTTP/1.1 ${unknown ? '401 Unauthorized' : '403 Forbidden'}\r\nConnection: close\r\n\r\n`);
        return;
      }
      ws.handleUpgrade(req, socket, head, (client) => {
        sockets.set(client, bearer);
        client.on('close', () => sockets.delete(client));
        client.on('message', (data) => {
          const call = JSON.parse((data as Buffer).toString('utf8')) as { id: number; channel: string; input: unknown };
          const sid = sockets.get(client) ?? null;
          const user = sid ? (sessions.get(sid) ?? null) : null;
          const result = answerWs(call.channel, call.input, user);
          client.send(JSON.stringify({ id: call.id, result }));
        });
      });
    });
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(actualPort, '127.0.0.1', () => resolve());
    });
    const addr = srv.address();
    actualPort = typeof addr === 'object' && addr ? addr.port : actualPort;
    server = srv;
    wss = ws;
  };

  const stop = () =>
    new Promise<void>((resolve) => {
      for (const c of sockets.keys()) c.terminate();
      sockets.clear();
      wss?.close();
      for (const c of conns) c.destroy();
      if (!server) return resolve();
      server.close(() => resolve());
      server = null;
    });

  await listen();
  const fake: FakeService = {
    refuseUnknownBearer: false,
    get port() {
      return actualPort;
    },
    log,
    push(event, payload) {
      for (const c of sockets.keys()) c.send(JSON.stringify({ event, payload }));
    },
    endSessions(reason) {
      for (const [c, sid] of sockets) {
        if (sid && sessions.has(sid)) c.send(JSON.stringify({ event: 'session:ended', payload: { reason } }));
      }
      sessions.clear();
    },
    async restart(next) {
      await stop();
      sessions.clear();
      if (next) current = next;
      await listen();
    },
    stop,
    close: stop,
  };
  return fake;
}
