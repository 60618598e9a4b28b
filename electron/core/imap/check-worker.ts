/**
 * The IMAP check in a worker thread (dist/imap-worker.cjs, started by check-pool.ts): says
 * `{ ready: true }` once loaded, then answers each request `{ id, settings, user, password }` with
 * `{ id, result }`. The password lives only in this message and the check's own memory; nothing
 * here logs.
 */
import { parentPort } from 'node:worker_threads';
import { checkImapLogin } from './imap-check';
import type { CheckRequest, CheckResponse } from './check-pool';

const port = parentPort;
if (port) {
  port.on('message', (m: CheckRequest) => {
    const answer = (result: CheckResponse['result']) => port.postMessage({ id: m.id, result } satisfies CheckResponse);
    // checkImapLogin answers every failure itself; anything else is this worker's own fault.
    checkImapLogin(m.settings, m.user, m.password).then(answer, (err: unknown) =>
      answer({
        ok: false,
        error: {
          code: 'network',
          message: `the IMAP check failed: ${err instanceof Error ? err.message : String(err)}`,
        },
        ms: 0,
      }),
    );
  });
  port.postMessage({ ready: true });
}
