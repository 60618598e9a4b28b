/**
 * A self-signed certificate for a test server on 127.0.0.1 (CN and subjectAltName localhost and
 * 127.0.0.1), made by openssl in the server's own directory.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Where the certificate and its key were written, and the certificate's SHA-256 fingerprint. */
export interface SelfSigned {
  readonly cert: string;
  readonly key: string;
  readonly fingerprint256: string;
}

/** Writes `cert` and `key` (file names inside `dir`; the key readable by its owner only). */
export function selfSignedCertificate(dir: string, names = { cert: 'cert.pem', key: 'key.pem' }): SelfSigned {
  const cert = path.join(dir, names.cert);
  const key = path.join(dir, names.key);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '3650',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'pipe' },
  );
  fs.chmodSync(key, 0o600);
  return { cert, key, fingerprint256: new X509Certificate(fs.readFileSync(cert)).fingerprint256 };
}
