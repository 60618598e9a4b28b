/**
 * Send test message (Directory Services → Notifications): one mail with the settings on screen,
 * answered as sent or as one line saying why not (refused, unreachable, certificate, logon). An
 * untrusted certificate comes back with its fingerprint, so the page can offer to trust it.
 */
import { X509Certificate } from 'node:crypto';
import type { NotifyTestResult } from '../../../shared/contract';
import type { NotifySettings } from '../../../shared/settings';
import { UserError } from '../../../shared/result';
import { probeCertificate, sendMail, smtpPort } from './mailer';

/** The test message's text: it says where it comes from, and nothing else. */
export function testMail(server: string, by: string): { subject: string; text: string } {
  return {
    subject: `mdsync: test message from ${server}`,
    text: [
      `This test message was sent by ${by} from Directory Services → Notifications on ${server}.`,
      'When a scheduled synchronization fails, holds deletions or skips records, a message like it comes here.',
    ].join('\n'),
  };
}

const CERTIFICATE = /certificate|self.signed|unable to verify|CERT_|altnames/i;

/** One line for a failed send, from the error nodemailer (or the certificate probe) gave. */
export function explainSendFailure(s: NotifySettings, err: unknown): string {
  const where = `${s.host}:${smtpPort(s)}`;
  if (err instanceof UserError) return err.message;
  const outer = err as Error & { cause?: unknown };
  const inner = (outer.cause ?? outer) as Error & { code?: string; responseCode?: number; response?: string };
  const code = inner.code ?? '';
  const text = `${inner.message ?? ''}`;
  if (/ECONNREFUSED/.test(`${code} ${text}`)) return `the SMTP server ${where} refused the connection`;
  if (/is not the trusted one/.test(text))
    return `the SMTP server ${where} presented a certificate other than the trusted one`;
  if (CERTIFICATE.test(text)) return `the SMTP server ${where} presented a certificate that is not trusted`;
  if (code === 'EAUTH' || inner.responseCode === 535)
    return `the SMTP server ${where} refused the SMTP user name or password`;
  if (code === 'EENVELOPE') return `the SMTP server ${where} refused the sender or a recipient: ${firstLine(text)}`;
  if (
    /ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|timed? ?out|Greeting never received/i.test(
      `${code} ${text}`,
    )
  )
    return `the SMTP server ${where} cannot be reached`;
  if (/STARTTLS/i.test(text)) return `the SMTP server ${where} does not offer STARTTLS`;
  return `mail to ${where} failed: ${firstLine(text.replace(/^mail to \S+ failed: /, ''))}`;
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.slice(0, 300);
}

/** Sends the test message; never throws: the answer says why it was not sent. */
export async function sendTestMessage(
  s: NotifySettings,
  password: string | null,
  mail: { subject: string; text: string },
): Promise<NotifyTestResult> {
  try {
    await sendMail(s, password, mail);
    return { ok: true };
  } catch (err) {
    const error = explainSendFailure(s, err);
    if (s.security === 'none' || !/certificate/.test(error)) return { ok: false, error };
    try {
      const pem = await probeCertificate(s.host, smtpPort(s), s.security === 'ssl');
      const cert = new X509Certificate(pem);
      return {
        ok: false,
        error,
        certificate: {
          subject: cert.subject.replace(/\n/g, ', '),
          fingerprint256: cert.fingerprint256,
          trusted: false,
        },
      };
    } catch {
      return { ok: false, error };
    }
  }
}
