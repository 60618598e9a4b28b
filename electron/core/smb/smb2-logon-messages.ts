/**
 * Encoders and decoders of the SMB2 logon messages (MS-SMB2 2.2): NEGOTIATE (with the 3.1.1
 * negotiate contexts), SESSION_SETUP and TREE_CONNECT.
 *
 * Pure functions over Buffers; decoders check lengths and return null for a malformed body.
 */
import { CIPHER_AES128_CCM, CIPHER_AES128_GCM } from './smb2-crypto';
import { CAP_ENCRYPTION, CAP_LARGE_MTU, DIALECTS, HEADER_SIZE } from './smb2-messages';

const pad8 = (n: number) => (8 - (n % 8)) % 8;

function negotiateContext(type: number, data: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16LE(type, 0);
  h.writeUInt16LE(data.length, 2);
  return Buffer.concat([h, data]);
}

/**
 * NEGOTIATE request body offering 2.0.2 to 3.1.1, signing enabled, with the 3.1.1 contexts:
 * SHA-512 pre-authentication integrity (random salt) and the ciphers AES-128-GCM, AES-128-CCM.
 */
export function negotiateRequest(clientGuid: Buffer, salt: Buffer): Buffer {
  const fixed = Buffer.alloc(36);
  fixed.writeUInt16LE(36, 0);
  fixed.writeUInt16LE(DIALECTS.length, 2);
  fixed.writeUInt16LE(0x1, 4); // SecurityMode: signing enabled
  fixed.writeUInt32LE(CAP_LARGE_MTU | CAP_ENCRYPTION, 8);
  clientGuid.copy(fixed, 12, 0, 16);
  const dialects = Buffer.alloc(DIALECTS.length * 2);
  DIALECTS.forEach((d, i) => dialects.writeUInt16LE(d, i * 2));
  const beforeContexts = HEADER_SIZE + fixed.length + dialects.length;
  const padding = Buffer.alloc(pad8(beforeContexts));
  const preauth = Buffer.alloc(6 + salt.length);
  preauth.writeUInt16LE(1, 0); // one hash algorithm
  preauth.writeUInt16LE(salt.length, 2);
  preauth.writeUInt16LE(0x0001, 4); // SHA-512
  salt.copy(preauth, 6);
  const ciphers = Buffer.alloc(6);
  ciphers.writeUInt16LE(2, 0);
  ciphers.writeUInt16LE(CIPHER_AES128_GCM, 2);
  ciphers.writeUInt16LE(CIPHER_AES128_CCM, 4);
  const first = negotiateContext(1, preauth);
  const second = negotiateContext(2, ciphers);
  fixed.writeUInt32LE(beforeContexts + padding.length, 28);
  fixed.writeUInt16LE(2, 32);
  return Buffer.concat([fixed, dialects, padding, first, Buffer.alloc(pad8(first.length)), second]);
}

/** What the NEGOTIATE response tells us. */
export interface NegotiateResponse {
  readonly securityMode: number;
  readonly dialect: number;
  readonly capabilities: number;
  readonly maxReadSize: number;
  readonly securityBuffer: Buffer;
  /** 3.1.1: the cipher the server chose (0: none). */
  readonly cipher: number;
}

/** Parses a NEGOTIATE response (whole message, header included, for context offsets). */
export function parseNegotiate(m: Buffer): NegotiateResponse | null {
  const b = m.subarray(HEADER_SIZE);
  if (b.length < 64 || b.readUInt16LE(0) !== 65) return null;
  const dialect = b.readUInt16LE(4);
  const secOff = b.readUInt16LE(56);
  const secLen = b.readUInt16LE(58);
  if (secLen > 0 && secOff + secLen > m.length) return null;
  let cipher = 0;
  if (dialect === 0x0311) {
    let off = b.readUInt32LE(60);
    for (let n = b.readUInt16LE(6); n > 0; n--) {
      if (off + 8 > m.length) return null;
      const type = m.readUInt16LE(off);
      const len = m.readUInt16LE(off + 2);
      if (off + 8 + len > m.length) return null;
      if (type === 2 && len >= 4 && m.readUInt16LE(off + 8) === 1) cipher = m.readUInt16LE(off + 10);
      off += 8 + len + pad8(len);
    }
  } else if (dialect >= 0x0300 && (b.readUInt32LE(24) & CAP_ENCRYPTION) !== 0) {
    cipher = CIPHER_AES128_CCM;
  }
  return {
    securityMode: b.readUInt16LE(2),
    dialect,
    capabilities: b.readUInt32LE(24),
    maxReadSize: b.readUInt32LE(32),
    securityBuffer: secLen > 0 ? Buffer.from(m.subarray(secOff, secOff + secLen)) : Buffer.alloc(0),
    cipher,
  };
}

/** SESSION_SETUP request body carrying an NTLMSSP token, signing enabled. */
export function sessionSetupRequest(token: Buffer): Buffer {
  const b = Buffer.alloc(24 + token.length);
  b.writeUInt16LE(25, 0);
  b.writeUInt8(0x1, 3); // SecurityMode: signing enabled
  b.writeUInt16LE(HEADER_SIZE + 24, 12);
  b.writeUInt16LE(token.length, 14);
  token.copy(b, 24);
  return b;
}

/** Session flags: guest, anonymous, encrypt data. */
export const SESSION_GUEST = 0x1;
export const SESSION_NULL = 0x2;
export const SESSION_ENCRYPT = 0x4;

/** Parses a SESSION_SETUP response: session flags and the security token. */
export function parseSessionSetup(m: Buffer): { flags: number; token: Buffer } | null {
  const b = m.subarray(HEADER_SIZE);
  if (b.length < 8 || b.readUInt16LE(0) !== 9) return null;
  const off = b.readUInt16LE(4);
  const len = b.readUInt16LE(6);
  if (len > 0 && off + len > m.length) return null;
  return { flags: b.readUInt16LE(2), token: Buffer.from(m.subarray(off, off + len)) };
}

/** TREE_CONNECT request body for `\\host\share`. */
export function treeConnectRequest(uncPath: string): Buffer {
  const path = Buffer.from(uncPath, 'utf16le');
  const b = Buffer.alloc(8 + path.length);
  b.writeUInt16LE(9, 0);
  b.writeUInt16LE(HEADER_SIZE + 8, 4);
  b.writeUInt16LE(path.length, 6);
  path.copy(b, 8);
  return b;
}

/** Share flag: the share requires encryption. */
export const SHARE_ENCRYPT = 0x8000;

/** Parses a TREE_CONNECT response: share flags. */
export function parseTreeConnect(m: Buffer): { shareFlags: number } | null {
  const b = m.subarray(HEADER_SIZE);
  if (b.length < 16 || b.readUInt16LE(0) !== 16) return null;
  return { shareFlags: b.readUInt32LE(4) };
}
