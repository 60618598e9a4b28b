/**
 * The service's session calls over HTTPS: `POST /api/call` for logon, first start and logoff, the
 * only calls that create or end a session (the session id travels in a cookie the service sets).
 */
import https from 'node:https';
import { CALL_PATH } from '../../../shared/bridge-protocol';
import type { Result } from '../../../shared/result';
import type { ServerTarget } from './server-address';
import { ConnectRefusal, verifiedConnector, type ConnectorOptions } from './verified-socket';

/** The service's session cookie. */
export const SESSION_COOKIE = '__Host-mdsync_session';

/** The longest answer read (a logon answer is a few hundred bytes). */
const MAX_ANSWER = 1024 * 1024;

/** An answer to a POSTed call, with the session id the service set, if it set one. */
export interface PostAnswer {
  readonly result: Result<unknown>;
  readonly sessionId: string | null;
}

/** Reads our cookie's value out of Set-Cookie headers. */
export function sessionIdFrom(setCookie: readonly string[] | undefined): string | null {
  for (const line of setCookie ?? []) {
    const first = line.split(';')[0] ?? '';
    const eq = first.indexOf('=');
    if (eq > 0 && first.slice(0, eq).trim() === SESSION_COOKIE) {
      const value = first.slice(eq + 1).trim();
      return value && /^[\x21-\x7e]+$/.test(value) ? value : null;
    }
  }
  return null;
}

/** The Host header for a target (as Node's HTTP client writes it for the WebSocket too). */
export function hostHeader(target: ServerTarget): string {
  return target.authority;
}

/** POSTs one call; resolves with the answer, rejects with a ConnectRefusal or a one-line Error. */
export function postCall(
  conn: ConnectorOptions,
  call: { id: number; channel: string; input: unknown },
  sessionId: string | null,
): Promise<PostAnswer> {
  const target = conn.target;
  const body = JSON.stringify(call);
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        method: 'POST',
        host: target.host,
        port: target.port,
        path: CALL_PATH,
        createConnection: verifiedConnector(conn) as never,
        headers: {
          host: hostHeader(target),
          origin: target.origin,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...(sessionId ? { cookie: `${SESSION_COOKIE}=${sessionId}` } : {}),
        },
        timeout: conn.timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_ANSWER) req.destroy(new Error(`${target.key} sent an answer too long to be a call's`));
          else chunks.push(c);
        });
        res.on('end', () => {
          if (res.statusCode !== 200) {
            reject(
              new Error(`${target.key} refused the call (HTTP ${res.statusCode ?? '?'}): is it an mdsync server?`),
            );
            return;
          }
          let answer: { id?: unknown; result?: Result<unknown> };
          try {
            answer = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof answer;
          } catch {
            reject(new Error(`${target.key} answered with something other than JSON: is it an mdsync server?`));
            return;
          }
          if (answer.id !== call.id || !answer.result || typeof answer.result.ok !== 'boolean') {
            reject(new Error(`${target.key} sent a malformed answer`));
            return;
          }
          resolve({ result: answer.result, sessionId: sessionIdFrom(res.headers['set-cookie']) });
        });
        res.on('error', (err) => reject(err));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${target.key} did not answer in time`)));
    req.on('error', (err) => reject(err instanceof ConnectRefusal ? err : new Error(oneLine(err, target))));
    req.end(body);
  });
}

function oneLine(err: Error, target: ServerTarget): string {
  if (err.message.startsWith(target.key)) return err.message;
  const code = (err as NodeJS.ErrnoException).code;
  return `the connection to ${target.key} failed${code && /^[A-Z0-9_]{1,40}$/.test(code) ? ` (${code})` : ''}`;
}
