/**
 * `window.api` for browser mode: the same contract over the WebSocket that `npm run web` serves.
 *
 * The page's URL carries the session token; every call and event goes through one socket.
 */
import { BRIDGE_PATH, BridgeMessage } from '../../shared/bridge-protocol';
import type { Api, ChannelName, EventName } from '../../shared/contract';
import type { Result } from '../../shared/result';

type Pending = (result: Result<unknown>) => void;

/** Connects to browser mode's bridge and exposes it as the contract's Api. */
export function createWsApi(location: Location): Api {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${BRIDGE_PATH}?token=${encodeURIComponent(token)}`;
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let nextId = 1;
  let socket: WebSocket | null = null;
  let opening: Promise<WebSocket> | null = null;

  const connect = (): Promise<WebSocket> => {
    if (socket && socket.readyState === WebSocket.OPEN) return Promise.resolve(socket);
    if (opening) return opening;
    opening = new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.onopen = () => {
        socket = ws;
        opening = null;
        resolve(ws);
      };
      ws.onerror = () => {
        opening = null;
        reject(new Error('cannot reach the mdsync server: is `npm run web` still running?'));
      };
      ws.onclose = () => {
        socket = null;
        for (const [id, done] of pending) {
          pending.delete(id);
          done({
            ok: false,
            error: { code: 'disconnected', message: 'the connection to the mdsync server was closed' },
          });
        }
      };
      ws.onmessage = (ev: MessageEvent<string>) => {
        const parsed = BridgeMessage.safeParse(JSON.parse(ev.data));
        if (!parsed.success) return;
        const msg = parsed.data;
        if ('id' in msg) {
          const done = pending.get(msg.id);
          pending.delete(msg.id);
          done?.(msg.result);
        } else {
          for (const l of listeners.get(msg.event) ?? []) l(msg.payload);
        }
      };
    });
    return opening;
  };

  return {
    async invoke(channel: ChannelName, input: unknown) {
      let ws: WebSocket;
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
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: unknown) => void);
      listeners.set(event, set);
      void connect().catch(() => undefined);
      return () => set.delete(listener as (payload: unknown) => void);
    },
  };
}
