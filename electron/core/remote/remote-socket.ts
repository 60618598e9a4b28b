/**
 * One WebSocket attempt of the desktop app's remote client (remote-client.ts): the verified TLS
 * connection, the session as a bearer token, and a refused session retried anonymously.
 */
import WebSocket from 'ws';
import { BRIDGE_PATH } from '../../../shared/bridge-protocol';
import { ConnectRefusal, verifiedConnector } from './verified-socket';

/** What one connection attempt needs: where, how long, which CAs and pin. */
export type Conn = Parameters<typeof verifiedConnector>[0];

/**
 * Opens one WebSocket to the service, as the session `bearer` (or anonymous). A session the service
 * refuses (HTTP 401/403) is reported through `onSessionRefused` and the attempt goes on anonymously.
 */
export function openSocket(conn: Conn, bearer: string | null, onSessionRefused: () => void): Promise<WebSocket> {
  const { target } = conn;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`wss://${target.authority}${BRIDGE_PATH}`, {
      createConnection: verifiedConnector(conn) as never,
      headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
      origin: target.origin,
      handshakeTimeout: conn.timeoutMs,
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
        onSessionRefused();
        openSocket(conn, null, onSessionRefused).then(resolve, reject);
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
}
