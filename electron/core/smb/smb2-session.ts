/**
 * Logging on over an Smb2Connection: NEGOTIATE (highest common dialect, 3.1.1
 * pre-authentication integrity), SESSION_SETUP with NTLMv2, key derivation, TREE_CONNECT.
 *
 * After it the connection signs every request and checks every response's signature (or
 * encrypts both ways when the session or share requires encryption). Refusals are thrown as
 * SmbStatusError (the server's status) or SmbProtocolError (what we found impossible).
 */
import { createHash, randomBytes } from 'node:crypto';
import { ntlmAuthenticate, ntlmNegotiate, parseChallenge } from './ntlm';
import type { Smb2Connection, Smb2Response } from './smb2-connection';
import { deriveKeys, verifyMessage } from './smb2-crypto';
import { Cmd, DIALECTS } from './smb2-messages';
import {
  SESSION_ENCRYPT,
  SESSION_GUEST,
  SESSION_NULL,
  SHARE_ENCRYPT,
  negotiateRequest,
  parseNegotiate,
  parseSessionSetup,
  parseTreeConnect,
  sessionSetupRequest,
  treeConnectRequest,
} from './smb2-logon-messages';
import { SmbProtocolError, SmbStatusError, dialectName } from './smb2-status';

const STATUS_SUCCESS = 0;
const STATUS_MORE_PROCESSING_REQUIRED = 0xc0000016;
const STATUS_ACCESS_DENIED = 0xc0000022;
const SIGNING_REQUIRED = 0x2;

/** Who logs on to which share. */
export interface LogonParams {
  readonly host: string;
  readonly share: string;
  readonly domain: string;
  readonly userName: string;
  readonly password: string;
}

/** What the logon agreed, for reads. */
export interface LogonResult {
  readonly dialect: number;
  readonly maxReadSize: number;
  readonly largeMtu: boolean;
}

const sha512 = (...parts: Buffer[]) => {
  const h = createHash('sha512');
  for (const p of parts) h.update(p);
  return h.digest();
};

function ok(r: Smb2Response, accepted = STATUS_SUCCESS): Smb2Response {
  if (r.header.status !== accepted) throw new SmbStatusError(r.header.status);
  return r;
}

/** Negotiates, logs on and connects the tree; the connection is then ready for file requests. */
export async function logon(c: Smb2Connection, p: LogonParams): Promise<LogonResult> {
  const s = c.security;
  const neg = await c
    .send(Cmd.NEGOTIATE, negotiateRequest(randomBytes(16), randomBytes(32)), { sign: false, verify: false })
    .catch((e: unknown) => {
      // A server that speaks none of our dialects (an SMB 1-only one) hangs up on the NEGOTIATE.
      const code = (e as { code?: unknown } | null)?.code;
      throw code === 'SMB_CLOSED' || code === 'ECONNRESET' ? new SmbProtocolError('SMB_DIALECT_CLOSED') : e;
    });
  if (neg.header.status !== STATUS_SUCCESS) throw new SmbProtocolError('SMB_DIALECT');
  const n = parseNegotiate(neg.message);
  if (!n) throw new SmbProtocolError('SMB_MALFORMED');
  if (!(DIALECTS as readonly number[]).includes(n.dialect)) throw new SmbProtocolError('SMB_DIALECT');
  s.dialect = n.dialect;
  s.cipher = n.cipher;
  const is311 = n.dialect === 0x0311;
  let preauth = is311 ? sha512(sha512(Buffer.alloc(64), neg.sent), neg.message) : undefined;

  // SESSION_SETUP round 1: NTLM NEGOTIATE → CHALLENGE.
  const negotiate = ntlmNegotiate();
  const r1 = ok(
    await c.send(Cmd.SESSION_SETUP, sessionSetupRequest(negotiate), { sign: false, verify: false }),
    STATUS_MORE_PROCESSING_REQUIRED,
  );
  s.sessionId = r1.header.sessionId;
  if (preauth) preauth = sha512(sha512(preauth, r1.sent), r1.message);
  const setup1 = parseSessionSetup(r1.message);
  const challenge = setup1 && parseChallenge(setup1.token);
  if (!setup1 || !challenge) throw new SmbProtocolError('SMB_MALFORMED', dialectName(s.dialect));

  // Round 2: AUTHENTICATE → success (the response is signed with the new keys unless guest).
  const auth = ntlmAuthenticate({
    negotiate,
    challengeMessage: setup1.token,
    challenge,
    domain: p.domain,
    userName: p.userName,
    password: p.password,
  });
  const r2 = await c.send(Cmd.SESSION_SETUP, sessionSetupRequest(auth.message), { sign: false, verify: false });
  // Samba refuses the session so when it requires encryption of every session and we share only SMB 2.
  if (r2.header.status === STATUS_ACCESS_DENIED && s.dialect < 0x0300) {
    throw new SmbProtocolError('SMB_DENIED_WITHOUT_SMB3', dialectName(s.dialect));
  }
  ok(r2);
  if (preauth) preauth = sha512(preauth, r2.sent);
  const setup2 = parseSessionSetup(r2.message);
  if (!setup2) throw new SmbProtocolError('SMB_MALFORMED', dialectName(s.dialect));
  if ((setup2.flags & (SESSION_GUEST | SESSION_NULL)) !== 0) {
    throw new SmbProtocolError('SMB_GUEST', dialectName(s.dialect));
  }
  s.keys = deriveKeys(s.dialect, auth.sessionKey, preauth);
  const mustSign = (n.securityMode & SIGNING_REQUIRED) !== 0 || is311;
  if (mustSign || (r2.header.flags & 0x8) !== 0) {
    if (!verifyMessage(s.dialect, s.keys.signing, r2.message)) {
      throw new SmbProtocolError('SMB_BAD_SIGNATURE', dialectName(s.dialect));
    }
  }
  s.signing = true;
  if ((setup2.flags & SESSION_ENCRYPT) !== 0) {
    if (!s.cipher || !s.keys.encryption)
      throw new SmbProtocolError('SMB_ENCRYPTION_UNAVAILABLE', dialectName(s.dialect));
    s.encrypting = true;
  }

  // TREE_CONNECT.
  const tree = await c.send(Cmd.TREE_CONNECT, treeConnectRequest(`\\\\${p.host}\\${p.share}`));
  if (tree.header.status === STATUS_ACCESS_DENIED && s.dialect < 0x0300) {
    throw new SmbProtocolError('SMB_DENIED_WITHOUT_SMB3', dialectName(s.dialect));
  }
  ok(tree);
  const t = parseTreeConnect(tree.message);
  if (!t) throw new SmbProtocolError('SMB_MALFORMED', dialectName(s.dialect));
  s.treeId = tree.header.treeId;
  if ((t.shareFlags & SHARE_ENCRYPT) !== 0 && !s.encrypting) {
    if (!s.cipher || !s.keys.encryption)
      throw new SmbProtocolError('SMB_ENCRYPTION_UNAVAILABLE', dialectName(s.dialect));
    s.encrypting = true;
  }
  return {
    dialect: s.dialect,
    maxReadSize: n.maxReadSize,
    largeMtu: s.dialect >= 0x0210 && (n.capabilities & 0x4) !== 0,
  };
}
