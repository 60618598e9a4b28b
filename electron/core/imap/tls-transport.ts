/**
 * The sockets under imapflow, with one place that decides whether a server certificate is trusted.
 *
 * Every TLS handshake (IMAP-SSL from the first byte, or after STARTTLS) runs with Node's own
 * verification recorded but not enforced, so the certificate can be read and reported even when
 * it is refused ("Trust this certificate" in the UI needs its fingerprint). The decision is then
 * taken before imapflow sees the connection, i.e. before a password is sent:
 * a pinned fingerprint trusts exactly that certificate; otherwise a certificate that verifies
 * (chain and host name) is accepted, and an untrusted one only with "ignore certificate".
 */
import net from 'node:net';
import tls, { type PeerCertificate } from 'node:tls';
import type { ImapTransport } from 'imapflow';
import type { CertificateInfo } from '../../../shared/model';
import { describeVerifyError } from '../cert-words';

/** How certificates are judged. */
export interface TlsPolicy {
  ignoreCertificate: boolean;
  /** Normalised `AB:CD:…` form, or null. */
  pinnedFingerprint256: string | null;
}

/** What the transport saw: the server certificate, and why it was refused, if it was. */
export interface TlsObservation {
  certificate?: CertificateInfo;
  refusal?: string;
}

/** Error code set on a connection closed because its certificate was refused. */
export const CERT_REFUSED = 'MDSYNC_CERT_REFUSED';

/** Formats a certificate subject as `CN=…, O=…`. */
export function formatSubject(subject: PeerCertificate['subject'] | undefined): string {
  if (!subject) return '';
  return Object.entries(subject)
    .flatMap(([key, value]) => (Array.isArray(value) ? value : [value]).map((v) => `${key}=${String(v)}`))
    .join(', ');
}

/** Judges the certificate of a finished handshake; returns the refusal, or null to go on. */
function judge(socket: tls.TLSSocket, host: string, policy: TlsPolicy, seen: TlsObservation): string | null {
  const cert = socket.getPeerCertificate();
  if (!cert || !cert.fingerprint256) return 'The server presented no TLS certificate.';
  const fingerprint256 = cert.fingerprint256.toUpperCase();
  const pinned = policy.pinnedFingerprint256;
  const verified = socket.authorized;
  const trusted = pinned ? fingerprint256 === pinned : verified;
  seen.certificate = { subject: formatSubject(cert.subject), fingerprint256, trusted };
  if (pinned) {
    if (trusted) return null;
    return `The server's certificate (SHA-256 ${fingerprint256}) is not the trusted one (${pinned}): it was replaced, or another server answers. Trust the new certificate only if you know it was renewed.`;
  }
  if (verified || policy.ignoreCertificate) return null;
  const why = describeVerifyError(String(socket.authorizationError ?? ''), host);
  return `The server's certificate ${why} (SHA-256 ${fingerprint256}): trust this certificate, or turn on "Ignore SSL security warnings".`;
}

function guard(
  socket: tls.TLSSocket,
  host: string,
  policy: TlsPolicy,
  seen: TlsObservation,
  onSecure: () => void,
): tls.TLSSocket {
  socket.once('secureConnect', () => {
    const refusal = judge(socket, host, policy, seen);
    if (refusal === null) {
      onSecure();
      return;
    }
    seen.refusal = refusal;
    socket.destroy(Object.assign(new Error(refusal), { code: CERT_REFUSED, tlsFailed: true }));
  });
  return socket;
}

/**
 * One TLS context (Node's default trust store, default protocols) for every check of the
 * process: building a context per connection cost about a fifth of a millisecond each.
 */
let sharedContext: tls.SecureContext | null = null;
function context(): tls.SecureContext {
  sharedContext ??= tls.createSecureContext();
  return sharedContext;
}

/** Builds the transport for one check; `seen` collects what the handshake showed. */
export function createCheckedTransport(policy: TlsPolicy, seen: TlsObservation): ImapTransport {
  return {
    connect(options, onConnect) {
      if (!options.secure) {
        return net.connect({ host: options.host, port: options.port }, onConnect);
      }
      const socket = tls.connect({
        host: options.host,
        port: options.port,
        ...(options.servername ? { servername: options.servername } : {}),
        secureContext: context(),
        rejectUnauthorized: false,
      });
      return guard(socket, options.host, policy, seen, onConnect);
    },
    upgrade(plain, options, onSecure) {
      const socket = tls.connect({
        socket: plain,
        host: options.host,
        port: options.port,
        ...(options.servername ? { servername: options.servername } : {}),
        secureContext: context(),
        rejectUnauthorized: false,
      });
      return guard(socket, options.host, policy, seen, onSecure);
    },
  };
}
