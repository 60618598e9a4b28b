/**
 * Our SMB2/3 client for one share: stat, list and read over an Smb2Connection, logging on
 * lazily at the first call (smb2-session.ts).
 *
 * It does one thing at a time (the caller, smb-client.ts, serializes calls and bounds them by
 * its inactivity timeout) and is thrown away after a failure that may have left it in an
 * unknown state. The password is kept in a private field, never in anything thrown.
 */
import { Smb2Connection } from './smb2-connection';
import { CIPHER_AES128_GCM } from './smb2-crypto';
import {
  Cmd,
  closeRequest,
  createRequest,
  parseCreate,
  parseQueryDirectory,
  parseRead,
  queryDirectoryRequest,
  readRequest,
  type CreateResponse,
  type OpenPurpose,
} from './smb2-messages';
import { logon, type LogonParams, type LogonResult } from './smb2-session';
import { SmbProtocolError, SmbStatusError, dialectName } from './smb2-status';
import { SmbTransportError } from './smb-errors';

const STATUS_SUCCESS = 0;
const STATUS_NO_MORE_FILES = 0x80000006;
const STATUS_END_OF_FILE = 0xc0000011;
/** Statuses after which the session or tree is gone: reconnect. */
const SESSION_GONE = new Set([0xc0000203, 0xc000035c, 0xc00000c9]);
const CREDIT_BYTES = 65536;

/** Where and as whom (the password stays in a private field). */
export interface Smb2ClientOptions extends LogonParams {
  readonly port: number;
}

/** A logged-on (lazily) SMB2/3 client reading one share. */
export class Smb2Client {
  private readonly conn = new Smb2Connection();
  readonly #params: Smb2ClientOptions;
  private logonDone: Promise<LogonResult> | undefined;
  private agreed: LogonResult | undefined;

  constructor(o: Smb2ClientOptions) {
    this.#params = { ...o };
  }

  /** The TCP socket (the caller's timeout guard watches it). */
  get socket() {
    return this.conn.socket;
  }

  /** True once the tree is connected. */
  get connected(): boolean {
    return this.agreed !== undefined && !this.conn.socket.destroyed;
  }

  /** How the connection is protected, once logged on (for tests and diagnostics). */
  get protection(): { dialect: string; signing: boolean; encryption: '' | 'AES-128-CCM' | 'AES-128-GCM' } {
    const s = this.conn.security;
    const cipher = s.cipher === CIPHER_AES128_GCM ? 'AES-128-GCM' : 'AES-128-CCM';
    return { dialect: this.dialect, signing: s.signing, encryption: s.encrypting ? cipher : '' };
  }

  /** The dialect agreed, e.g. `3.1.1`; '' before logon. */
  get dialect(): string {
    return this.agreed ? dialectName(this.agreed.dialect) : '';
  }

  private async ready(): Promise<LogonResult> {
    this.logonDone ??= (async () => {
      const p = this.#params;
      await this.conn.open(p.host, p.port);
      this.agreed = await logon(this.conn, p);
      return this.agreed;
    })();
    return this.logonDone;
  }

  /** Sends a file request; a status meaning the session is gone closes the connection. */
  private async call(command: number, body: Buffer, charge = 1) {
    await this.ready();
    const r = await this.conn.send(command, body, { charge });
    if (SESSION_GONE.has(r.header.status)) {
      this.conn.destroy();
      throw new SmbTransportError('SMB_CLOSED');
    }
    return r;
  }

  private async open(path: string, purpose: OpenPurpose): Promise<CreateResponse> {
    const r = await this.call(Cmd.CREATE, createRequest(path, purpose));
    if (r.header.status !== STATUS_SUCCESS) throw new SmbStatusError(r.header.status);
    const created = parseCreate(r.message);
    if (!created) throw new SmbProtocolError('SMB_MALFORMED', this.dialect);
    return created;
  }

  private async closeFile(fileId: Buffer): Promise<void> {
    await this.call(Cmd.CLOSE, closeRequest(fileId));
  }

  private async withOpen<T>(path: string, purpose: OpenPurpose, fn: (f: CreateResponse) => Promise<T>): Promise<T> {
    const f = await this.open(path, purpose);
    let result: T;
    try {
      result = await fn(f);
    } catch (e) {
      // The first failure is the one to report; closing may fail for the same reason.
      await this.closeFile(f.fileId).catch(() => undefined);
      throw e;
    }
    await this.closeFile(f.fileId);
    return result;
  }

  /** Size and last-write time of a file or folder. */
  stat(path: string): Promise<{ size: number; mtime: Date }> {
    return this.withOpen(path, 'stat', (f) => Promise.resolve({ size: f.size, mtime: new Date(f.mtimeMs) }));
  }

  /** Names in a folder, without `.` and `..`. */
  readdir(path: string): Promise<string[]> {
    return this.withOpen(path, 'list', async (f) => {
      const names: string[] = [];
      for (let first = true; ; first = false) {
        const r = await this.call(Cmd.QUERY_DIRECTORY, queryDirectoryRequest(f.fileId, first, CREDIT_BYTES));
        if (r.header.status === STATUS_NO_MORE_FILES) break;
        if (r.header.status !== STATUS_SUCCESS) throw new SmbStatusError(r.header.status);
        const batch = parseQueryDirectory(r.message);
        if (!batch) throw new SmbProtocolError('SMB_MALFORMED', this.dialect);
        names.push(...batch.filter((n) => n !== '.' && n !== '..'));
      }
      return names;
    });
  }

  /**
   * The whole file, read in order in chunks as large as the server and our credits allow.
   * A file that shrinks while we read gives what there was (the caller compares size and time).
   */
  readFile(path: string): Promise<Buffer> {
    return this.withOpen(path, 'read', async (f) => {
      const agreed = this.agreed;
      const max = agreed ? Math.min(agreed.maxReadSize, agreed.largeMtu ? 1024 * 1024 : CREDIT_BYTES) : CREDIT_BYTES;
      const chunks: Buffer[] = [];
      let offset = 0;
      for (;;) {
        const credits = Math.max(1, Math.min(this.conn.available, Math.ceil(max / CREDIT_BYTES)));
        const length = Math.max(1, Math.min(max, credits * CREDIT_BYTES));
        const r = await this.call(Cmd.READ, readRequest(f.fileId, offset, length), Math.ceil(length / CREDIT_BYTES));
        if (r.header.status === STATUS_END_OF_FILE) break;
        if (r.header.status !== STATUS_SUCCESS) throw new SmbStatusError(r.header.status);
        const data = parseRead(r.message);
        if (!data) throw new SmbProtocolError('SMB_MALFORMED', this.dialect);
        if (data.length === 0) break;
        chunks.push(Buffer.from(data));
        offset += data.length;
        if (data.length < length && offset >= f.size) break;
      }
      return Buffer.concat(chunks);
    });
  }

  /** Closes the TCP connection (no logoff: the server drops the session with it). */
  disconnect(): void {
    this.conn.destroy();
  }
}
