/**
 * Sends one mail through the configured SMTP server with nodemailer: no encryption, STARTTLS
 * (required) or SSL, the certificate checked as the IMAP logon's is (verified, ignored, or trusted
 * only by its pinned SHA-256 fingerprint), optional authentication.
 *
 * A pinned certificate is met first by a short probe that only reads it (no command but EHLO and
 * STARTTLS, nothing sent); the real connection then trusts that certificate as its own authority
 * and checks its fingerprint itself, so a different certificate on the real connection fails.
 */
import net from 'node:net';
import tls from 'node:tls';
import nodemailer from 'nodemailer';
import type { NotifySettings } from '../../../shared/settings';
import { UserError } from '../../../shared/result';
import { normalizeFingerprint } from '../imap/imap-target';

/** One message. */
export interface Mail {
  readonly subject: string;
  readonly text: string;
}

const TIMEOUT_MS = 15_000;

/** The port of a security mode when none is set. */
export function smtpPort(s: NotifySettings): number {
  return s.port ?? (s.security === 'ssl' ? 465 : 25);
}

/** Whether mail can be sent with these settings (a server, a sender, a recipient). */
export function notifyConfigured(s: NotifySettings): boolean {
  return s.host.trim() !== '' && s.sender.trim() !== '' && s.recipients.length > 0;
}

/** Sends `mail` to the configured recipients; throws an Error with one line when it cannot. */
export async function sendMail(s: NotifySettings, password: string | null, mail: Mail): Promise<void> {
  if (!notifyConfigured(s)) throw new UserError('config', 'set the SMTP server, the sender and a recipient first');
  const port = smtpPort(s);
  let tlsOptions: tls.ConnectionOptions = { servername: net.isIP(s.host) ? undefined : s.host };
  if (s.security !== 'none') {
    if (s.pinnedFingerprint256) {
      const pinned = normalizeFingerprint(s.pinnedFingerprint256);
      if (!pinned) throw new UserError('config', 'the trusted certificate fingerprint is not a SHA-256 fingerprint');
      const pem = await probeCertificate(s.host, port, s.security === 'ssl');
      tlsOptions = {
        ...tlsOptions,
        ca: [...tls.rootCertificates, pem],
        checkServerIdentity: (_host, cert) =>
          cert.fingerprint256 === pinned
            ? undefined
            : new Error(`the SMTP server's certificate ${cert.fingerprint256} is not the trusted one`),
      };
    } else if (s.ignoreCertificate) {
      tlsOptions = { ...tlsOptions, rejectUnauthorized: false };
    }
  }
  const transport = nodemailer.createTransport({
    host: s.host,
    port,
    secure: s.security === 'ssl',
    requireTLS: s.security === 'starttls',
    ignoreTLS: s.security === 'none',
    tls: tlsOptions,
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
    ...(s.userName ? { auth: { user: s.userName, pass: password ?? '' } } : {}),
  });
  try {
    await transport.sendMail({ from: s.sender, to: s.recipients.join(', '), subject: mail.subject, text: mail.text });
  } catch (err) {
    const e = err as Error & { code?: string; responseCode?: number };
    const why = /ECONNREFUSED/.test(`${e.code} ${e.message}`) ? 'the connection was refused' : e.message.split('\n')[0];
    throw new Error(`mail to ${s.host}:${port} failed: ${why}`, { cause: err });
  } finally {
    transport.close();
  }
}

/** Reads the SMTP server's certificate (PEM) without sending anything but EHLO and STARTTLS. */
export function probeCertificate(host: string, port: number, direct: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const fail = (why: string) => reject(new Error(`cannot read the SMTP server's certificate: ${why}`));
    const upgrade = (socket?: net.Socket) => {
      const t = tls.connect(
        { host, port, socket, rejectUnauthorized: false, servername: net.isIP(host) ? undefined : host },
        () => {
          const raw = t.getPeerCertificate().raw;
          t.destroy();
          socket?.destroy();
          if (!raw) return fail('none was sent');
          resolve(
            `-----BEGIN CERTIFICATE-----\n${raw.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`,
          );
        },
      );
      t.setTimeout(TIMEOUT_MS, () => t.destroy(new Error('timed out')));
      t.on('error', (e: Error) => fail(e.message));
    };
    if (direct) return upgrade();
    const socket = net.connect(port, host);
    socket.setTimeout(TIMEOUT_MS, () => socket.destroy(new Error('timed out')));
    socket.on('error', (e) => fail(e.message));
    let text = '';
    let step: 'greeting' | 'ehlo' | 'starttls' = 'greeting';
    const onData = (chunk: Buffer) => {
      text += chunk.toString('latin1');
      const lines = text.split('\r\n');
      const last = lines.length >= 2 ? lines[lines.length - 2]! : '';
      if (!/^\d{3} /.test(last)) return; // the reply is not finished
      text = '';
      if (step === 'greeting') {
        step = 'ehlo';
        socket.write('EHLO mdsync\r\n');
      } else if (step === 'ehlo') {
        step = 'starttls';
        socket.write('STARTTLS\r\n');
      } else {
        socket.off('data', onData);
        if (!last.startsWith('220')) return fail(`STARTTLS was refused (${last.slice(0, 60)})`);
        upgrade(socket);
      }
    };
    socket.on('data', onData);
  });
}
