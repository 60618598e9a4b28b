/**
 * `POST /api/call`: the session-changing channels (logon, first start, logoff), answered over
 * HTTPS because they set or clear the session cookie. Everything else goes over the WebSocket
 * bridge (ws-bridge.ts).
 */
import type http from 'node:http';
import { BridgeCall, SESSION_CHANNELS, answerText } from '../../shared/bridge-protocol';
import { fail } from '../../shared/result';
import type { Logger } from '../core/logger';
import { dispatch, type Handlers } from '../api/registry';
import type { Session } from '../app/session';
import { readBody } from './connection-guards';
import { tokenAllowed, type Route } from './page-route';
import { MAX_CALL_BYTES, originAllowed, sessionCookie, sessionIdOf, type ServerPolicy } from './policy';
import { parseUntrustedJson } from './safe-json';
import { deviceSlot, type SessionStore } from './sessions';
import { clientAddressOf, type BridgeDeps } from './ws-bridge';

/** What the call endpoint needs. */
export interface CallRouteDeps {
  readonly policy: ServerPolicy;
  /** The port listened on (known once listening), for the Origin check. */
  readonly port: () => number;
  readonly store: SessionStore;
  /** The sessions shared with the other servers on the database, where they are. */
  readonly shared: { load(id: string | null): Promise<void> } | undefined;
  readonly handlers: Handlers;
  readonly logger: Logger;
  readonly onSession?: BridgeDeps['onSession'];
}

/** The route of `POST /api/call`. */
export function callRoute(deps: CallRouteDeps): Route {
  return async (req, res, { query, headers, deny }) => {
    const { policy, store } = deps;
    if (req.method !== 'POST') return deny(405, 'method not allowed');
    const origin = req.headers.origin;
    if (origin !== undefined && !originAllowed(policy, deps.port(), origin)) return deny(403, 'wrong origin');
    if (!tokenAllowed(policy, req, query)) return deny(403, 'forbidden');
    if (!/^application\/json(;|$)/i.test(req.headers['content-type'] ?? '')) {
      return deny(415, 'the body must be application/json');
    }
    const call = await readCall(req, res, headers, deny);
    if (!call) return;
    if (!SESSION_CHANNELS.has(call.channel)) return deny(400, `${call.channel.slice(0, 64)} is not carried here`);
    const clientAddress = clientAddressOf(req);
    await deps.shared?.load(sessionIdOf(req, policy).id); // a session another server made
    const previous = store.get(sessionIdOf(req, policy).id);
    const emit = () => {};
    const reply: Record<string, string> = { ...headers, 'content-type': 'application/json; charset=utf-8' };
    if (call.channel === 'auth:logoff') {
      const ctx = { session: previous?.session ?? { user: null }, emit, clientAddress };
      const result = await dispatch(deps.handlers, call.channel, call.input, ctx, deps.logger);
      if (previous) {
        store.end(previous.id, 'you logged off');
        await store.recorded(previous.id); // no server accepts it after this answer
      }
      reply['set-cookie'] = sessionCookie(policy, null);
      res.writeHead(200, reply);
      res.end(answerText(call, result));
      return;
    }
    if (call.channel === 'auth:setup-admin' && policy.kind === 'network') {
      // Whoever reached a fresh service first would own it: first start takes the one-time code
      // the service printed on its console (browser mode's token already proves the local user).
      const given = (call.input as { setupCode?: unknown } | null | undefined)?.setupCode;
      if (!policy.firstStart?.check(given)) {
        const refused = fail(
          'setupCode',
          policy.firstStart?.value
            ? 'type the one-time code that mdsync server printed on its console when it started'
            : 'set the administrator password on the server itself: mdsync users passwd admin --password-stdin',
        );
        res.writeHead(200, reply);
        res.end(answerText(call, refused));
        return;
      }
    }
    // A logon always starts a fresh session with a new id: a planted id is never promoted.
    const fresh: Session = { user: null };
    // A check still queued when the client has gone is dropped; a known device skips the name's slowdown.
    const gone = new AbortController();
    res.once('close', () => gone.abort());
    const device = deviceSlot(req, policy.kind === 'network');
    const ctx = { session: fresh, emit, clientAddress, signal: gone.signal, device };
    const result = await dispatch(deps.handlers, call.channel, call.input, ctx, deps.logger);
    if (call.channel === 'auth:setup-admin' && result.ok && policy.kind === 'network') policy.firstStart?.spend();
    const cookies: string[] = [];
    if (fresh.user) {
      if (previous) store.end(previous.id, 'you logged on again');
      // The services follow the session itself, not only its sockets: deleting the user or taking
      // away its logon privilege ends it even while no page of it is open.
      const release = deps.onSession?.(fresh, () => {});
      const made = store.create(fresh, clientAddress, release);
      // Answered once the shared table holds it: the next connection may reach another server.
      await Promise.all([store.recorded(made.id), previous ? store.recorded(previous.id) : undefined]);
      cookies.push(sessionCookie(policy, made.id));
      if (device.issued) cookies.push(device.issued);
    }
    res.writeHead(200, cookies.length > 0 ? { ...reply, 'set-cookie': cookies } : reply);
    res.end(answerText(call, result));
  };
}

/** The body as a call, or null once answered (too large, not JSON, not a call). */
async function readCall(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  headers: Record<string, string>,
  deny: (status: number, text: string) => void,
): Promise<BridgeCall | null> {
  const body = await readBody(req, MAX_CALL_BYTES);
  if (body === null) {
    res.setHeader('connection', 'close');
    deny(413, 'the body is too large');
    req.destroy();
    return null;
  }
  try {
    const parsed = BridgeCall.safeParse(parseUntrustedJson(body));
    if (parsed.success) return parsed.data;
    deny(400, 'the body is not a call');
  } catch (err) {
    deny(400, `the body is not acceptable JSON (${err instanceof Error ? err.message : 'invalid'})`);
  }
  return null;
}
