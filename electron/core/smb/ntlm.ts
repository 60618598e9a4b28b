/**
 * NTLMSSP with NTLMv2 (MS-NLMP), the logon SMB session setup carries.
 *
 * Three messages: NEGOTIATE (ours), CHALLENGE (the server's), AUTHENTICATE (ours, with the
 * NTLMv2 response for the user and domain, and a MIC when the server sent a timestamp). The
 * session key comes out of it for signing; key exchange is not negotiated, so the exported
 * session key is the NTLMv2 session base key. The password is used here and nowhere kept.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { md4 } from './md4';

const SIGNATURE = Buffer.from('NTLMSSP\0', 'latin1');

/** Negotiate flags (MS-NLMP 2.2.2.5) we ask for. */
const F_UNICODE = 0x00000001;
const F_REQUEST_TARGET = 0x00000004;
const F_SIGN = 0x00000010;
const F_NTLM = 0x00000200;
const F_ALWAYS_SIGN = 0x00008000;
const F_EXTENDED_SESSIONSECURITY = 0x00080000;
const F_TARGET_INFO = 0x00800000;
const F_VERSION = 0x02000000;
const F_128 = 0x20000000;
const F_56 = 0x80000000;
const CLIENT_FLAGS =
  (F_UNICODE |
    F_REQUEST_TARGET |
    F_SIGN |
    F_NTLM |
    F_ALWAYS_SIGN |
    F_EXTENDED_SESSIONSECURITY |
    F_TARGET_INFO |
    F_VERSION |
    F_128 |
    F_56) >>>
  0;

/** Windows 10 build 19041, NTLM revision 15: only informational. */
const VERSION = Buffer.from([10, 0, 0x61, 0x4a, 0, 0, 0, 15]);

const AV_EOL = 0;
const AV_FLAGS = 6;
const AV_TIMESTAMP = 7;

/** The NEGOTIATE_MESSAGE. */
export function ntlmNegotiate(): Buffer {
  const m = Buffer.alloc(40);
  SIGNATURE.copy(m);
  m.writeUInt32LE(1, 8);
  m.writeUInt32LE(CLIENT_FLAGS, 12);
  // Domain and workstation fields empty; offsets point past the header.
  m.writeUInt32LE(40, 20);
  m.writeUInt32LE(40, 28);
  VERSION.copy(m, 32);
  return m;
}

/** What the CHALLENGE_MESSAGE tells us. */
export interface NtlmChallenge {
  readonly flags: number;
  readonly serverChallenge: Buffer;
  readonly targetInfo: Buffer;
}

/** Parses a CHALLENGE_MESSAGE; null when it is not one. */
export function parseChallenge(m: Buffer): NtlmChallenge | null {
  if (m.length < 48 || !m.subarray(0, 8).equals(SIGNATURE) || m.readUInt32LE(8) !== 2) return null;
  const flags = m.readUInt32LE(20);
  const infoLen = m.readUInt16LE(40);
  const infoOff = m.readUInt32LE(44);
  if (infoOff + infoLen > m.length) return null;
  return {
    flags,
    serverChallenge: Buffer.from(m.subarray(24, 32)),
    targetInfo: Buffer.from(m.subarray(infoOff, infoOff + infoLen)),
  };
}

/** AV pairs of a target info block, EOL excluded; null when malformed. */
export function parseAvPairs(info: Buffer): { id: number; value: Buffer }[] | null {
  const pairs: { id: number; value: Buffer }[] = [];
  for (let off = 0; off + 4 <= info.length;) {
    const id = info.readUInt16LE(off);
    const len = info.readUInt16LE(off + 2);
    if (id === AV_EOL) return pairs;
    if (off + 4 + len > info.length) return null;
    pairs.push({ id, value: info.subarray(off + 4, off + 4 + len) });
    off += 4 + len;
  }
  return info.length === 0 ? pairs : null;
}

function avPairs(pairs: { id: number; value: Buffer }[]): Buffer {
  const parts: Buffer[] = [];
  for (const p of [...pairs, { id: AV_EOL, value: Buffer.alloc(0) }]) {
    const h = Buffer.alloc(4);
    h.writeUInt16LE(p.id, 0);
    h.writeUInt16LE(p.value.length, 2);
    parts.push(h, p.value);
  }
  return Buffer.concat(parts);
}

const hmacMd5 = (key: Buffer, ...data: Buffer[]) => {
  const h = createHmac('md5', key);
  for (const d of data) h.update(d);
  return h.digest();
};
const utf16 = (s: string) => Buffer.from(s, 'utf16le');

/** NTOWFv2 (MS-NLMP 3.3.2): HMAC-MD5 of the NT hash over the upper-cased user and the domain. */
export function ntowfv2(password: string, user: string, domain: string): Buffer {
  return hmacMd5(md4(utf16(password)), utf16(user.toUpperCase() + domain));
}

/** Current time as a Windows FILETIME (100 ns since 1601). */
export function fileTimeNow(nowMs = Date.now()): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE((BigInt(nowMs) + 11644473600000n) * 10000n);
  return b;
}

/** Inputs of {@link ntlmAuthenticate}; the randomness and clock are injectable for test vectors. */
export interface NtlmAuthInput {
  readonly negotiate: Buffer;
  readonly challengeMessage: Buffer;
  readonly challenge: NtlmChallenge;
  readonly domain: string;
  readonly userName: string;
  readonly password: string;
  readonly clientChallenge?: Buffer;
  readonly timestamp?: Buffer;
}

/** The AUTHENTICATE_MESSAGE and the session key it establishes. */
export interface NtlmAuthResult {
  readonly message: Buffer;
  readonly sessionKey: Buffer;
}

/** The NTLMv2 computation (MS-NLMP 3.3.2) and the AUTHENTICATE_MESSAGE carrying it. */
export function ntlmAuthenticate(i: NtlmAuthInput): NtlmAuthResult {
  const pairs = parseAvPairs(i.challenge.targetInfo) ?? [];
  const serverTime = pairs.find((p) => p.id === AV_TIMESTAMP)?.value;
  const withMic = serverTime !== undefined && serverTime.length === 8;
  const timestamp = i.timestamp ?? (withMic ? serverTime : fileTimeNow());
  const clientChallenge = i.clientChallenge ?? randomBytes(8);

  let outPairs = pairs;
  if (withMic) {
    const old = pairs.find((p) => p.id === AV_FLAGS)?.value;
    const flags = Buffer.alloc(4);
    flags.writeUInt32LE(((old && old.length === 4 ? old.readUInt32LE(0) : 0) | 0x2) >>> 0);
    outPairs = [...pairs.filter((p) => p.id !== AV_FLAGS), { id: AV_FLAGS, value: flags }];
  }
  const temp = Buffer.concat([
    Buffer.from([1, 1, 0, 0, 0, 0, 0, 0]),
    timestamp,
    clientChallenge,
    Buffer.alloc(4),
    avPairs(outPairs),
    Buffer.alloc(4),
  ]);
  const key = ntowfv2(i.password, i.userName, i.domain);
  const ntProof = hmacMd5(key, i.challenge.serverChallenge, temp);
  const ntResponse = Buffer.concat([ntProof, temp]);
  const lmResponse = withMic
    ? Buffer.alloc(24)
    : Buffer.concat([hmacMd5(key, i.challenge.serverChallenge, clientChallenge), clientChallenge]);
  const sessionKey = hmacMd5(key, ntProof);

  const flags = (CLIENT_FLAGS & i.challenge.flags) >>> 0;
  const unicode = (flags & F_UNICODE) !== 0;
  const str = (s: string) => (unicode ? utf16(s) : Buffer.from(s, 'latin1'));
  const fields = [lmResponse, ntResponse, str(i.domain), str(i.userName), str(''), Buffer.alloc(0)];
  const header = Buffer.alloc(88);
  SIGNATURE.copy(header);
  header.writeUInt32LE(3, 8);
  let off = header.length;
  fields.forEach((f, n) => {
    header.writeUInt16LE(f.length, 12 + n * 8);
    header.writeUInt16LE(f.length, 14 + n * 8);
    header.writeUInt32LE(off, 16 + n * 8);
    off += f.length;
  });
  header.writeUInt32LE(flags, 60);
  VERSION.copy(header, 64);
  const message = Buffer.concat([header, ...fields]);
  if (withMic) hmacMd5(sessionKey, i.negotiate, i.challengeMessage, message).copy(message, 72);
  return { message, sessionKey };
}
