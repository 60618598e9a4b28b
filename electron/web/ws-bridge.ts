/**
 * The WebSocket half of the web carrier: the IPC contract over one socket per page, at BRIDGE_PATH.
 *
 * The upgrade takes the session from the cookie or from `Authorization: Bearer`; without one the
 * socket is anonymous and the registry lets it reach public channels only. The session-changing
 * channels are refused here (they need the HTTP answer's Set-Cookie): `POST /api/call` carries them.
 * When the session ends (Log off elsewhere, idle, lifetime, user deleted) the socket is told with
 * `session:ended` and its further calls answer `notLoggedOn`.
 */
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  BRIDGE_PATH,
  BridgeCall,
  JsonText,
  SESSION_CHANNELS,
  ANSWER_TAIL,
  answerHead,
  answerText,
} from '../../shared/bridge-protocol';
import type { EventName, EventPayload } from '../../shared/contract';
import { UserError, fail } from '../../shared/result';
import type { Logger, LogLevel } from '../core/logger';
import { dispatch, type Handlers } from '../api/registry';
import type { Session } from '../app/session';
import { TokenBucket, printable } from './limits';
import { hostAllowed, originAllowed, sameToken, sessionIdOf, splitTarget, type ServerPolicy } from './policy';
import { proxiedAddress } from './proxy-protocol';
import { parseUntrustedJson } from './safe-json';
import type { ServerSession, SessionStore } from './sessions';

type Emit = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** What the bridge needs from its server. */
export interface BridgeDeps {
  readonly policy: ServerPolicy;
  readonly port: () => number;
  readonly store: SessionStore;
  readonly handlers: Handlers;
  readonly logger: Logger;
  readonly maxMessageBytes: number;
  /** Called with each socket's session, so the services can push to it and end it. */
  readonly onSession?: (session: Session, emit: Emit) => () => void;
  /** An anonymous socket making no call is closed after this (network policy). */
  readonly idleMs?: number;
  /** Where lines a client can cause go (rate-limited); the logger by default. */
  readonly log?: (level: LogLevel, message: string) => void;
  /** Makes a session another server made known here first (sessions shared on PostgreSQL). */
  readonly loadSession?: (id: string | null) => Promise<void>;
}

/** How much one socket may ask: calls at once, then per second, in flight, and waiting. */
interface CallLimits {
  readonly burst: number;
  readonly perSecond: number;
  readonly inFlight: number;
  readonly queued: number;
}

/** A socket without a logon on the network: the logon page needs a handful of calls. */
export const ANONYMOUS_CALL_LIMITS: CallLimits = { burst: 20, perSecond: 2, inFlight: 2, queued: 8 };
/** A logged-on page (or browser mode's one person). */
export const USER_CALL_LIMITS: CallLimits = { burst: 200, perSecond: 50, inFlight: 8, queued: 256 };
/**
 * The largest message a socket without a logon may send on the network (its calls are tiny): a
 * larger one closes it before any parsing, so that strangers cannot make the service parse
 * megabytes of JSON.
 */
export const ANONYMOUS_MAX_MESSAGE_BYTES = 16 * 1024;
/** Refused calls in a row after which the socket is closed. */
const MAX_REFUSED_IN_A_ROW = 50;
/** Pings a client may send (ws answers each with a pong): a keep-alive needs one every few seconds. */
export const PING_LIMITS = { burst: 10, perSecond: 1 } as const;
/**
 * Output a client may leave unread (answers, events, pongs) before its socket is dropped: a client
 * that sends and never reads would otherwise have the service hold what it is owed in memory.
 */
export const MAX_UNREAD_BYTES = 8 * 1024 * 1024;

/** The client address of a request, as the log and the throttle see it. */
export function clientAddressOf(req: http.IncomingMessage): string {
  const a = proxiedAddress(req.socket) ?? req.socket.remoteAddress ?? 'unknown';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}

function refuse(socket: Duplex, status: number, text: string): void {
  socket.write(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

/**
 * One socket's outgoing messages. A JSON text answer goes out as fragments of one message, each
 * part sent once the previous one is written, so the whole text never exists here; the messages
 * other calls and events produce meanwhile wait and follow it (WebSocket fragments of two
 * messages cannot interleave). A failure before the first part answers the call with the error;
 * after it, the message cannot be finished: the socket is closed (1011) and the page reconnects.
 */
function messageSender(ws: WebSocket, logger: Logger) {
  const open = () => ws.readyState === ws.OPEN;
  let streaming = false;
  const waiting: (() => void)[] = [];
  const flush = () => {
    streaming = false;
    while (!streaming && waiting.length > 0) waiting.shift()!();
  };
  const written = (data: string, fin: boolean) =>
    new Promise<void>((resolve, reject) => ws.send(data, { fin }, (err) => (err ? reject(err) : resolve())));
  const sender = {
    send(text: string): void {
      if (streaming) waiting.push(() => sender.send(text));
      else if (open()) ws.send(text);
    },
    stream(call: BridgeCall, value: JsonText): void {
      if (streaming) {
        waiting.push(() => sender.stream(call, value));
        return;
      }
      streaming = true;
      void (async () => {
        const parts = value.parts[Symbol.asyncIterator]();
        let started = false;
        try {
          for (let next = await parts.next(); !next.done; next = await parts.next()) {
            if (!open()) break;
            if (!started) {
              started = true;
              await written(answerHead(call), false);
            }
            await written(next.value, false);
          }
          if (started && open()) await written(ANSWER_TAIL, true);
          if (!started && open()) ws.send(answerText(call, fail('internal', 'the answer was empty')));
        } catch (err) {
          // A page that went away while its list was sent is not a failure of the list.
          if (!open()) return;
          logger.log('error', `${call.channel} failed: ${err instanceof Error ? err.message : String(err)}`);
          if (!started) {
            const known = err instanceof UserError;
            if (open())
              ws.send(
                answerText(
                  call,
                  known
                    ? fail(err.code, err.message)
                    : fail('internal', 'an internal error occurred; the details are in the log'),
                ),
              );
          } else if (open()) {
            ws.close(1011, 'the answer could not be finished');
          }
        } finally {
          try {
            await parts.return?.(); // a reader that stopped early lets the database go
          } catch {
            // reported above
          }
          flush();
        }
      })();
    },
  };
  return sender;
}

/** Serves the bridge on a server's upgrades; returns the WebSocket server (to close it). */
export function attachBridge(server: http.Server, deps: BridgeDeps): WebSocketServer {
  const { policy, store } = deps;
  const log = deps.log ?? ((level: LogLevel, message: string) => deps.logger.log(level, message));
  const wss = new WebSocketServer({ noServer: true, maxPayload: deps.maxMessageBytes });
  // A handshake ws itself refuses (bad version, key or extension header): one line and a 400.
  wss.on('wsClientError', (err: Error, socket: Duplex, req: http.IncomingMessage) => {
    log('warn', `WebSocket handshake from ${clientAddressOf(req)} refused: ${printable(err.message)}`);
    refuse(socket, 400, 'Bad Request');
  });
  wss.on('error', (err: Error) => log('error', `WebSocket server: ${printable(err.message)}`));

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {}); // a reset during the handshake ends this socket only
    try {
      upgrade(req, socket, head);
    } catch (err) {
      log('error', `WebSocket upgrade from ${clientAddressOf(req)} failed: ${printable(String(err), 300)}`);
      refuse(socket, 500, 'Internal Server Error');
    }
  });

  function upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer) {
    const url = splitTarget(req.url);
    const port = deps.port();
    // Every refused upgrade: one line (rate-limited), like every other bad request.
    const refused = (status: number, text: string) => {
      log('warn', `WebSocket upgrade from ${clientAddressOf(req)} refused: ${status} ${printable(req.url ?? '')}`);
      refuse(socket, status, text);
    };
    if (!url) return refused(400, 'Bad Request');
    if (url.path !== BRIDGE_PATH) return refused(404, 'Not Found');
    if (!hostAllowed(policy, port, req.headers.host)) return refused(421, 'Misdirected Request');
    const { id, bearer } = sessionIdOf(req, policy);
    const origin = req.headers.origin;
    if (policy.kind === 'loopback') {
      if (!originAllowed(policy, port, origin) || !sameToken(url.query.get('token'), policy.token)) {
        return refused(403, 'Forbidden');
      }
    } else if (origin !== undefined ? !originAllowed(policy, port, origin) : !bearer) {
      // A browser always sends Origin; only a non-browser client with a bearer may leave it out.
      return refused(403, 'Forbidden');
    }
    const address = clientAddressOf(req);
    const accept = () => {
      const entry = store.get(id);
      wss.handleUpgrade(req, socket, head, (ws) => serve(ws, entry, address));
    };
    if (!deps.loadSession || !id || store.has(id)) return accept();
    // A session another server made: loaded from the shared table first (sessions on PostgreSQL).
    deps.loadSession(id).then(
      () => {
        try {
          accept();
        } catch (err) {
          log('error', `WebSocket upgrade from ${address} failed: ${printable(String(err), 300)}`);
          refuse(socket, 500, 'Internal Server Error');
        }
      },
      (err: unknown) => {
        log(
          'error',
          `WebSocket upgrade from ${address}: the session could not be loaded: ${printable(String(err), 300)}`,
        );
        refuse(socket, 503, 'Service Unavailable');
      },
    );
  }

  function serve(ws: WebSocket, entry: ServerSession | null, clientAddress: string) {
    const session: Session = entry?.session ?? { user: null };
    const out = messageSender(ws, deps.logger);
    const emit: Emit = (event, payload) => out.send(JSON.stringify({ event, payload }));
    const release = deps.onSession?.(session, emit);
    const unsubscribe = entry ? store.onEnd(entry.id, (reason) => emit('session:ended', { reason })) : undefined;
    if (entry) store.touch(entry);
    const anonymousLimits = policy.kind === 'network' ? ANONYMOUS_CALL_LIMITS : USER_CALL_LIMITS;
    const limitsNow = () => (session.user ? USER_CALL_LIMITS : anonymousLimits);
    const buckets = new Map<CallLimits, TokenBucket>();
    const bucket = (l: CallLimits) => {
      let b = buckets.get(l);
      if (!b) buckets.set(l, (b = new TokenBucket(l.burst, l.perSecond)));
      return b;
    };
    let closed = false;
    let inFlight = 0;
    let refusedInARow = 0;
    const queue: BridgeCall[] = [];
    /** A client that does not read what it is sent: dropped at once (a close frame would wait behind the rest). */
    const unread = (): boolean => {
      if (ws.readyState !== ws.OPEN) return true; // gone already: nothing more is sent
      if (ws.bufferedAmount <= MAX_UNREAD_BYTES) return false;
      log('warn', `WebSocket from ${clientAddress} dropped: ${ws.bufferedAmount} bytes sent to it are unread`);
      ws.terminate();
      return true;
    };
    const send = (text: string) => {
      if (!unread()) out.send(text);
    };
    /** A client breaking the protocol: one line, the socket closed; the service goes on. */
    const violation = (code: number, why: string) => {
      log('warn', `WebSocket from ${clientAddress} closed: ${why}`);
      ws.close(code, why.slice(0, 100));
    };

    // An anonymous socket on the network making no call is closed after the idle time; the page
    // opens a new one when it needs it. A logged-on socket is looked at again each idle time, so
    // one whose session ended (log off, expiry, deletion) is closed like an anonymous one.
    let idle: NodeJS.Timeout | undefined;
    const armIdle = () => {
      if (policy.kind !== 'network' || !deps.idleMs) return;
      clearTimeout(idle);
      idle = setTimeout(() => {
        if (closed) return;
        if (session.user) armIdle();
        else ws.close(1008, 'no logon: idle connection closed');
      }, deps.idleMs).unref();
    };
    armIdle();

    const run = (call: BridgeCall) => {
      inFlight += 1;
      if (entry) store.touch(entry); // an ended session has no user: the registry answers notLoggedOn
      const ctx = { session, emit, clientAddress, takesJsonText: true };
      void dispatch(deps.handlers, call.channel, call.input, ctx, deps.logger)
        .then((result) => {
          if (!(result.ok && result.value instanceof JsonText)) return send(answerText(call, result));
          out.stream(call, result.value);
        })
        .catch((err: unknown) => log('error', `${call.channel} failed: ${printable(String(err), 300)}`))
        .finally(() => {
          inFlight -= 1;
          // The calls of a socket that closed meanwhile are dropped, not run for nobody.
          while (!closed && queue.length > 0 && inFlight < limitsNow().inFlight) run(queue.shift()!);
        });
    };

    const onMessage = (data: unknown, isBinary: boolean) => {
      armIdle();
      if (isBinary) return violation(1003, 'a binary message (calls are JSON text)');
      const size = Buffer.isBuffer(data) ? data.length : String(data).length;
      if (policy.kind === 'network' && !session.user && size > ANONYMOUS_MAX_MESSAGE_BYTES) {
        return violation(1009, `a message of ${size} bytes before logon`);
      }
      const text = Buffer.isBuffer(data) ? data.toString('utf8') : String(data);
      let call: BridgeCall;
      try {
        const parsed = BridgeCall.safeParse(parseUntrustedJson(text));
        if (!parsed.success) return violation(1008, 'a message that is not a call');
        call = parsed.data;
      } catch (err) {
        return violation(
          1007,
          `a message that is not acceptable JSON (${err instanceof Error ? err.message : 'invalid'})`,
        );
      }
      if (SESSION_CHANNELS.has(call.channel)) {
        const refused = fail('useHttp', `${call.channel} is carried by POST /api/call, not the WebSocket`);
        return send(JSON.stringify({ id: call.id, result: refused }));
      }
      if (policy.kind === 'network' && call.channel === 'app:log') {
        return send(answerText(call, fail('notCarried', 'app:log is not carried over the network')));
      }
      const limits = limitsNow();
      if (!bucket(limits).take() || queue.length >= limits.queued) {
        refusedInARow += 1;
        if (refusedInARow === 1) log('warn', `calls from ${clientAddress} refused: too many on one connection`);
        if (refusedInARow >= MAX_REFUSED_IN_A_ROW) return violation(1008, 'too many calls');
        return send(answerText(call, fail('busy', 'too many calls on this connection; try again in a few seconds')));
      }
      refusedInARow = 0;
      if (inFlight < limits.inFlight) run(call);
      else queue.push(call);
    };

    const pings = new TokenBucket(PING_LIMITS.burst, PING_LIMITS.perSecond);
    ws.on('ping', () => {
      if (unread() || closed) return;
      if (!pings.take()) violation(1008, 'too many pings');
    });

    ws.on('message', (data, isBinary) => {
      try {
        onMessage(data, isBinary);
      } catch (err) {
        log('error', `a WebSocket message from ${clientAddress} failed: ${printable(String(err), 300)}`);
        if (!closed) ws.close(1011, 'internal error');
      }
    });
    // A protocol violation (an oversized message) ends this socket only. ws has already sent the
    // close frame with its code (1009); cutting the socket at once could drop that frame before
    // it is written (TLS writes are queued), so the peer gets a second to read it.
    ws.on('error', (err: Error) => {
      log('warn', `WebSocket from ${clientAddress} closed: ${printable(err.message)}`);
      setTimeout(() => ws.terminate(), 1000).unref();
    });
    ws.on('close', () => {
      closed = true;
      queue.length = 0;
      clearTimeout(idle);
      release?.();
      unsubscribe?.();
    });
  }

  return wss;
}
