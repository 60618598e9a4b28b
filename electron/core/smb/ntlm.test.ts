import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ntlmAuthenticate, ntlmNegotiate, ntowfv2, parseAvPairs, parseChallenge } from './ntlm';

/** MS-NLMP 4.2.4.3: the CHALLENGE_MESSAGE of the NTLMv2 example (target info: Domain, Server). */
const CHALLENGE = Buffer.from(
  '4e544c4d53535000020000000c000c003800000033828ae20123456789abcdef00000000000000002400240044000000' +
    '060070170000000f530065007200760065007200' +
    '02000c0044006f006d00610069006e0001000c005300650072007600650072000000' +
    '0000',
  'hex',
);
const CLIENT_CHALLENGE = Buffer.alloc(8, 0xaa);

/** A field (length, offset) of an AUTHENTICATE_MESSAGE. */
function field(m: Buffer, at: number): Buffer {
  return m.subarray(m.readUInt32LE(at + 4), m.readUInt32LE(at + 4) + m.readUInt16LE(at));
}

describe('NTLMv2 (MS-NLMP 4.2.4 example)', () => {
  const challenge = parseChallenge(CHALLENGE);

  it('parses the challenge: flags, server challenge, target info', () => {
    expect(challenge?.flags).toBe(0xe28a8233);
    expect(challenge?.serverChallenge.toString('hex')).toBe('0123456789abcdef');
    expect(parseAvPairs(challenge?.targetInfo ?? Buffer.alloc(0))?.map((p) => p.id)).toEqual([2, 1]);
  });

  it('computes NTOWFv2, the NTProofStr, the LMv2 response and the session base key of the example', () => {
    expect(ntowfv2('Password', 'User', 'Domain').toString('hex')).toBe('0c868a403bfd7a93a3001ef22ef02e3f');
    if (!challenge) throw new Error('unparsed');
    const negotiate = ntlmNegotiate();
    const { message, sessionKey } = ntlmAuthenticate({
      negotiate,
      challengeMessage: CHALLENGE,
      challenge,
      domain: 'Domain',
      userName: 'User',
      password: 'Password',
      clientChallenge: CLIENT_CHALLENGE,
      timestamp: Buffer.alloc(8),
    });
    const nt = field(message, 20);
    expect(nt.subarray(0, 16).toString('hex')).toBe('68cd0ab851e51c96aabc927bebef6a1c');
    expect(field(message, 12).toString('hex')).toBe('86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa');
    expect(sessionKey.toString('hex')).toBe('8de40ccadbc14a82f15cb0ad0de95ca3');
    expect(field(message, 28).toString('utf16le')).toBe('Domain');
    expect(field(message, 36).toString('utf16le')).toBe('User');
    expect(message.readUInt32LE(60) & 0x1).toBe(1); // Unicode agreed
    expect(message.subarray(72, 88).equals(Buffer.alloc(16))).toBe(true); // no timestamp: no MIC
  });

  it('adds a MIC and the MIC-present flag, and sends no LM response, when the server sends a timestamp', () => {
    const stamp = Buffer.from('0700080000e1f505a1b2c3d4', 'hex'); // MsvAvTimestamp
    const info = Buffer.concat([challenge?.targetInfo.subarray(0, -4) ?? Buffer.alloc(0), stamp, Buffer.alloc(4)]);
    const msg = Buffer.concat([CHALLENGE.subarray(0, 40), Buffer.alloc(16), info]);
    msg.writeUInt16LE(info.length, 40);
    msg.writeUInt16LE(info.length, 42);
    msg.writeUInt32LE(56, 44);
    const parsed = parseChallenge(msg);
    if (!parsed) throw new Error('unparsed');
    const negotiate = ntlmNegotiate();
    const { message, sessionKey } = ntlmAuthenticate({
      negotiate,
      challengeMessage: msg,
      challenge: parsed,
      domain: 'Domain',
      userName: 'User',
      password: 'Password',
    });
    expect(field(message, 12).equals(Buffer.alloc(24))).toBe(true);
    const blob = field(message, 20).subarray(16);
    expect(blob.subarray(8, 16).equals(stamp.subarray(4))).toBe(true); // the server's time is used
    const pairs = parseAvPairs(blob.subarray(28)) ?? [];
    expect(pairs.find((p) => p.id === 6)?.value.readUInt32LE(0)).toBe(2);
    const mic = Buffer.from(message.subarray(72, 88));
    const zeroed = Buffer.from(message);
    zeroed.fill(0, 72, 88);
    const expected = createHmac('md5', sessionKey).update(negotiate).update(msg).update(zeroed).digest();
    expect(mic.equals(expected)).toBe(true);
  });

  it('refuses what is not a CHALLENGE_MESSAGE', () => {
    expect(parseChallenge(ntlmNegotiate())).toBeNull();
    expect(parseChallenge(Buffer.from('garbage'))).toBeNull();
    const cut = Buffer.from(CHALLENGE);
    cut.writeUInt32LE(4000, 44);
    expect(parseChallenge(cut)).toBeNull();
  });
});
