/**
 * How a connection's server certificate is trusted, the same for every TLS client the settings
 * configure (MDaemon's IMAP logon, the notifications' SMTP server): "ignore the warnings", or the
 * SHA-256 fingerprint of one certificate pinned with *Trust this certificate* after a test.
 */
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import type { CertificateInfo } from '../../../shared/model';
import type { ImapSecurity } from '../../../shared/settings';

/** The trust settings both clients keep. */
export interface CertificateTrust {
  readonly ignoreCertificate: boolean;
  readonly pinnedFingerprint256: string | null;
}

/** A certificate alert in a small window: the fingerprint wraps, the button goes under the text. */
const WRAPPING_ALERT = {
  flexWrap: 'wrap',
  wordBreak: 'break-all',
  '& .MuiAlert-message': { flex: '1 1 240px', minWidth: 0 },
  '& .MuiAlert-action': { ml: 'auto', pl: 1 },
} as const;

interface FieldsProps {
  /** The connection uses TLS (otherwise there is no certificate to trust: the fields are off). */
  readonly encrypted: boolean;
  readonly trust: CertificateTrust;
  readonly onChange: (patch: Partial<CertificateTrust>) => void;
  /** The checkbox's label. */
  readonly ignoreLabel: string;
  /** What the pinned certificate is called: "certificate", "SMTP certificate". */
  readonly certificateName: string;
}

interface SecurityProps {
  readonly label: string;
  /** Each security's name in this protocol's words (IMAP-SSL, SSL, ...), in the order offered. */
  readonly labels: Record<ImapSecurity, string>;
  readonly value: ImapSecurity;
  /** Unencrypted also turns "ignore the warnings" off: there is no certificate then. */
  readonly onChange: (patch: { security: ImapSecurity; ignoreCertificate?: false }) => void;
  readonly width: number;
}

/** The connection's security: unencrypted, STARTTLS or TLS from the first byte. */
export function SecuritySelect({ label, labels, value, onChange, width }: SecurityProps) {
  return (
    <TextField
      select
      label={label}
      value={value}
      onChange={(e) => {
        const security = e.target.value as ImapSecurity;
        onChange(security === 'none' ? { security, ignoreCertificate: false } : { security });
      }}
      sx={{ width }}
    >
      {(Object.keys(labels) as ImapSecurity[]).map((s) => (
        <MenuItem key={s} value={s}>
          {labels[s]}
        </MenuItem>
      ))}
    </TextField>
  );
}

/** The "ignore the warnings" checkbox and the pinned fingerprint, with *Forget*. */
export function CertificateTrustFields({ encrypted, trust, onChange, ignoreLabel, certificateName }: FieldsProps) {
  return (
    <>
      <FormControlLabel
        label={ignoreLabel}
        disabled={!encrypted}
        control={
          <Checkbox
            checked={encrypted && trust.ignoreCertificate}
            onChange={(e) => onChange({ ignoreCertificate: e.target.checked })}
          />
        }
      />
      {trust.pinnedFingerprint256 && encrypted && (
        <Alert
          severity="info"
          sx={{ my: 0.5, ...WRAPPING_ALERT }}
          action={
            <Button
              color="inherit"
              sx={{ whiteSpace: 'nowrap' }}
              onClick={() => onChange({ pinnedFingerprint256: null })}
            >
              Forget
            </Button>
          }
        >
          Trusted {certificateName} (SHA-256): <code>{trust.pinnedFingerprint256}</code>
        </Alert>
      )}
    </>
  );
}

/** The certificate a test met that is neither trusted nor the pinned one, or null. */
export function untrustedCertificate(
  cert: CertificateInfo | undefined,
  pinnedFingerprint256: string | null,
): CertificateInfo | null {
  return cert && !cert.trusted && cert.fingerprint256 !== pinnedFingerprint256 ? cert : null;
}

interface UntrustedProps {
  /** What {@link untrustedCertificate} gave: nothing shows for null. */
  readonly cert: CertificateInfo | null;
  /** Whose certificate: "The server's", "The SMTP server's". */
  readonly owner: string;
  readonly onTrust: (fingerprint256: string) => void;
}

/** A test's untrusted certificate: its subject and fingerprint, and *Trust this certificate*. */
export function UntrustedCertificateAlert({ cert, owner, onTrust }: UntrustedProps) {
  if (!cert) return null;
  return (
    <Alert
      severity="warning"
      sx={{ mt: 0.5, ...WRAPPING_ALERT }}
      action={
        <Button color="inherit" sx={{ whiteSpace: 'nowrap' }} onClick={() => onTrust(cert.fingerprint256)}>
          Trust this certificate
        </Button>
      }
    >
      {owner} certificate is not trusted.
      <br />
      Subject: {cert.subject}
      <br />
      SHA-256 fingerprint: <code>{cert.fingerprint256}</code>
    </Alert>
  );
}
