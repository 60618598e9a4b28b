/**
 * `window.api` for browser mode: the same contract over the WebSocket that `npm run web` serves.
 *
 * The page's URL carries the session token; every call and event goes through one socket. The
 * event listeners live here, not on a socket: messages are dispatched from whichever socket is
 * current, and while anything listens a dropped socket is reopened (with a growing pause), so
 * pushed events keep arriving after a reconnect.
 */
import { BRIDGE_PATH, BridgeMessage, joinAnswer, type PackedChanges } from '../../shared/bridge-protocol';
import type { Api, ChannelName, EventName } from '../../shared/contract';
import type { Result } from '../../shared/result';

/**
 * The part of the browser's WebSocket this client uses; declared here so the module also
 * type-checks in Node, where its test runs it against the real bridge server.
 */
interface Socket {
  readonly readyState: number;
  send(data: string): void;
  onopen: (() => void) | null;
  onerror: (() => void) | null;
  onclose: (() => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}
declare const WebSocket: { new (url: string): Socket; readonly OPEN: number };

type Pending = (result: Result<unknown>) => void;
type Listener = (payload: unknown) => void;

const RECONNECT_FIRST_MS = 250;
const RECONNECT_MAX_MS = 5000;

/** Connects to browser mode's bridge and exposes it as the contract's Api. */
export function createWsApi(location: { protocol: string; host: string; search: string }): Api {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${BRIDGE_PATH}?token=${encodeURIComponent(token)}`;
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<Listener>>();
  let nextId = 1;
  let socket: Socket | null = null;
  let opening: Promise<Socket> | null = null;
  let retryMs = RECONNECT_FIRST_MS;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;

  const listening = () => [...listeners.values()].some((set) => set.size > 0);

  const scheduleReconnect = () => {
    if (retryTimer || !listening()) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void connect().catch(() => scheduleReconnect());
    }, retryMs);
    retryMs = Math.min(retryMs * 2, RECONNECT_MAX_MS);
  };

  const onMessage = (ev: { data: unknown }) => {
    const parsed = BridgeMessage.safeParse(JSON.parse(String(ev.data)));
    if (!parsed.success) return;
    const msg = parsed.data;
    if ('id' in msg) {
      const done = pending.get(msg.id);
      pending.delete(msg.id);
      done?.(withChanges(msg.result, msg.packedChanges));
    } else {
      for (const l of listeners.get(msg.event) ?? []) l(msg.payload);
    }
  };

  const onClose = (ws: Socket) => {
    if (socket !== ws) return;
    socket = null;
    for (const [id, done] of pending) {
      pending.delete(id);
      done({ ok: false, error: { code: 'disconnected', message: 'the connection to the mdsync server was closed' } });
    }
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
        reject(new Error('cannot reach the mdsync server: is `npm run web` still running?'));
      };
      ws.onclose = () => onClose(ws);
      ws.onmessage = onMessage;
    });
    return opening;
  };

  return {
    async invoke(channel: ChannelName, input: unknown) {
      let ws: Socket;
      try {
        ws = await connect();
      } catch (err) {
        return { ok: false, error: { code: 'disconnected', message: (err as Error).message } };
      }
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve as Pending);
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

/** Puts a packed change list back into its answer (see bridge-protocol). */
function withChanges(result: Result<unknown>, packed: unknown): Result<unknown> {
  if (!result.ok || packed === undefined) return result;
  try {
    return { ok: true, value: joinAnswer(result.value, packed as PackedChanges) };
  } catch (err) {
    return { ok: false, error: { code: 'internal', message: `a malformed answer arrived: ${(err as Error).message}` } };
  }
}
