/**
 * The one place that decides whether an mdsync server's certificate is trusted, before a byte
 * of a request (a password, a session id) is written to the socket.
 *
 * Every connection to the server (HTTPS calls and the WebSocket) is opened here: the TLS
 * handshake runs with Node's verification (system CAs, host name) recorded but not enforced, the
 * certificate is judged, and only then is the socket handed to the HTTP client. A certificate
 * that verifies is accepted; one that does not is accepted only if its SHA-256 fingerprint is the
 * pin stored for this server; a different one is refused and says it changed.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import type { ServerTarget } from './server-address';
import { describeVerifyError } from '../cert-words';

/** Why a connection did not come about, as the Server field shows it. */
export type RefusalState = 'untrusted' | 'changed' | 'unreachable';

/** A refused or failed connection, with what the certificate showed. */
export class ConnectRefusal extends Error {
  constructor(
    readonly state: RefusalState,
    message: string,
    readonly fingerprint256: string | null = null,
    readonly subject: string | null = null,
  ) {
    super(message);
    this.name = 'ConnectRefusal';
  }
}

/** What a handshake showed about the certificate. */
export interface SeenCertificate {
  readonly authorized: boolean;
  readonly authorizationError: string | null;
  readonly fingerprint256: string | null;
  readonly subject: string | null;
}

/** Judges a certificate against the pin of `target`; null accepts it, a ConnectRefusal refuses it. */
export function judgeCertificate(
  target: ServerTarget,
  seen: SeenCertificate,
  pin: string | null,
): ConnectRefusal | null {
  const fp = seen.fingerprint256?.toUpperCase() ?? null;
  if (!fp) return new ConnectRefusal('unreachable', `${target.key} presented no TLS certificate`);
  if (seen.authorized) return null;
  if (pin && fp === pin.toUpperCase()) return null;
  if (pin) {
    return new ConnectRefusal(
      'changed',
      `the certificate of ${target.key} changed since you trusted it (was ${pin}, now ${fp}): the connection was refused; trust the new certificate only if the server's administrator confirms this fingerprint`,
      fp,
      seen.subject,
    );
  }
  return new ConnectRefusal(
    'untrusted',
    `the certificate of ${target.key} ${describeVerifyError(seen.authorizationError, target.host)} (SHA-256 ${fp}): trust it only if it is the fingerprint your mdsync server printed`,
    fp,
    seen.subject,
  );
}

function subjectOf(cert: tls.PeerCertificate): string | null {
  const s = cert.subject as Record<string, string | string[]> | undefined;
  if (!s) return null;
  return Object.entries(s)
    .flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${k}=${x}`))
    .join(', ');
}

function networkMessage(target: ServerTarget, err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return `${target.key} refused the connection: is mdsync server running there?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host name "${target.host}" cannot be resolved`;
    case 'ETIMEDOUT':
    case 'MDSYNC_TIMEOUT':
      return `${target.key} did not answer in time`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${target.key} cannot be reached from this computer`;
    case 'ECONNRESET':
      return `${target.key} closed the connection during the secure handshake: is it an mdsync server (HTTPS)?`;
    default:
      return `${target.key} cannot be reached (${err.code && /^[A-Z0-9_]{1,40}$/.test(err.code) ? err.code : 'TLS error'})`;
  }
}

/** Options of the connector: the pin is read on every connection, so a new trust applies at once. */
export interface ConnectorOptions {
  readonly target: ServerTarget;
  readonly pin: () => string | null;
  readonly timeoutMs: number;
  /** Extra CAs (tests); the system's are used otherwise. */
  readonly ca?: readonly string[];
}

/** Opens one judged TLS socket; rejects with a ConnectRefusal. */
export function openVerifiedSocket(opts: ConnectorOptions): Promise<tls.TLSSocket> {
  const { target } = opts;
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: target.host,
      port: target.port,
      ...(net.isIP(target.host) ? {} : { servername: target.host }),
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
      ...(opts.ca ? { ca: [...tls.rootCertificates, ...opts.ca] } : {}),
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new ConnectRefusal(
          'unreachable',
          networkMessage(target, Object.assign(new Error('timeout'), { code: 'MDSYNC_TIMEOUT' })),
        ),
      );
    }, opts.timeoutMs);
    const onError = (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new ConnectRefusal('unreachable', networkMessage(target, err)));
    };
    socket.once('error', onError);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      socket.removeListener('error', onError);
      const cert = socket.getPeerCertificate();
      const refusal = judgeCertificate(
        target,
        {
          authorized: socket.authorized,
          authorizationError: socket.authorizationError ? String(socket.authorizationError) : null,
          fingerprint256: cert?.fingerprint256 || null,
          subject: cert ? subjectOf(cert) : null,
        },
        opts.pin(),
      );
      if (refusal) {
        socket.destroy();
        reject(refusal);
      } else {
        resolve(socket);
      }
    });
  });
}

/**
 * A `createConnection` for `https.request` and `ws`: Node's HTTP client waits for the callback,
 * so nothing is written before the certificate is judged.
 */
export function verifiedConnector(
  opts: ConnectorOptions,
): (options: unknown, callback: (err: Error | null, socket?: Duplex) => void) => undefined {
  return (_options, callback) => {
    openVerifiedSocket(opts).then(
      (socket) => callback(null, socket),
      (err: Error) => callback(err),
    );
    return undefined;
  };
}
