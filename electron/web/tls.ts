/**
 * The network service's certificate: the company's PEM files, or a self-signed one made at first start.
 *
 * The self-signed certificate names the machine's host names and addresses and is kept in the data
 * directory (the key readable by the owner only), so its fingerprint survives restarts and clients
 * can pin it. The RSA key comes from Node's own crypto (fast, native); node-forge, a maintained pure
 * JavaScript library already used widely for exactly this, builds and signs the X.509 structure,
 * which Node cannot do itself. Everything is checked with Node's X509Certificate afterwards.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import forge from 'node-forge';
import { UserError } from '../../shared/result';
import { writeFileAtomic } from '../core/atomic-file';

/**
 * Mozilla's "intermediate" server configuration: TLS 1.2 and 1.3 only, forward-secret ECDHE key
 * exchange with AEAD ciphers only (no static RSA, no CBC, no SHA-1 MACs), the client's preference.
 */
export const TLS_OPTIONS = {
  minVersion: 'TLSv1.2',
  ciphers: [
    'TLS_AES_128_GCM_SHA256',
    'TLS_AES_256_GCM_SHA384',
    'TLS_CHACHA20_POLY1305_SHA256',
    'ECDHE-ECDSA-AES128-GCM-SHA256',
    'ECDHE-RSA-AES128-GCM-SHA256',
    'ECDHE-ECDSA-AES256-GCM-SHA384',
    'ECDHE-RSA-AES256-GCM-SHA384',
    'ECDHE-ECDSA-CHACHA20-POLY1305',
    'ECDHE-RSA-CHACHA20-POLY1305',
  ].join(':'),
  ecdhCurve: 'X25519:prime256v1:secp384r1',
  honorCipherOrder: false,
} as const;

/** A certificate the service serves, with what clients check it by. */
export interface ServerCertificate {
  readonly cert: string;
  readonly key: string;
  /** SHA-256 of the certificate, `AA:BB:…` (what the service prints). */
  readonly fingerprint256: string;
  /** Base64 SHA-256 of the public key (SPKI), as Chromium's `--ignore-certificate-errors-spki-list` takes it. */
  readonly spkiSha256: string;
  /** DNS names and IP addresses in its subjectAltName, lower case. */
  readonly names: readonly string[];
  readonly validTo: Date;
}

/** The machine's host names and interface addresses, for the self-signed certificate. */
export function machineNames(): { dns: string[]; ips: string[] } {
  const dns = new Set(['localhost']);
  const host = os.hostname().toLowerCase();
  if (host) {
    dns.add(host);
    const short = host.split('.')[0];
    if (short) dns.add(short);
  }
  const ips = new Set(['127.0.0.1', '::1']);
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (!a.address.startsWith('fe80')) ips.add(a.address.toLowerCase());
  }
  return { dns: [...dns], ips: [...ips] };
}

function sanNames(x509: crypto.X509Certificate): string[] {
  const out: string[] = [];
  for (const part of (x509.subjectAltName ?? '').split(/,\s*/)) {
    const m = /^(DNS|IP Address):(.+)$/.exec(part.trim());
    if (m) out.push(m[2]!.toLowerCase());
  }
  return out;
}

/** Checks a PEM certificate and key belong together and describes them; UserError otherwise. */
export function describeCertificate(cert: string, key: string): ServerCertificate {
  let x509: crypto.X509Certificate;
  let privateKey: crypto.KeyObject;
  try {
    x509 = new crypto.X509Certificate(cert);
  } catch {
    throw new UserError('config', 'the certificate is not a PEM X.509 certificate');
  }
  try {
    privateKey = crypto.createPrivateKey(key);
  } catch {
    throw new UserError('config', 'the private key is not a PEM private key (or it is encrypted)');
  }
  if (!x509.checkPrivateKey(privateKey)) {
    throw new UserError('config', 'the private key does not belong to the certificate');
  }
  const spki = x509.publicKey.export({ type: 'spki', format: 'der' });
  return {
    cert,
    key,
    fingerprint256: x509.fingerprint256,
    spkiSha256: crypto.createHash('sha256').update(spki).digest('base64'),
    names: sanNames(x509),
    validTo: new Date(x509.validTo),
  };
}

/** Reads `--tls-cert` and `--tls-key`; one clear UserError when they cannot be used. */
export function loadCertificateFiles(certFile: string, keyFile: string): ServerCertificate {
  const read = (file: string, what: string) => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new UserError(
        'config',
        `cannot read the ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
  };
  const described = describeCertificate(read(certFile, 'certificate'), read(keyFile, 'private key'));
  if (described.validTo.getTime() < Date.now()) {
    throw new UserError('config', `the certificate ${certFile} expired on ${described.validTo.toISOString()}`);
  }
  return described;
}

/** Builds a self-signed server certificate for these names (valid five years). */
export function createSelfSigned(names: { dns: readonly string[]; ips: readonly string[] }, now = new Date()) {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  // A positive serial number of 16 random bytes.
  cert.serialNumber = `7${crypto.randomBytes(15).toString('hex')}`;
  cert.validity.notBefore = new Date(now.getTime() - 24 * 3_600_000);
  cert.validity.notAfter = new Date(now.getTime() + 5 * 365 * 24 * 3_600_000);
  const attrs = [
    { name: 'commonName', value: names.dns.find((n) => n !== 'localhost') ?? 'localhost' },
    { name: 'organizationName', value: 'mdsync (self-signed)' },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        ...names.dns.map((value) => ({ type: 2, value })),
        ...names.ips.filter((ip) => net.isIP(ip) !== 0).map((ip) => ({ type: 7, ip })),
      ],
    },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(privateKey), forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: privateKey };
}

/** Where the self-signed certificate lives in the data directory. */
export function selfSignedFiles(dataDir: string) {
  const dir = path.join(dataDir, 'tls');
  return { dir, cert: path.join(dir, 'server.crt'), key: path.join(dir, 'server.key') };
}

/**
 * The data directory's self-signed certificate, made on first use (or when expired). The key
 * file is written owner-only (0600) and atomically; a key file others could read is tightened.
 */
export function loadOrCreateSelfSigned(
  dataDir: string,
  names: { dns: readonly string[]; ips: readonly string[] } = machineNames(),
  log: (message: string) => void = () => {},
): ServerCertificate {
  const files = selfSignedFiles(dataDir);
  if (fs.existsSync(files.cert) && fs.existsSync(files.key)) {
    if (process.platform !== 'win32' && (fs.statSync(files.key).mode & 0o077) !== 0) {
      fs.chmodSync(files.key, 0o600);
      log(`${files.key} was readable by others: made owner-only`);
    }
    const existing = describeCertificate(fs.readFileSync(files.cert, 'utf8'), fs.readFileSync(files.key, 'utf8'));
    if (existing.validTo.getTime() > Date.now()) return existing;
    log(`the self-signed certificate expired on ${existing.validTo.toISOString()}: making a new one`);
  }
  fs.mkdirSync(files.dir, { recursive: true, mode: 0o700 });
  const made = createSelfSigned(names);
  writeFileAtomic(files.key, made.key, 0o600);
  writeFileAtomic(files.cert, made.cert, 0o644);
  const described = describeCertificate(made.cert, made.key);
  log(`made a self-signed certificate for ${described.names.join(', ')} (SHA-256 ${described.fingerprint256})`);
  return described;
}
