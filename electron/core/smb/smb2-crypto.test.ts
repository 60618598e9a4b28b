import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  aesCmac,
  CIPHER_AES128_CCM,
  CIPHER_AES128_GCM,
  decryptMessage,
  deriveKeys,
  encryptMessage,
  signMessage,
  verifyMessage,
} from './smb2-crypto';

const hex = (s: string) => Buffer.from(s.replace(/\s+/gu, ''), 'hex');

describe('AES-CMAC (RFC 4493 section 4)', () => {
  const key = hex('2b7e151628aed2a6abf7158809cf4f3c');
  const m = hex(
    '6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51 30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710',
  );
  it.each([
    [0, 'bb1d6929e95937287fa37d129b756746'],
    [16, '070a16b46b4d4144f79bdd9dd04a287c'],
    [40, 'dfa66747de9ae63030ca32611497c827'],
    [64, '51f0bebf7e3b9d92fc49741779363cfe'],
  ])('of %i bytes', (len, mac) => {
    expect(aesCmac(key, m.subarray(0, len)).toString('hex')).toBe(mac);
  });
});

/*
 * Microsoft's Open Specifications blog, "SMB 2 and SMB 3 security in Windows 10: the anatomy of
 * signing and cryptographic keys", appendix: key derivation examples (first channel of each).
 * EncryptionKey is the client's (client to server, "ServerIn "), DecryptionKey the reverse.
 */
describe('SMB 3 key derivation (Microsoft examples)', () => {
  it('derives the SMB 3.0 keys', () => {
    const k = deriveKeys(0x0300, hex('7CD451825D0450D235424E44BA6E78CC'));
    expect(k.signing.toString('hex')).toBe('0b7e9c5cac36c0f6ea9ab275298cedce');
    expect(k.encryption?.toString('hex')).toBe('fad27796665b313ebb578f388632b4f7');
    expect(k.decryption?.toString('hex')).toBe('b0f0427f7ceb416d1d9dcc0cd4f99447');
    expect(deriveKeys(0x0302, hex('7CD451825D0450D235424E44BA6E78CC')).signing).toEqual(k.signing);
  });

  const PREAUTH = hex(
    '0DD13628CC3ED218EF9DF9772D436D0887AB9814BFAE63A80AA845F36909DB7928622DDDAD522D9751640A459762C5A9D6BB084CBB3CE6BDADEF5D5BCE3C6C01',
  );
  const SESSION_KEY = hex('270E1BA896585EEB7AF3472D3B4C75A7');

  it('derives the SMB 3.1.1 keys from the pre-authentication hash', () => {
    const k = deriveKeys(0x0311, SESSION_KEY, PREAUTH);
    expect(k.signing.toString('hex')).toBe('73fe7a9a77bef0bde49c650d8ccb5f76');
    expect(k.encryption?.toString('hex')).toBe('629bcbc54422a0f572b97f45989b6073');
    expect(k.decryption?.toString('hex')).toBe('e2af0dcefac68da71a0dfbd0d1350d74');
  });

  it('verifies the signature of the example final SESSION_SETUP response, and refuses it altered', () => {
    const response = hex(
      'FE534D4240000100000000000100800009000000000000000300000000000000FFFE0000000000001900000000100000' +
        'EBE146DA120BA25FC3376A49DFE31BC10900000048001D00A11B3019A0030A0100A3120410010000003B453CDC3524164200000000',
    );
    const { signing } = deriveKeys(0x0311, SESSION_KEY, PREAUTH);
    expect(verifyMessage(0x0311, signing, response)).toBe(true);
    const altered = Buffer.from(response);
    altered[altered.length - 5] = (altered[altered.length - 5] ?? 0) ^ 1;
    expect(verifyMessage(0x0311, signing, altered)).toBe(false);
  });

  it('hashes the example NEGOTIATE request into the first pre-authentication hash', () => {
    const request = hex(
      'FE534D4240000100000000000000800000000000000000000100000000000000FFFE000000000000' +
        '00000000000000000000000000000000000000000000000024000500000000003F000000ECD86F32' +
        '6276024F9F7752B89BB33F3A70000000020000000202100200030203110300000100260000000000' +
        '010020000100FA49E6578F1F3A9F4CD3E9CC14A67AA884B3D05844E0E5A118225C15887F32FF0000' +
        '0200060000000000020002000100',
    );
    const h = createHash('sha512').update(Buffer.alloc(64)).update(request).digest('hex');
    expect(h).toBe(
      'dd94efc5321bb618a2e208ba8920d2f422992526947a409b5037de1e0fe8c7362b8c47122594cde0ce26aa9dfc8bcdbde0621957672623351a7540f1e54a0426',
    );
  });
});

describe('signing', () => {
  const message = () => {
    const m = Buffer.alloc(100, 7);
    m.writeUInt32LE(0x424d53fe, 0);
    m.writeUInt32LE(0, 16);
    return m;
  };
  it.each([0x0210, 0x0300, 0x0311])('signs and verifies for dialect %s, and sets the SIGNED flag', (dialect) => {
    const key = Buffer.alloc(16, 3);
    const m = message();
    signMessage(dialect, key, m);
    expect(m.readUInt32LE(16) & 0x8).toBe(8);
    expect(m.subarray(48, 64).equals(Buffer.alloc(16, 7))).toBe(false);
    expect(verifyMessage(dialect, key, m)).toBe(true);
    expect(verifyMessage(dialect, Buffer.alloc(16, 4), m)).toBe(false);
    m[70] = 0;
    expect(verifyMessage(dialect, key, m)).toBe(false);
  });

  it('uses HMAC-SHA256 for 2.x and AES-CMAC for 3.x (different signatures for one key)', () => {
    const key = Buffer.alloc(16, 3);
    const a = message();
    const b = message();
    signMessage(0x0210, key, a);
    signMessage(0x0300, key, b);
    expect(a.subarray(48, 64).equals(b.subarray(48, 64))).toBe(false);
  });
});

describe('encryption (TRANSFORM_HEADER)', () => {
  it.each([
    [CIPHER_AES128_CCM, 11],
    [CIPHER_AES128_GCM, 12],
  ])('cipher %i: round trip, nonce of %i bytes, header fields; altered frames refused', (cipher, nonceLen) => {
    const key = Buffer.alloc(16, 9);
    const plain = Buffer.from('an SMB2 message '.repeat(10));
    const frame = encryptMessage(cipher, key, 0x1122334455667788n, plain);
    expect(frame.readUInt32LE(0)).toBe(0x424d53fd);
    expect(frame.readUInt32LE(36)).toBe(plain.length);
    expect(frame.readUInt16LE(42)).toBe(1);
    expect(frame.readBigUInt64LE(44)).toBe(0x1122334455667788n);
    expect(frame.subarray(20 + nonceLen, 36).equals(Buffer.alloc(16 - nonceLen))).toBe(true);
    expect(frame.subarray(52).equals(plain)).toBe(false);
    expect(decryptMessage(cipher, key, frame)?.equals(plain)).toBe(true);
    for (const at of [10, 30, 45, 60]) {
      const bad = Buffer.from(frame);
      bad[at] = (bad[at] ?? 0) ^ 1;
      expect(decryptMessage(cipher, key, bad), `byte ${at}`).toBeNull();
    }
    expect(decryptMessage(cipher, Buffer.alloc(16, 8), frame)).toBeNull();
  });
});
