/**
 * One SMB2/3 connection: TCP framing, message ids and credits, signing, encryption, and
 * matching responses to requests (interim STATUS_PENDING answers included).
 *
 * It knows nothing of logons or files: smb2-session.ts negotiates and logs on through it and
 * then sets the keys; smb2-client.ts sends the file requests. Every response of a signed session
 * must carry a valid signature or arrive encrypted, else the call fails with SMB_BAD_SIGNATURE.
 */
import { Socket } from 'node:net';
import {
  decryptMessage,
  encryptMessage,
  isTransform,
  signMessage,
  transformSessionId,
  verifyMessage,
  type SessionKeys,
} from './smb2-crypto';
import { FLAG_ASYNC, FLAG_RESPONSE, FLAG_SIGNED, parseHeader, request, type Smb2Header } from './smb2-messages';
import { SmbProtocolError, dialectName } from './smb2-status';
import { SmbTransportError } from './smb-errors';

const STATUS_PENDING = 0x00000103;
const UNSOLICITED = 0xffffffffffffffffn;
/** STATUS_USER_SESSION_DELETED, STATUS_NETWORK_SESSION_EXPIRED. */
const UNSIGNED_OK = new Set([0xc0000203, 0xc000035c]);
/** Credits we ask for with each request: enough for a few large reads at once. */
const CREDIT_REQUEST = 256;

/** A response: its parsed header and the whole (decrypted) message. */
export interface Smb2Response {
  readonly header: Smb2Header;
  readonly message: Buffer;
  /** The request exactly as sent (before encryption), for the 3.1.1 pre-authentication hash. */
  readonly sent: Buffer;
}

/** How to send one request. */
export interface SendOptions {
  /** Multi-credit charge (1 per 64 KiB); default 1. */
  readonly charge?: number;
  /** Sign it (with the session's signing key); default: whenever the session signs. */
  readonly sign?: boolean;
  /** Expect a signed response; default: whenever the session signs. */
  readonly verify?: boolean;
}

interface Waiter {
  resolve(r: Smb2Response): void;
  reject(e: Error): void;
  sent: Buffer;
  verify: boolean;
}

/** Security state set by the logon. */
export interface ConnectionSecurity {
  dialect: number;
  sessionId: bigint;
  treeId: number;
  keys?: SessionKeys;
  /** Sign requests and require signed responses. */
  signing: boolean;
  /** Encrypt everything (session or share requires it). */
  encrypting: boolean;
  cipher: number;
}

/** An SMB2/3 transport over one TCP connection. */
export class Smb2Connection {
  /** Created at once (the caller's timeout guard watches it), connected by {@link open}. */
  readonly socket = new Socket();
  readonly security: ConnectionSecurity = {
    dialect: 0,
    sessionId: 0n,
    treeId: 0,
    signing: false,
    encrypting: false,
    cipher: 0,
  };
  private nextId = 0n;
  private credits = 1;
  private buffered: Buffer = Buffer.alloc(0);
  private readonly waiting = new Map<bigint, Waiter>();
  private failure: Error | undefined;

  constructor() {
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (e: Error) => this.fail(e));
    // On 'end' already: the caller's guard reports a close one turn after it, and our own
    // reading of it (which request it cut) should come first.
    this.socket.on('end', () => this.fail(new SmbTransportError('SMB_CLOSED')));
    this.socket.on('close', () => this.fail(new SmbTransportError('SMB_CLOSED')));
  }

  /** Connects the TCP socket. */
  open(host: string, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      this.socket.once('error', onError);
      this.socket.connect({ host, port }, () => {
        this.socket.off('error', onError);
        resolve();
      });
    });
  }

  /** Credits the server has granted and we have not used. */
  get available(): number {
    return this.credits;
  }

  /** Sends one request and resolves with its final response, whatever its status. */
  send(command: number, body: Buffer, o: SendOptions = {}): Promise<Smb2Response> {
    if (this.failure) return Promise.reject(this.failure);
    const s = this.security;
    const charge = Math.max(1, o.charge ?? 1);
    const messageId = this.nextId;
    this.nextId += BigInt(charge);
    this.credits -= charge;
    const msg = request(
      {
        command,
        messageId,
        sessionId: s.sessionId,
        treeId: s.treeId,
        creditCharge: s.dialect === 0x0202 ? 0 : charge,
        credits: Math.max(CREDIT_REQUEST, charge),
      },
      body,
    );
    const sign = o.sign ?? (s.signing && !s.encrypting);
    if (sign && s.keys) signMessage(s.dialect, s.keys.signing, msg);
    const wire =
      s.encrypting && s.keys?.encryption ? encryptMessage(s.cipher, s.keys.encryption, s.sessionId, msg) : msg;
    const frame = Buffer.alloc(4 + wire.length);
    frame.writeUInt32BE(wire.length, 0);
    wire.copy(frame, 4);
    return new Promise<Smb2Response>((resolve, reject) => {
      this.waiting.set(messageId, { resolve, reject, sent: msg, verify: o.verify ?? s.signing });
      this.socket.write(frame);
    });
  }

  /** Ends the connection; pending calls fail. */
  destroy(): void {
    this.socket.destroy();
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const w of this.waiting.values()) w.reject(this.failure);
    this.waiting.clear();
  }

  /** Fails every call and closes: the stream can no longer be trusted. */
  private abort(e: Error): void {
    this.fail(e);
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= 4) {
      const length = this.buffered.readUInt32BE(0);
      if (length > 0x00ffffff) return this.abort(new SmbProtocolError('SMB_MALFORMED'));
      if (this.buffered.length < 4 + length) return;
      const frame = this.buffered.subarray(4, 4 + length);
      this.buffered = this.buffered.subarray(4 + length);
      this.onFrame(frame);
      if (this.failure) return;
    }
  }

  private onFrame(frame: Buffer): void {
    const s = this.security;
    let message = frame;
    let encrypted = false;
    if (isTransform(frame)) {
      const plain =
        s.keys?.decryption && transformSessionId(frame) === s.sessionId
          ? decryptMessage(s.cipher, s.keys.decryption, frame)
          : null;
      if (!plain) return this.abort(new SmbProtocolError('SMB_BAD_ENCRYPTION', dialectName(s.dialect)));
      message = plain;
      encrypted = true;
    } else if (frame.length >= 4 && frame.readUInt32LE(0) === 0x424d53ff) {
      // An SMB1 answer: the server speaks none of our dialects.
      return this.abort(new SmbProtocolError('SMB_DIALECT'));
    }
    const header = parseHeader(message);
    if (!header || (header.flags & FLAG_RESPONSE) === 0) return this.abort(new SmbProtocolError('SMB_MALFORMED'));
    if (header.nextCommand > 0) message = message.subarray(0, header.nextCommand);
    this.credits += header.credits;
    if (header.messageId === UNSOLICITED) return; // oplock or lease break: we take none
    const w = this.waiting.get(header.messageId);
    if (!w) return;
    if (header.status === STATUS_PENDING && (header.flags & FLAG_ASYNC) !== 0) return; // interim response
    if (w.verify && !encrypted) {
      const signed = (header.flags & FLAG_SIGNED) !== 0;
      // Servers may leave "session gone" unsigned; it only makes us reconnect, as a cut would.
      const sessionGone = !signed && UNSIGNED_OK.has(header.status);
      if (!sessionGone && (!signed || !s.keys || !verifyMessage(s.dialect, s.keys.signing, message))) {
        return this.abort(new SmbProtocolError('SMB_BAD_SIGNATURE', dialectName(s.dialect)));
      }
    }
    this.waiting.delete(header.messageId);
    w.resolve({ header, message: Buffer.from(message), sent: w.sent });
  }
}
