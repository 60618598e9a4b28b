/**
 * Self-signed certificates for tests: the key from Node's crypto, the certificate from node-forge
 * (as the service makes its default one).
 */
import crypto from 'node:crypto';
import forge from 'node-forge';

/** A certificate and its key, PEM, with the fingerprint the client shows. */
export interface TestCertificate {
  readonly key: string;
  readonly cert: string;
  readonly fingerprint256: string;
}

/** Makes a self-signed certificate for `names` (DNS names and IP addresses). */
export function selfSignedCertificate(commonName = 'mdsync test', names = ['127.0.0.1', 'localhost']): TestCertificate {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = `01${crypto.randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
  const attrs = [{ name: 'commonName', value: commonName }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    {
      name: 'subjectAltName',
      altNames: names.map((n) => (/^[\d.]+$/.test(n) || n.includes(':') ? { type: 7, ip: n } : { type: 2, value: n })),
    },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);
  return { key: keyPem, cert: certPem, fingerprint256: new crypto.X509Certificate(certPem).fingerprint256 };
}
