/**
 * The logged-on pages the service tests drive: a bridge socket of a user (logged on over HTTP,
 * then the WebSocket with its cookie), an answer's code, and waiting until a change reached it.
 */
import { type BridgeClient, type ServiceProcess, logOn, openBridge } from './service-process';

/** Logs `userName` on to `service` and opens the bridge with the session's cookie, as its page would. */
export async function logOnSocket(service: ServiceProcess, userName: string, password: string): Promise<BridgeClient> {
  return openBridge(service, { cookie: await logOn(service, userName, password) });
}

/** A bridge answer's code: `ok`, or the error's code. */
export const answerCode = (r: { ok: boolean; error?: { code: string } }): string | undefined =>
  r.ok ? 'ok' : r.error?.code;

/** Resolves with the milliseconds until `probe` holds, polling every 50 ms; fails after `limitMs`. */
export async function within(limitMs: number, probe: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (!(await probe())) {
    if (Date.now() - started > limitMs) throw new Error(`not within ${limitMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - started;
}
