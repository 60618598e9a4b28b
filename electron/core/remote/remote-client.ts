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
import { BridgeMessage, SESSION_CHANNELS } from '../../../shared/bridge-protocol';
import { fail, type Result } from '../../../shared/result';
import type { Logger } from '../logger';
import { postCall } from './remote-http';
import type { ServerTarget } from './server-address';
import { openSocket, type Conn } from './remote-socket';
import { ConnectRefusal } from './verified-socket';

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

/**
 * The client's state, one named field each: the session, the socket (open or being opened), the
 * calls waiting for an answer and the reconnection's pause.
 */
class Connection implements RemoteClient {
  readonly target: ServerTarget;
  private readonly conn: Conn;
  private readonly retry: { readonly firstMs: number; readonly maxMs: number };
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private sessionId: string | null = null;
  private socket: WebSocket | null = null;
  private opening: Promise<WebSocket> | null = null;
  private closed = false;
  /** Set when the certificate changed: the client gave up for good. */
  private stopped: ConnectRefusal | null = null;
  private retryMs: number;
  private retryTimer: NodeJS.Timeout | null = null;
  /** True after a socket was lost: the next one checks that the service still knows the session. */
  private lost = false;

  constructor(private readonly opts: RemoteClientOptions) {
    this.target = opts.target;
    this.conn = { target: opts.target, pin: opts.pin, timeoutMs: opts.timeoutMs ?? 10_000, ca: opts.ca };
    this.retry = opts.retry ?? { firstMs: 250, maxMs: 5000 };
    this.retryMs = this.retry.firstMs;
  }

  connected(): boolean {
    return !!this.socket && this.socket.readyState === WebSocket.OPEN;
  }

  async invoke(channel: string, input: unknown): Promise<Result<unknown>> {
    if (this.closed) return fail('disconnected', 'the connection to the server was closed');
    if (this.stopped) return fail('certificateChanged', this.stopped.message);
    if (SESSION_CHANNELS.has(channel)) return this.sessionCall(channel, input);
    let ws: WebSocket;
    try {
      ws = await this.connect();
    } catch (err) {
      return this.unreachable(err);
    }
    return this.callOn(ws, channel, input);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.sessionId && !this.stopped) {
      // Leaving the server (another choice, or quitting): end the session there, best effort.
      const id = this.nextId++;
      postCall(this.conn, { id, channel: 'auth:logoff', input: {} }, this.sessionId).catch(() => undefined);
      this.sessionId = null;
    }
    const ws = this.socket;
    this.socket = null;
    ws?.close();
    this.failPending('the connection to the server was closed');
  }

  /** Logon, first start, logoff: over HTTPS; a new or ended session reopens the socket as it. */
  private async sessionCall(channel: string, input: unknown): Promise<Result<unknown>> {
    let answer;
    try {
      answer = await postCall(this.conn, { id: this.nextId++, channel, input: input ?? {} }, this.sessionId);
    } catch (err) {
      return this.unreachable(err);
    }
    if (channel === 'auth:logoff') {
      this.sessionId = null;
      this.reopen();
    } else if (answer.sessionId && answer.sessionId !== this.sessionId) {
      this.sessionId = answer.sessionId;
      this.reopen();
      await this.connect().catch(() => undefined);
    }
    return answer.result;
  }

  /** The open socket, or the one being opened, or a new one. */
  connect(): Promise<WebSocket> {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) return Promise.resolve(this.socket);
    if (this.stopped) return Promise.reject(this.stopped);
    if (this.opening) return this.opening;
    const attempt = openSocket(this.conn, this.sessionId, () =>
      this.endSession('the mdsync server ended your session (it may have restarted); log on again'),
    ).then(
      (ws) => this.adopt(ws),
      (err: unknown) => {
        this.opening = null;
        if (err instanceof ConnectRefusal && err.state === 'changed') {
          this.stopped = err;
          this.opts.logger.log('warn', err.message);
          this.opts.onStopped?.(err);
        }
        throw err;
      },
    );
    this.opening = attempt;
    return attempt;
  }

  /** Makes a newly opened socket the client's; after a loss, checks the session is still known. */
  private async adopt(ws: WebSocket): Promise<WebSocket> {
    this.opening = null;
    if (this.closed) {
      ws.close();
      throw new ConnectRefusal('unreachable', 'the connection was closed');
    }
    this.socket = ws;
    this.retryMs = this.retry.firstMs;
    ws.on('message', (data) => this.onMessage(data));
    ws.on('close', () => {
      if (this.socket !== ws) return;
      this.socket = null;
      this.lost = true;
      this.failPending(`the connection to the mdsync server at ${this.target.key} was lost`);
      this.scheduleReconnect();
    });
    ws.on('error', () => undefined); // followed by 'close'
    const check = this.lost && this.sessionId ? this.sessionId : null;
    this.lost = false;
    if (!check) return ws;
    // A restarted service answers an unknown session as anonymous: find out, and say so once.
    const r = await this.callOn(ws, 'auth:session', {});
    if (r.ok && r.value === null && this.sessionId === check) {
      this.endSession('the mdsync server no longer knows your session (it may have restarted); log on again');
    }
    return ws;
  }

  private onMessage(data: WebSocket.RawData): void {
    let msg: BridgeMessage;
    try {
      const parsed = BridgeMessage.safeParse(JSON.parse(rawText(data)));
      if (!parsed.success) return;
      msg = parsed.data;
    } catch {
      return;
    }
    if ('id' in msg) {
      const done = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      done?.(msg.result);
      return;
    }
    if (msg.event === 'session:ended') {
      this.sessionId = null;
      this.reopen(); // the socket is still the session's: start an anonymous one
    }
    this.opts.onEvent(msg.event, msg.payload);
  }

  /** One call over an open socket, answered by id. */
  private callOn(ws: WebSocket, channel: string, input: unknown): Promise<Result<unknown>> {
    const id = this.nextId++;
    return new Promise<Result<unknown>>((resolve) => {
      this.pending.set(id, resolve);
      ws.send(JSON.stringify({ id, channel, input: input ?? {} }), (err) => {
        if (err && this.pending.delete(id)) resolve(this.unreachable(err));
      });
    });
  }

  /** Replaces the socket (after the session changed); calls then go on the new one. */
  private reopen(): void {
    const old = this.socket;
    this.socket = null;
    if (old) {
      old.removeAllListeners('close');
      old.on('close', () => undefined);
      old.close();
    }
    this.failPending('the session changed while the call was under way');
    this.connect().catch(() => this.scheduleReconnect());
  }

  private scheduleReconnect(): void {
    if (this.closed || this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect().catch(() => this.scheduleReconnect());
    }, this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, this.retry.maxMs);
  }

  private endSession(reason: string): void {
    if (!this.sessionId) return;
    this.sessionId = null;
    this.opts.onEvent('session:ended', { reason });
  }

  private failPending(message: string): void {
    for (const [id, done] of this.pending) {
      this.pending.delete(id);
      done(fail('disconnected', message));
    }
  }

  private unreachable(err: unknown): Result<never> {
    return fail(
      'disconnected',
      err instanceof Error ? err.message : `the mdsync server at ${this.target.key} cannot be reached`,
    );
  }
}

/** Opens a client; resolves once its first WebSocket is open, rejects with a ConnectRefusal. */
export async function openRemoteClient(opts: RemoteClientOptions): Promise<RemoteClient> {
  const client = new Connection(opts);
  await client.connect();
  return client;
}

function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}
