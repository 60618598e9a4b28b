/**
 * Authentication: MDaemon's IMAP server for logons with MDaemon credentials, its security, and
 * Test Logon, which can pin an untrusted certificate by its SHA-256 fingerprint.
 */
import { useEffect, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import CircularProgress from '@mui/material/CircularProgress';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
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
import { formatImapAddress, parseImapAddress } from '../lib/imap-address';
import { useAction } from '../lib/use-action';

type Imap = Settings['imap'];

interface Props {
  imap: Imap;
  onChange: (patch: Partial<Imap>) => void;
  /** Reports whether the typed address is unusable, so Save can wait for a fix. */
  onAddressError: (error: string | null) => void;
}

/** The message without the fingerprints shown elsewhere ("certificate (SHA-256 AB:…) is" → "certificate is"). */
function withoutFingerprints(message: string, fingerprints: readonly string[]): string {
  return fingerprints.reduce((m, f) => m.split(` (SHA-256 ${f})`).join(''), message);
}

const SECURITY_LABELS: Record<ImapSecurity, string> = { none: 'Unencrypted', starttls: 'IMAP-TLS', ssl: 'IMAP-SSL' };

/** The Authentication section. */
export function AuthenticationSection({ imap, onChange, onAddressError }: Props) {
  const [address, setAddress] = useState(() => formatImapAddress(imap.host, imap.port));
  const [addressError, setAddressError] = useState<string | null>(null);
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [result, setResult] = useState<ChannelOutput<'imap:test'> | null>(null);
  const test = useAction('imap:test');
  const { setError: setTestError } = test;

  // A Test Logon result belongs to the values it was tried with: changing them (or trusting the
  // certificate it reported) takes it away.
  const triedKey = JSON.stringify([imap, user, password]);
  useEffect(() => {
    setResult(null);
    setTestError(null);
  }, [triedKey, setTestError]);

  // Follow the settings when they change from outside (load, save), not while the field is invalid.
  useEffect(() => {
    const parsed = parseImapAddress(address);
    if (parsed.error === undefined && (parsed.host !== imap.host || parsed.port !== imap.port)) {
      setAddress(formatImapAddress(imap.host, imap.port));
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [imap.host, imap.port]);

  const onAddress = (text: string) => {
    setAddress(text);
    const parsed = parseImapAddress(text);
    const error = parsed.error ?? null;
    setAddressError(error);
    onAddressError(error);
    if (parsed.error === undefined) onChange({ host: parsed.host, port: parsed.port });
  };

  const canTest = !!imap.host && !addressError && !!user.trim() && !!password && !test.busy;
  const runTest = async () => {
    setResult(null);
    const r = await test.run({ imap, userName: user.trim(), password });
    if (r.ok) setResult(r.value);
  };
  // The untrusted certificate's box shows its fingerprint: the logon's message does not repeat it.
  const untrusted = untrustedCertificate(result?.certificate, imap.pinnedFingerprint256);
  const encrypted = imap.security !== 'none';

  return (
    <Section title="Authentication">
      <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap', alignItems: 'flex-start' }}>
        <TextField
          label="MDaemon IMAP Server"
          placeholder="mail.example.com or mail.example.com:143"
          value={address}
          onChange={(e) => onAddress(e.target.value)}
          error={!!addressError}
          helperText={addressError ?? 'Host name or address, optionally with :port'}
          sx={{ flex: 1, minWidth: 240 }}
          spellCheck={false}
        />
        <SecuritySelect
          label="IMAP Server Access"
          labels={SECURITY_LABELS}
          value={imap.security}
          onChange={onChange}
          width={180}
        />
      </Box>
      <CertificateTrustFields
        encrypted={encrypted}
        trust={imap}
        onChange={onChange}
        ignoreLabel="Ignore SSL Security Warnings"
        certificateName="certificate"
      />
      <Box component="fieldset" sx={{ border: 1, borderColor: 'divider', borderRadius: 1, px: 1.5, pb: 1, mt: 0.5 }}>
        <Typography component="legend" variant="body2" sx={{ px: 0.5, fontWeight: 600 }}>
          Test Logon
        </Typography>
        <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
          <TextField
            label="User name"
            autoComplete="off"
            value={user}
            onChange={(e) => setUser(e.target.value)}
            sx={{ flex: 1, minWidth: 180 }}
            placeholder="user@example.com"
          />
          <TextField
            label="Password"
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            sx={{ flex: 1, minWidth: 140 }}
          />
          <Button
            onClick={() => void runTest()}
            disabled={!canTest}
            aria-busy={test.busy}
            startIcon={test.busy ? <CircularProgress size={16} aria-label="Testing the logon" /> : undefined}
          >
            Test Logon
          </Button>
        </Box>
        {test.busy && (
          <Typography variant="body2" color="text.secondary" sx={{ mt: 0.5 }}>
            Logging on to {imap.host}…
          </Typography>
        )}
        <ErrorAlert error={test.error} />
        {result && (
          <Alert severity={result.ok ? 'success' : 'error'} role="status" sx={{ mt: 0.5 }}>
            {result.ok
              ? `Logon succeeded (${Math.round(result.ms)} ms).`
              : withoutFingerprints(
                  result.error?.message ?? 'Logon failed.',
                  untrusted ? [untrusted.fingerprint256] : [],
                )}
          </Alert>
        )}
        <UntrustedCertificateAlert
          cert={untrusted}
          owner="The server's"
          onTrust={(fingerprint) => onChange({ pinnedFingerprint256: fingerprint })}
        />
      </Box>
      <Alert severity="info" sx={{ mt: 1 }}>
        <b>Important notice:</b> if your MDaemon users authenticate against an Active Directory, disable
        <i> … honor APOP &amp; CRAM-MD5</i> under{' '}
        <i>Setup › Default Domain / Servers › Default Domain &amp; Servers › Servers</i> in MDaemon. Otherwise users
        cannot log on here with their MDaemon credentials.
      </Alert>
    </Section>
  );
}
