/**
 * `window.api` for browser mode and the network service: the contract over the WebSocket bridge.
 *
 * Every call and event goes through one socket, except logon, first start and logoff: they go to
 * `POST /api/call`, whose answer sets or clears the HttpOnly session cookie, and then the socket is
 * replaced so that the next one is opened with the new cookie. Browser mode's URL token, when the
 * page has one, goes along with both. The event listeners live here, not on a socket: messages are
 * dispatched from whichever socket is current, and while anything listens a dropped socket is
 * reopened (with a growing pause), so pushed events keep arriving after a reconnect.
 */
import { BRIDGE_PATH, BridgeMessage, CALL_PATH, RECONNECT_CODE, SESSION_CHANNELS } from '../../shared/bridge-protocol';
import type { Api, ChannelName, EventName } from '../../shared/contract';
import type { ErrorCode, Result } from '../../shared/result';

/**
 * The part of the browser's WebSocket this client uses; declared here so the module also
 * type-checks in Node, where its test runs it against the real bridge server.
 */
interface Socket {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  onopen: (() => void) | null;
  onerror: (() => void) | null;
  onclose: ((ev: { code: number }) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}
declare const WebSocket: { new (url: string): Socket; readonly OPEN: number };

type Listener = (payload: unknown) => void;
interface Pending {
  readonly ws: Socket;
  readonly done: (result: Result<unknown>) => void;
}

const RECONNECT_FIRST_MS = 250;
const RECONNECT_MAX_MS = 5000;

function failure(code: ErrorCode, message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

/** Connects to the server's bridge and exposes it as the contract's Api. */
export function createWsApi(location: { protocol: string; host: string; search: string }): Api {
  const token = new URLSearchParams(location.search).get('token');
  const query = token ? `?token=${encodeURIComponent(token)}` : '';
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${BRIDGE_PATH}${query}`;
  const callUrl = `${location.protocol}//${location.host}${CALL_PATH}${query}`;
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<Listener>>();
  let nextId = 1;
  let socket: Socket | null = null;
  let opening: Promise<Socket> | null = null;
  let retryMs = RECONNECT_FIRST_MS;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** Sockets of a previous session, closed once their calls are answered. */
  const retiring = new Set<Socket>();

  const listening = () => [...listeners.values()].some((set) => set.size > 0);
  const pendingOn = (ws: Socket) => [...pending.values()].some((p) => p.ws === ws);

  const scheduleReconnect = () => {
    if (retryTimer || !listening()) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void connect().catch(() => scheduleReconnect());
    }, retryMs);
    retryMs = Math.min(Math.max(retryMs * 2, RECONNECT_FIRST_MS), RECONNECT_MAX_MS);
  };

  const onMessage = (ws: Socket, ev: { data: unknown }) => {
    let raw: unknown;
    try {
      raw = JSON.parse(String(ev.data));
    } catch {
      return;
    }
    const parsed = BridgeMessage.safeParse(raw);
    if (!parsed.success) return;
    const msg = parsed.data;
    if ('id' in msg) {
      const p = pending.get(msg.id);
      pending.delete(msg.id);
      p?.done(msg.result);
      if (retiring.has(ws) && !pendingOn(ws)) ws.close();
    } else if (!retiring.has(ws)) {
      for (const l of listeners.get(msg.event) ?? []) l(msg.payload);
    }
  };

  const onClose = (ws: Socket, code: number) => {
    retiring.delete(ws);
    // A draining server: reconnect at once (through the balancer, to another server).
    if (code === RECONNECT_CODE) retryMs = 0;
    for (const [id, p] of pending) {
      if (p.ws !== ws) continue;
      pending.delete(id);
      p.done(failure('disconnected', 'the connection to the mdsync server was closed'));
    }
    if (socket !== ws) return;
    socket = null;
    scheduleReconnect();
  };

  const connect = (): Promise<Socket> => {
    if (socket && socket.readyState === WebSocket.OPEN) return Promise.resolve(socket);
    if (opening) return opening;
    opening = new Promise<Socket>((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.onopen = () => {
        socket = ws;
        opening = null;
        retryMs = RECONNECT_FIRST_MS;
        resolve(ws);
      };
      ws.onerror = () => {
        if (socket === ws) return; // an open socket's error is followed by its close
        opening = null;
        reject(new Error('cannot reach the mdsync server: is it still running?'));
      };
      ws.onclose = (ev) => onClose(ws, ev.code);
      ws.onmessage = (ev) => onMessage(ws, ev);
    });
    return opening;
  };

  /** The session changed: the current socket still answers its calls, then closes; a new one follows. */
  const renewSocket = () => {
    const old = socket;
    socket = null;
    if (old) {
      retiring.add(old);
      if (!pendingOn(old)) old.close();
    }
    if (listening()) void connect().catch(() => scheduleReconnect());
  };

  /** Logon, first start, logoff: over HTTP, so the answer can set or clear the session cookie. */
  const invokeHttp = async (channel: ChannelName, input: unknown): Promise<Result<unknown>> => {
    const id = nextId++;
    let res: Response;
    try {
      res = await fetch(callUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id, channel, input: input ?? {} }),
        credentials: 'same-origin',
        cache: 'no-store',
      });
    } catch {
      return failure('disconnected', 'cannot reach the mdsync server: is it still running?');
    }
    if (!res.ok) return failure('refused', `the mdsync server refused the call (HTTP ${res.status})`);
    let parsed;
    try {
      parsed = BridgeMessage.safeParse(await res.json());
    } catch {
      parsed = null;
    }
    if (!parsed?.success || !('id' in parsed.data)) return failure('internal', 'a malformed answer arrived');
    renewSocket();
    return parsed.data.result;
  };

  return {
    async invoke(channel: ChannelName, input: unknown) {
      if (SESSION_CHANNELS.has(channel)) return invokeHttp(channel, input) as never;
      let ws: Socket;
      try {
        ws = await connect();
      } catch (err) {
        return failure('disconnected', (err as Error).message);
      }
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, { ws, done: resolve as Pending['done'] });
        ws.send(JSON.stringify({ id, channel, input: input ?? {} }));
      });
    },
    on(event: EventName, listener: (payload: never) => void) {
      const set = listeners.get(event) ?? new Set<Listener>();
      set.add(listener as Listener);
      listeners.set(event, set);
      void connect().catch(() => scheduleReconnect());
      return () => set.delete(listener as Listener);
    },
  };
}
