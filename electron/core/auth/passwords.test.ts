import { describe, expect, it } from 'vitest';
import { hashPassword, SCRYPT_PARAMS, verifyPassword } from './passwords';

describe('hashPassword / verifyPassword', () => {
  it('encodes scrypt with its parameters, salt and key, never the password', async () => {
    const hash = await hashPassword('correct horse');
    const parts = hash.split('$');
    expect(parts).toHaveLength(6);
    expect(parts.slice(0, 4)).toEqual([
      'scrypt',
      String(SCRYPT_PARAMS.N),
      String(SCRYPT_PARAMS.r),
      String(SCRYPT_PARAMS.p),
    ]);
    expect(Buffer.from(parts[4]!, 'base64')).toHaveLength(16);
    expect(Buffer.from(parts[5]!, 'base64')).toHaveLength(32);
    expect(hash).not.toContain('correct horse');
  });

  it('accepts the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('s3cret');
    expect(await verifyPassword(hash, 's3cret')).toBe(true);
    expect(await verifyPassword(hash, 's3cret ')).toBe(false);
    expect(await verifyPassword(hash, 'S3cret')).toBe(false);
    expect(await verifyPassword(hash, '')).toBe(false);
  });

  it('salts each hash differently', async () => {
    const a = await hashPassword('same');
    const b = await hashPassword('same');
    expect(a).not.toBe(b);
    expect(await verifyPassword(a, 'same')).toBe(true);
    expect(await verifyPassword(b, 'same')).toBe(true);
  });

  it('handles spaces, quotes, backslashes and non-ASCII letters; NFC and NFD match', async () => {
    const pw = 'Grüße "aus" \\ Köln \'x\'';
    const hash = await hashPassword(pw);
    expect(await verifyPassword(hash, pw)).toBe(true);
    expect(await verifyPassword(hash, pw.normalize('NFD'))).toBe(true);
    expect(await verifyPassword(hash, 'Grusse "aus" \\ Koln \'x\'')).toBe(false);
  });

  it('treats malformed, foreign or tampered hashes as no match', async () => {
    const good = await hashPassword('pw');
    const [, N, r, p, salt, key] = good.split('$');
    const bad = [
      '',
      'pw',
      '$2b$10$abcdefghijklmnopqrstuv',
      `scrypt$${N}$${r}$${p}$${salt}`,
      `bcrypt$${N}$${r}$${p}$${salt}$${key}`,
      `scrypt$1000$${r}$${p}$${salt}$${key}`, // N not a power of two
      `scrypt$${2 ** 24}$${r}$${p}$${salt}$${key}`, // too costly
      `scrypt$${N}$${r}$${p}$${salt}$!!!`,
      `scrypt$${N}$${r}$${p}$${salt}$${Buffer.alloc(32).toString('base64')}`,
      `scrypt$${Number(N) / 2}$${r}$${p}$${salt}$${key}`, // different cost gives a different key
    ];
    for (const h of bad) expect(await verifyPassword(h, 'pw'), h).toBe(false);
  });
});
