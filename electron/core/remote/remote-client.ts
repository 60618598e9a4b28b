/**
 * The desktop app as a client of `mdsync server`: every contract call forwarded, every event
 * re-emitted, the session held here in the main process (the renderer never sees its id).
 *
 * Session calls (logon, first start, logoff) go over HTTPS POST; everything else over one
 * WebSocket, authenticated by the session id as a bearer token (anonymous without a session).
 * A dropped socket is reopened with a growing pause; a call made while it is down tries once at
 * once and otherwise fails with one line. A session the restarted service no longer knows ends
 * here too (`session:ended`), and a certificate that changed stops the client for good.
 */
import WebSocket from 'ws';
import {
  BRIDGE_PATH,
  BridgeMessage,
  joinAnswer,
  SESSION_CHANNELS,
  type PackedChanges,
} from '../../../shared/bridge-protocol';
import { fail, type Result } from '../../../shared/result';
import type { Logger } from '../logger';
import { postCall } from './remote-http';
import type { ServerTarget } from './server-address';
import { ConnectRefusal, verifiedConnector } from './verified-socket';

/** What the client needs. */
export interface RemoteClientOptions {
  readonly target: ServerTarget;
  /** The pinned fingerprint of this server, read on every connection. */
  readonly pin: () => string | null;
  /** Receives every event the service pushes, and `session:ended` when the session is lost here. */
  readonly onEvent: (event: string, payload: unknown) => void;
  /** Told when the client gave up for good (the certificate changed). */
  readonly onStopped?: (refusal: ConnectRefusal) => void;
  readonly logger: Logger;
  readonly timeoutMs?: number;
  readonly retry?: { readonly firstMs: number; readonly maxMs: number };
  /** Extra CAs (tests). */
  readonly ca?: readonly string[];
}

/** A connected client. */
export interface RemoteClient {
  readonly target: ServerTarget;
  invoke(channel: string, input: unknown): Promise<Result<unknown>>;
  /** True while the WebSocket is open. */
  connected(): boolean;
  /** Closes the socket; a session still open is logged off on the server. */
  close(): void;
}

type Pending = (r: Result<unknown>) => void;

/** Opens a client; resolves once its first WebSocket is open, rejects with a ConnectRefusal. */
export async function openRemoteClient(opts: RemoteClientOptions): Promise<RemoteClient> {
  const { target, logger } = opts;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const retry = opts.retry ?? { firstMs: 250, maxMs: 5000 };
  const conn = { target, pin: opts.pin, timeoutMs, ca: opts.ca };
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let sessionId: string | null = null;
  let socket: WebSocket | null = null;
  let opening: Promise<WebSocket> | null = null;
  let closed = false;
  let stopped: ConnectRefusal | null = null;
  let retryMs = retry.firstMs;
  let retryTimer: NodeJS.Timeout | null = null;
  /** True after a socket was lost: the next one checks that the service still knows the session. */
  let lost = false;

  const endSession = (reason: string) => {
    if (!sessionId) return;
    sessionId = null;
    opts.onEvent('session:ended', { reason });
  };

  const failPending = (message: string) => {
    for (const [id, done] of pending) {
      pending.delete(id);
      done(fail('disconnected', message));
    }
  };

  const scheduleReconnect = () => {
    if (closed || stopped || retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      connect().catch(() => scheduleReconnect());
    }, retryMs);
    retryMs = Math.min(retryMs * 2, retry.maxMs);
  };

  const onMessage = (data: WebSocket.RawData) => {
    let msg: BridgeMessage;
    try {
      const parsed = BridgeMessage.safeParse(JSON.parse(rawText(data)));
      if (!parsed.success) return;
      msg = parsed.data;
    } catch {
      return;
    }
    if ('id' in msg) {
      const done = pending.get(msg.id);
      pending.delete(msg.id);
      done?.(withChanges(msg.result, msg.packedChanges));
    } else {
      if (msg.event === 'session:ended') {
        sessionId = null;
        reopen(); // the socket is still the session's: start an anonymous one
      }
      opts.onEvent(msg.event, msg.payload);
    }
  };

  const open = (): Promise<WebSocket> =>
    new Promise((resolve, reject) => {
      const bearer = sessionId;
      const ws = new WebSocket(`wss://${target.authority}${BRIDGE_PATH}`, {
        createConnection: verifiedConnector(conn) as never,
        headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
        origin: target.origin,
        handshakeTimeout: timeoutMs,
        maxPayload: 64 * 1024 * 1024,
        perMessageDeflate: false,
      });
      let settled = false;
      ws.on('unexpected-response', (_req, res) => {
        settled = true;
        const status = res.statusCode ?? 0;
        ws.terminate();
        if ((status === 401 || status === 403) && bearer) {
          // The service restarted or dropped the session: go on anonymously.
          endSession('the mdsync server ended your session (it may have restarted); log on again');
          open().then(resolve, reject);
          return;
        }
        reject(
          new ConnectRefusal(
            'unreachable',
            `${target.key} refused the connection (HTTP ${status}): is it an mdsync server?`,
          ),
        );
      });
      ws.once('open', () => {
        settled = true;
        resolve(ws);
      });
      ws.on('error', (err) => {
        if (settled) return;
        settled = true;
        reject(
          err instanceof ConnectRefusal
            ? err
            : new ConnectRefusal('unreachable', `${target.key} cannot be reached (${err.message.split('\n')[0]})`),
        );
      });
    });

  const connect = (): Promise<WebSocket> => {
    if (socket && socket.readyState === WebSocket.OPEN) return Promise.resolve(socket);
    if (stopped) return Promise.reject(stopped);
    if (opening) return opening;
    const attempt = open().then(
      (ws) => {
        opening = null;
        if (closed) {
          ws.close();
          throw new ConnectRefusal('unreachable', 'the connection was closed');
        }
        socket = ws;
        retryMs = retry.firstMs;
        ws.on('message', onMessage);
        ws.on('close', () => {
          if (socket !== ws) return;
          socket = null;
          lost = true;
          failPending(`the connection to the mdsync server at ${target.key} was lost`);
          scheduleReconnect();
        });
        ws.on('error', () => undefined); // followed by 'close'
        const check = lost && sessionId ? sessionId : null;
        lost = false;
        if (!check) return ws;
        // A restarted service answers an unknown session as anonymous: find out, and say so once.
        return callOn(ws, 'auth:session', {}).then((r) => {
          if (r.ok && r.value === null && sessionId === check) {
            endSession('the mdsync server no longer knows your session (it may have restarted); log on again');
          }
          return ws;
        });
      },
      (err: unknown) => {
        opening = null;
        if (err instanceof ConnectRefusal && err.state === 'changed') {
          stopped = err;
          logger.log('warn', err.message);
          opts.onStopped?.(err);
        }
        throw err;
      },
    );
    opening = attempt;
    return attempt;
  };

  /** Replaces the socket (after the session changed); calls then go on the new one. */
  const reopen = () => {
    const old = socket;
    socket = null;
    if (old) {
      old.removeAllListeners('close');
      old.on('close', () => undefined);
      old.close();
    }
    failPending('the session changed while the call was under way');
    connect().catch(() => scheduleReconnect());
  };

  const unreachable = (err: unknown) =>
    fail('disconnected', err instanceof Error ? err.message : `the mdsync server at ${target.key} cannot be reached`);

  /** One call over an open socket, answered by id. */
  function callOn(ws: WebSocket, channel: string, input: unknown): Promise<Result<unknown>> {
    const id = nextId++;
    return new Promise<Result<unknown>>((resolve) => {
      pending.set(id, resolve);
      ws.send(JSON.stringify({ id, channel, input: input ?? {} }), (err) => {
        if (err && pending.delete(id)) resolve(unreachable(err));
      });
    });
  }

  await connect();

  return {
    target,
    connected: () => !!socket && socket.readyState === WebSocket.OPEN,
    async invoke(channel, input) {
      if (closed) return fail('disconnected', 'the connection to the server was closed');
      if (stopped) return fail('certificateChanged', stopped.message);
      if (SESSION_CHANNELS.has(channel)) {
        let answer;
        try {
          answer = await postCall(conn, { id: nextId++, channel, input: input ?? {} }, sessionId);
        } catch (err) {
          return unreachable(err);
        }
        if (channel === 'auth:logoff') {
          sessionId = null;
          reopen();
        } else if (answer.sessionId && answer.sessionId !== sessionId) {
          sessionId = answer.sessionId;
          reopen();
          await connect().catch(() => undefined);
        }
        return answer.result;
      }
      let ws: WebSocket;
      try {
        ws = await connect();
      } catch (err) {
        return unreachable(err);
      }
      return callOn(ws, channel, input);
    },
    close() {
      if (closed) return;
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      if (sessionId && !stopped) {
        // Leaving the server (another choice, or quitting): end the session there, best effort.
        const id = nextId++;
        postCall(conn, { id, channel: 'auth:logoff', input: {} }, sessionId).catch(() => undefined);
        sessionId = null;
      }
      const ws = socket;
      socket = null;
      ws?.close();
      failPending('the connection to the server was closed');
    },
  };
}

function withChanges(result: Result<unknown>, packed: unknown): Result<unknown> {
  if (!result.ok || packed === undefined) return result;
  try {
    return { ok: true, value: joinAnswer(result.value, packed as PackedChanges) };
  } catch (err) {
    return fail('internal', `a malformed answer arrived: ${(err as Error).message}`);
  }
}

function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}
