/**
 * The cryptography of SMB 2 and 3: AES-CMAC, the SP800-108 key derivation, message signing and
 * the SMB 3 transform (encryption), all over node:crypto.
 *
 * Written against MS-SMB2 3.1.4.1 (signing), 3.1.4.2 (key derivation), 3.1.4.3 (encryption) and
 * RFC 4493 (AES-CMAC); the unit tests check the published vectors.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const ZERO16 = Buffer.alloc(16);

function shiftLeft(b: Buffer): Buffer {
  const out = Buffer.alloc(16);
  for (let i = 0; i < 16; i++) out[i] = (((b[i] ?? 0) << 1) | ((b[i + 1] ?? 0) >> 7)) & 0xff;
  return out;
}

function subkey(b: Buffer): Buffer {
  const s = shiftLeft(b);
  if (((b[0] ?? 0) & 0x80) !== 0) s[15] = (s[15] ?? 0) ^ 0x87;
  return s;
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] ?? 0) ^ (b[i] ?? 0);
  return out;
}

/** AES-128-CMAC of `data` (RFC 4493): the SMB 3.0/3.0.2/3.1.1 signature. */
export function aesCmac(key: Buffer, data: Buffer): Buffer {
  const ecb = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false);
  const l = ecb.update(ZERO16);
  const k1 = subkey(l);
  const k2 = subkey(k1);
  const n = Math.max(1, Math.ceil(data.length / 16));
  const complete = data.length > 0 && data.length % 16 === 0;
  const lastRaw = data.subarray((n - 1) * 16);
  const last = complete
    ? xor(lastRaw, k1)
    : xor(Buffer.concat([lastRaw, Buffer.from([0x80]), Buffer.alloc(15 - lastRaw.length)]), k2);
  // CBC-MAC with a zero IV: the last cipher block is the tag.
  const cbc = createCipheriv('aes-128-cbc', key, ZERO16).setAutoPadding(false);
  const body = cbc.update(Buffer.concat([data.subarray(0, (n - 1) * 16), last]));
  return body.subarray(body.length - 16);
}

/** SP800-108 counter-mode KDF with HMAC-SHA256, one 128-bit block (MS-SMB2 3.1.4.2). */
export function smb3Kdf(key: Buffer, label: string, context: Buffer): Buffer {
  const i = Buffer.from([0, 0, 0, 1]);
  const l = Buffer.from([0, 0, 0, 128]);
  const input = Buffer.concat([i, Buffer.from(`${label}\0`, 'latin1'), Buffer.from([0]), context, l]);
  return createHmac('sha256', key).update(input).digest().subarray(0, 16);
}

/** The keys of one SMB session. */
export interface SessionKeys {
  readonly signing: Buffer;
  /** Client-to-server encryption key (3.x only). */
  readonly encryption?: Buffer;
  /** Server-to-client decryption key (3.x only). */
  readonly decryption?: Buffer;
}

/**
 * Derives the signing and (for 3.x) encryption keys from the session key as the dialect requires:
 * 2.x signs with the session key itself; 3.0/3.0.2 use fixed labels; 3.1.1 uses the
 * pre-authentication integrity hash as the context.
 */
export function deriveKeys(dialect: number, sessionKey: Buffer, preauthHash?: Buffer): SessionKeys {
  const key = sessionKey.subarray(0, 16);
  if (dialect < 0x0300) return { signing: key };
  if (dialect === 0x0311) {
    const ctx = preauthHash ?? Buffer.alloc(64);
    return {
      signing: smb3Kdf(key, 'SMBSigningKey', ctx),
      encryption: smb3Kdf(key, 'SMBC2SCipherKey', ctx),
      decryption: smb3Kdf(key, 'SMBS2CCipherKey', ctx),
    };
  }
  return {
    signing: smb3Kdf(key, 'SMB2AESCMAC', Buffer.from('SmbSign\0', 'latin1')),
    encryption: smb3Kdf(key, 'SMB2AESCCM', Buffer.from('ServerIn \0', 'latin1')),
    decryption: smb3Kdf(key, 'SMB2AESCCM', Buffer.from('ServerOut\0', 'latin1')),
  };
}

const SIG_OFFSET = 48;
const FLAGS_OFFSET = 16;
const FLAG_SIGNED = 0x8;

function signature(dialect: number, key: Buffer, message: Buffer): Buffer {
  const copy = Buffer.from(message);
  copy.fill(0, SIG_OFFSET, SIG_OFFSET + 16);
  return dialect >= 0x0300 ? aesCmac(key, copy) : createHmac('sha256', key).update(copy).digest().subarray(0, 16);
}

/** Sets the SIGNED flag and writes the signature into an SMB2 message (header + body) in place. */
export function signMessage(dialect: number, key: Buffer, message: Buffer): void {
  message.writeUInt32LE(message.readUInt32LE(FLAGS_OFFSET) | FLAG_SIGNED, FLAGS_OFFSET);
  signature(dialect, key, message).copy(message, SIG_OFFSET);
}

/** True when the message's signature is the one its content and the key give. */
export function verifyMessage(dialect: number, key: Buffer, message: Buffer): boolean {
  if (message.length < 64) return false;
  return timingSafeEqual(signature(dialect, key, message), message.subarray(SIG_OFFSET, SIG_OFFSET + 16));
}

/** The SMB 3 ciphers (MS-SMB2 2.2.3.1.2). */
export const CIPHER_AES128_CCM = 0x0001;
export const CIPHER_AES128_GCM = 0x0002;

const TRANSFORM_PROTOCOL = 0x424d53fd; // 0xFD 'S' 'M' 'B', little-endian
const TRANSFORM_SIZE = 52;

function nonceLength(cipher: number): number {
  return cipher === CIPHER_AES128_GCM ? 12 : 11;
}

function algorithm(cipher: number): 'aes-128-gcm' | 'aes-128-ccm' {
  return cipher === CIPHER_AES128_GCM ? 'aes-128-gcm' : 'aes-128-ccm';
}

/** True when a frame is an SMB 3 TRANSFORM_HEADER message. */
export function isTransform(frame: Buffer): boolean {
  return frame.length >= TRANSFORM_SIZE && frame.readUInt32LE(0) === TRANSFORM_PROTOCOL;
}

/** Encrypts one SMB2 message into a TRANSFORM_HEADER frame (MS-SMB2 3.1.4.3). */
export function encryptMessage(
  cipher: number,
  key: Buffer,
  sessionId: bigint,
  message: Buffer,
  nonce: Buffer = randomBytes(nonceLength(cipher)),
): Buffer {
  const header = Buffer.alloc(TRANSFORM_SIZE);
  header.writeUInt32LE(TRANSFORM_PROTOCOL, 0);
  nonce.copy(header, 20, 0, nonceLength(cipher));
  header.writeUInt32LE(message.length, 36);
  header.writeUInt16LE(1, 42); // Flags: encrypted
  header.writeBigUInt64LE(sessionId, 44);
  const aad = header.subarray(20);
  const iv = nonce.subarray(0, nonceLength(cipher));
  const c =
    cipher === CIPHER_AES128_GCM
      ? createCipheriv('aes-128-gcm', key, iv, { authTagLength: 16 })
      : createCipheriv('aes-128-ccm', key, iv, { authTagLength: 16 });
  c.setAAD(aad, { plaintextLength: message.length });
  const body = Buffer.concat([c.update(message), c.final()]);
  c.getAuthTag().copy(header, 4);
  return Buffer.concat([header, body]);
}

/** The session a TRANSFORM_HEADER frame belongs to. */
export function transformSessionId(frame: Buffer): bigint {
  return frame.readBigUInt64LE(44);
}

/** Decrypts a TRANSFORM_HEADER frame; null when it fails authentication or is malformed. */
export function decryptMessage(cipher: number, key: Buffer, frame: Buffer): Buffer | null {
  if (!isTransform(frame)) return null;
  const size = frame.readUInt32LE(36);
  const body = frame.subarray(TRANSFORM_SIZE);
  if (size !== body.length) return null;
  const iv = frame.subarray(20, 20 + nonceLength(cipher));
  const tag = frame.subarray(4, 20);
  try {
    const d =
      algorithm(cipher) === 'aes-128-gcm'
        ? createDecipheriv('aes-128-gcm', key, iv, { authTagLength: 16 })
        : createDecipheriv('aes-128-ccm', key, iv, { authTagLength: 16 });
    d.setAuthTag(tag);
    d.setAAD(frame.subarray(20, TRANSFORM_SIZE), { plaintextLength: size });
    return Buffer.concat([d.update(body), d.final()]);
  } catch {
    return null;
  }
}
