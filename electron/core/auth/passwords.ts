/**
 * Slow salted password hashes for integrated-authentication users.
 *
 * scrypt from node:crypto, a fresh random salt per hash, and the parameters stored with the
 * hash (`scrypt$N$r$p$saltB64$hashB64`) so they can be raised later without breaking old hashes.
 * Comparison is constant-time. Nothing here logs or throws with the password in it.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** Cost parameters for new hashes: N = 2^15, r = 8, p = 1 (about 32 MiB, tens of ms). */
export const SCRYPT_PARAMS = { N: 1 << 15, r: 8, p: 1 } as const;

const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Upper bounds accepted when reading a stored hash, so a tampered hash cannot exhaust memory. */
const MAX_LOG2_N = 20;
const MAX_R = 32;
const MAX_P = 16;

function derive(password: string, salt: Buffer, keyLength: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyLength, opts, (err, key) => {
      // scrypt's errors are about parameters, never about the password; keep them generic anyway.
      if (err) reject(new Error('scrypt refused its parameters'));
      else resolve(key);
    });
  });
}

function maxmemFor(N: number, r: number, p: number): number {
  return 128 * N * r * p + 128 * r * 64 + 1024 * 1024;
}

/**
 * Hashes a password for storage: `scrypt$N$r$p$saltB64$hashB64`.
 *
 * The password is NFC-normalised so the same typed password matches whatever the input method.
 */
export async function hashPassword(password: string): Promise<string> {
  const { N, r, p } = SCRYPT_PARAMS;
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, { N, r, p, maxmem: maxmemFor(N, r, p) });
  return ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}

interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function parseHash(hash: string): ParsedHash | null {
  const parts = hash.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [, nText, rText, pText, saltText, keyText] = parts as [string, string, string, string, string, string];
  if (![nText, rText, pText].every((t) => /^\d{1,8}$/.test(t))) return null;
  const N = Number(nText);
  const r = Number(rText);
  const p = Number(pText);
  const isPowerOfTwo = N > 1 && (N & (N - 1)) === 0;
  if (!isPowerOfTwo || N > 2 ** MAX_LOG2_N || r < 1 || r > MAX_R || p < 1 || p > MAX_P) return null;
  const b64 = /^[A-Za-z0-9+/]+={0,2}$/;
  if (!b64.test(saltText) || !b64.test(keyText)) return null;
  const salt = Buffer.from(saltText, 'base64');
  const key = Buffer.from(keyText, 'base64');
  if (salt.length < 8 || key.length < 16 || key.length > 128) return null;
  return { N, r, p, salt, key };
}

/**
 * Checks a password against a stored hash, in constant time over the derived key.
 *
 * A malformed or unknown hash format is simply "no match": a damaged database entry must not
 * let anyone in, nor crash the logon.
 */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  const parsed = parseHash(hash);
  if (!parsed) return false;
  const { N, r, p, salt, key } = parsed;
  let candidate: Buffer;
  try {
    candidate = await derive(password, salt, key.length, { N, r, p, maxmem: maxmemFor(N, r, p) });
  } catch {
    return false;
  }
  return candidate.length === key.length && timingSafeEqual(candidate, key);
}
