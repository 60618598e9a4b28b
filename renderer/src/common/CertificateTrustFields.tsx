/**
 * How a connection's server certificate is trusted, the same for every TLS client the settings
 * configure (MDaemon's IMAP logon, the notifications' SMTP server): "ignore the warnings", or the
 * SHA-256 fingerprint of one certificate pinned with *Trust this certificate* after a test.
 */
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControlLabel from '@mui/material/FormControlLabel';
import type { CertificateInfo } from '../../../shared/model';

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
