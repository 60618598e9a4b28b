/**
 * Notifications: the SMTP server that mails an administrator when a scheduled synchronization needs
 * a person, its security and certificate trust (as the IMAP logon's: ignore, or a pinned SHA-256
 * fingerprint), optional SMTP authentication (its password kept like the share password), sender
 * and recipients; Send test message tries the settings on screen.
 */
import { useEffect, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import TextField from '@mui/material/TextField';
import type { ChannelOutput } from '../../../shared/contract';
import type { ImapSecurity, Settings } from '../../../shared/settings';
import {
  CertificateTrustFields,
  SecuritySelect,
  UntrustedCertificateAlert,
  untrustedCertificate,
} from '../common/CertificateTrustFields';
import { ErrorAlert } from '../common/ErrorAlert';
import { Section } from '../common/Section';
import { useAction } from '../lib/use-action';
import type { DirectoryForm } from './use-directory-form';

type Notify = Settings['notify'];

const SECURITY_LABELS: Record<ImapSecurity, string> = { none: 'None', starttls: 'STARTTLS', ssl: 'SSL' };

/** Splits the Recipients field: addresses separated by commas, semicolons or spaces. */
export function parseRecipients(text: string): { list: string[]; error: string | null } {
  const list = text.split(/[,;\s]+/).filter((r) => r !== '');
  const bad = list.find((r) => !/^[^@\s]+@[^@\s]+$/.test(r));
  return { list, error: bad ? `${bad} is not an email address.` : null };
}

/** The port field: empty = the security mode's default. */
function parsePort(text: string): { port: number | null; error: string | null } {
  const t = text.trim();
  if (!t) return { port: null, error: null };
  const n = Number(t);
  return /^\d{1,5}$/.test(t) && n >= 1 && n <= 65535
    ? { port: n, error: null }
    : { port: null, error: 'A number from 1 to 65535.' };
}

interface Props {
  dir: DirectoryForm;
  /** Reports whether a field holds something unusable (port, recipients), so Save can wait for a fix. */
  onInvalid: (invalid: boolean) => void;
}

/** The Notifications section. */
export function NotificationsSection({ dir, onInvalid }: Props) {
  const notify = dir.form!.notify;
  const onChange = (patch: Partial<Notify>) => dir.update('notify', patch);
  const [portText, setPortText] = useState(notify.port === null ? '' : String(notify.port));
  const [recipientsText, setRecipientsText] = useState(notify.recipients.join(', '));
  const [result, setResult] = useState<ChannelOutput<'notify:test'> | null>(null);
  const test = useAction('notify:test');
  const { setError: setTestError } = test;
  const port = parsePort(portText);
  const recipients = parseRecipients(recipientsText);

  const invalid = !!port.error || !!recipients.error;
  useEffect(() => onInvalid(invalid), [invalid, onInvalid]);

  // Follow the settings when they change from outside (load, save).
  useEffect(() => {
    if (parsePort(portText).port !== notify.port) setPortText(notify.port === null ? '' : String(notify.port));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [notify.port]);
  useEffect(() => {
    if (parseRecipients(recipientsText).list.join() !== notify.recipients.join())
      setRecipientsText(notify.recipients.join(', '));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [notify.recipients]);

  // A result belongs to the values it was tried with.
  const triedKey = JSON.stringify([notify, dir.smtpPassword]);
  useEffect(() => {
    setResult(null);
    setTestError(null);
  }, [triedKey, setTestError]);

  const encrypted = notify.security !== 'none';
  const stored = dir.view?.smtpPasswordStored ?? false;
  const canTest =
    !!notify.host.trim() && !!notify.sender.trim() && notify.recipients.length > 0 && !port.error && !test.busy;
  const runTest = async () => {
    setResult(null);
    const r = await test.run({ notify, smtpPassword: dir.smtpPassword === '' ? null : dir.smtpPassword });
    if (r.ok) setResult(r.value);
  };

  return (
    <Section title="Notifications">
      <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap', alignItems: 'flex-start' }}>
        <TextField
          label="SMTP server"
          placeholder="mail.example.com"
          value={notify.host}
          onChange={(e) => onChange({ host: e.target.value.trim() })}
          helperText="Mail when a scheduled synchronization fails, holds deletions or skips records. Empty: no mail."
          sx={{ flex: 1, minWidth: 240 }}
          spellCheck={false}
        />
        <TextField
          label="SMTP port"
          value={portText}
          placeholder={notify.security === 'ssl' ? '465' : '25'}
          onChange={(e) => {
            setPortText(e.target.value);
            const p = parsePort(e.target.value);
            if (!p.error) onChange({ port: p.port });
          }}
          error={!!port.error}
          helperText={port.error ?? 'Empty: the default'}
          sx={{ width: 120 }}
        />
        <SecuritySelect
          label="SMTP security"
          labels={SECURITY_LABELS}
          value={notify.security}
          onChange={onChange}
          width={150}
        />
      </Box>
      <CertificateTrustFields
        encrypted={encrypted}
        trust={notify}
        onChange={onChange}
        ignoreLabel="Ignore the SMTP server's certificate warnings"
        certificateName="SMTP certificate"
      />
      <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap', alignItems: 'flex-start', mt: 0.5 }}>
        <TextField
          label="SMTP user name"
          autoComplete="off"
          value={notify.userName}
          onChange={(e) => onChange({ userName: e.target.value.trim() })}
          helperText="Optional: empty when the server takes mail without logon"
          sx={{ flex: 1, minWidth: 180 }}
        />
        <TextField
          label="SMTP password"
          type="password"
          autoComplete="new-password"
          value={dir.smtpPassword}
          onChange={(e) => dir.setSmtpPassword(e.target.value)}
          placeholder={stored ? '(stored)' : ''}
          helperText={
            dir.smtpPassword
              ? dir.view?.secretStoreUnavailable
                ? 'Kept in memory only.'
                : 'Will be stored on Save.'
              : stored
                ? 'A password is stored. Type to replace it.'
                : 'No password stored.'
          }
          sx={{ flex: 1, minWidth: 160 }}
        />
      </Box>
      <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap', alignItems: 'flex-start', mt: 0.5 }}>
        <TextField
          label="Sender"
          placeholder="mdsync@example.com"
          value={notify.sender}
          onChange={(e) => onChange({ sender: e.target.value.trim() })}
          sx={{ flex: 1, minWidth: 200 }}
          spellCheck={false}
        />
        <TextField
          label="Recipients"
          placeholder="admin@example.com, ops@example.com"
          value={recipientsText}
          onChange={(e) => {
            setRecipientsText(e.target.value);
            onChange({ recipients: parseRecipients(e.target.value).list });
          }}
          error={!!recipients.error}
          helperText={recipients.error ?? 'Separated by commas'}
          sx={{ flex: 2, minWidth: 240 }}
          spellCheck={false}
        />
      </Box>
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', mt: 0.5 }}>
        <Button
          onClick={() => void runTest()}
          disabled={!canTest}
          aria-busy={test.busy}
          startIcon={test.busy ? <CircularProgress size={16} aria-label="Sending the test message" /> : undefined}
        >
          Send test message
        </Button>
      </Box>
      <ErrorAlert error={test.error} />
      {result && (
        <Alert severity={result.ok ? 'success' : 'error'} role="status" sx={{ mt: 0.5 }}>
          {result.ok
            ? `The test message was sent to ${notify.recipients.join(', ')}.`
            : `The test message was not sent: ${result.error ?? 'unknown error'}.`}
        </Alert>
      )}
      <UntrustedCertificateAlert
        cert={untrustedCertificate(result?.certificate, notify.pinnedFingerprint256)}
        owner="The SMTP server's"
        onTrust={(fingerprint) => onChange({ pinnedFingerprint256: fingerprint })}
      />
    </Section>
  );
}
