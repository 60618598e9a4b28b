import { describe, expect, it } from 'vitest';
import { parseServerAddress } from './server-address';
import { judgeCertificate } from './verified-socket';

const target = parseServerAddress('archive.example.com:8443');
const A = Array.from({ length: 32 }, () => 'AA').join(':');
const B = Array.from({ length: 32 }, () => 'BB').join(':');
const seen = (authorized: boolean, code: string | null = null, fp: string | null = A) => ({
  authorized,
  authorizationError: code,
  fingerprint256: fp,
  subject: 'CN=archive',
});

describe('certificate judgement', () => {
  it('accepts a certificate that verifies, pinned or not (a CA-issued one replaces a self-signed pin)', () => {
    expect(judgeCertificate(target, seen(true), null)).toBeNull();
    expect(judgeCertificate(target, seen(true), B)).toBeNull();
  });

  it('accepts an unverified certificate only by its pin, in any letter case', () => {
    expect(judgeCertificate(target, seen(false, 'DEPTH_ZERO_SELF_SIGNED_CERT'), A.toLowerCase())).toBeNull();
    const changed = judgeCertificate(target, seen(false, 'DEPTH_ZERO_SELF_SIGNED_CERT'), B)!;
    expect(changed.state).toBe('changed');
    expect(changed.message).toMatch(
      new RegExp(
        `^the certificate of archive\\.example\\.com:8443 changed since you trusted it \\(was ${B}, now ${A}\\): `,
      ),
    );
  });

  it('says why an unpinned certificate is not trusted', () => {
    const cases: [string, string][] = [
      ['DEPTH_ZERO_SELF_SIGNED_CERT', 'is self-signed'],
      ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'is issued by an authority this computer does not trust'],
      ['CERT_HAS_EXPIRED', 'has expired'],
      ['ERR_TLS_CERT_ALTNAME_INVALID', 'is not issued for "archive.example.com"'],
      ['SOMETHING<script>', 'does not verify (unknown reason)'],
    ];
    for (const [code, why] of cases) {
      const r = judgeCertificate(target, seen(false, code), null)!;
      expect(r.state, code).toBe('untrusted');
      expect(r.fingerprint256).toBe(A);
      expect(r.message, code).toBe(
        `the certificate of archive.example.com:8443 ${why} (SHA-256 ${A}): trust it only if it is the fingerprint your mdsync server printed`,
      );
    }
  });

  it('refuses a handshake without a certificate', () => {
    expect(judgeCertificate(target, seen(true, null, null), null)?.state).toBe('unreachable');
  });
});
