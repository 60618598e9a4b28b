/**
 * What is wrong with a TLS certificate, in words, from Node's verification error code: shared by
 * the IMAP check and the desktop client's connection to a service.
 */

/** The reason a certificate of `host` does not verify, as the end of a sentence ("… is self-signed"). */
export function describeVerifyError(code: string | null | undefined, host: string): string {
  switch (code) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return 'is self-signed';
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'UNABLE_TO_GET_ISSUER_CERT':
      return 'is issued by an authority this computer does not trust';
    case 'CERT_HAS_EXPIRED':
      return 'has expired';
    case 'CERT_NOT_YET_VALID':
      return 'is not valid yet';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `is not issued for "${host}"`;
    default:
      return `does not verify (${code && /^[A-Za-z0-9_]{1,60}$/.test(code) ? code : 'unknown reason'})`;
  }
}
