/**
 * The SMB2 header and the file messages a read-only client needs (MS-SMB2 2.2): CREATE, READ,
 * QUERY_DIRECTORY, CLOSE. The logon messages are in smb2-logon-messages.ts.
 *
 * Pure functions over Buffers; the connection (smb2-connection.ts) adds message ids, credits,
 * signing and encryption. Decoders check lengths and return null for a malformed body.
 */

/** SMB2 command codes. */
export const Cmd = {
  NEGOTIATE: 0x00,
  SESSION_SETUP: 0x01,
  LOGOFF: 0x02,
  TREE_CONNECT: 0x03,
  CREATE: 0x05,
  CLOSE: 0x06,
  READ: 0x08,
  QUERY_DIRECTORY: 0x0e,
} as const;

/** The dialects we offer, lowest first. */
export const DIALECTS = [0x0202, 0x0210, 0x0300, 0x0302, 0x0311] as const;

/** Header flags. */
export const FLAG_RESPONSE = 0x1;
export const FLAG_ASYNC = 0x2;
export const FLAG_SIGNED = 0x8;

/** Capabilities: large MTU (multi-credit) and encryption. */
export const CAP_LARGE_MTU = 0x4;
export const CAP_ENCRYPTION = 0x40;

/** Size of the SMB2 header; request and response bodies start here. */
export const HEADER_SIZE = 64;

/** Fields of the 64-byte SMB2 header (sync or async form). */
export interface Smb2Header {
  readonly creditCharge: number;
  readonly status: number;
  readonly command: number;
  readonly credits: number;
  readonly flags: number;
  readonly nextCommand: number;
  readonly messageId: bigint;
  readonly treeId: number;
  readonly asyncId: bigint;
  readonly sessionId: bigint;
}

/** Builds a request: header followed by body. */
export function request(
  h: Pick<Smb2Header, 'command' | 'messageId' | 'sessionId' | 'treeId' | 'creditCharge' | 'credits'>,
  body: Buffer,
): Buffer {
  const m = Buffer.alloc(HEADER_SIZE + body.length);
  m.writeUInt32LE(0x424d53fe, 0); // 0xFE 'S' 'M' 'B'
  m.writeUInt16LE(HEADER_SIZE, 4);
  m.writeUInt16LE(h.creditCharge, 6);
  m.writeUInt16LE(h.command, 12);
  m.writeUInt16LE(h.credits, 14);
  m.writeBigUInt64LE(h.messageId, 24);
  m.writeUInt32LE(0xfeff, 32);
  m.writeUInt32LE(h.treeId, 36);
  m.writeBigUInt64LE(h.sessionId, 40);
  body.copy(m, HEADER_SIZE);
  return m;
}

/** Parses the header of a message; null when it is not an SMB2 message. */
export function parseHeader(m: Buffer): Smb2Header | null {
  if (m.length < HEADER_SIZE || m.readUInt32LE(0) !== 0x424d53fe || m.readUInt16LE(4) !== HEADER_SIZE) return null;
  const flags = m.readUInt32LE(16);
  return {
    creditCharge: m.readUInt16LE(6),
    status: m.readUInt32LE(8),
    command: m.readUInt16LE(12),
    credits: m.readUInt16LE(14),
    flags,
    nextCommand: m.readUInt32LE(20),
    messageId: m.readBigUInt64LE(24),
    treeId: (flags & FLAG_ASYNC) === 0 ? m.readUInt32LE(36) : 0,
    asyncId: (flags & FLAG_ASYNC) !== 0 ? m.readBigUInt64LE(32) : 0n,
    sessionId: m.readBigUInt64LE(40),
  };
}

/** What we open: a file to read, a file's attributes, or a folder to list. */
export type OpenPurpose = 'read' | 'stat' | 'list';

const ACCESS: Record<OpenPurpose, number> = {
  read: 0x00120089, // FILE_GENERIC_READ
  stat: 0x00100080, // FILE_READ_ATTRIBUTES | SYNCHRONIZE
  list: 0x00100081, // FILE_LIST_DIRECTORY | FILE_READ_ATTRIBUTES | SYNCHRONIZE
};
const OPTIONS: Record<OpenPurpose, number> = {
  read: 0x40, // FILE_NON_DIRECTORY_FILE
  stat: 0,
  list: 0x1, // FILE_DIRECTORY_FILE
};

/** CREATE request body opening an existing path (share-relative, `\`-separated) with full sharing. */
export function createRequest(path: string, purpose: OpenPurpose): Buffer {
  const name = Buffer.from(path, 'utf16le');
  const b = Buffer.alloc(56 + Math.max(name.length, 1));
  b.writeUInt16LE(57, 0);
  b.writeUInt32LE(2, 4); // ImpersonationLevel: Impersonation
  b.writeUInt32LE(ACCESS[purpose], 24);
  b.writeUInt32LE(0x7, 32); // ShareAccess: read, write, delete
  b.writeUInt32LE(1, 36); // CreateDisposition: FILE_OPEN
  b.writeUInt32LE(OPTIONS[purpose], 40);
  b.writeUInt16LE(HEADER_SIZE + 56, 44);
  b.writeUInt16LE(name.length, 46);
  name.copy(b, 56);
  return b;
}

/** What CREATE tells about the opened file. */
export interface CreateResponse {
  readonly fileId: Buffer;
  readonly size: number;
  readonly mtimeMs: number;
  readonly isDirectory: boolean;
}

/** FILETIME (100 ns since 1601) to Unix milliseconds. */
export function fileTimeToMs(ft: bigint): number {
  return Number(ft / 10000n) - 11644473600000;
}

/** Parses a CREATE response. */
export function parseCreate(m: Buffer): CreateResponse | null {
  const b = m.subarray(HEADER_SIZE);
  if (b.length < 88 || b.readUInt16LE(0) !== 89) return null;
  return {
    mtimeMs: fileTimeToMs(b.readBigUInt64LE(24)),
    size: Number(b.readBigUInt64LE(48)),
    isDirectory: (b.readUInt32LE(56) & 0x10) !== 0,
    fileId: Buffer.from(b.subarray(64, 80)),
  };
}

/** READ request body. */
export function readRequest(fileId: Buffer, offset: number, length: number): Buffer {
  const b = Buffer.alloc(49);
  b.writeUInt16LE(49, 0);
  b.writeUInt8(0x50, 2); // Padding: data right after the response header
  b.writeUInt32LE(length, 4);
  b.writeBigUInt64LE(BigInt(offset), 8);
  fileId.copy(b, 16);
  return b;
}

/** Parses a READ response: the data. */
export function parseRead(m: Buffer): Buffer | null {
  const b = m.subarray(HEADER_SIZE);
  if (b.length < 16 || b.readUInt16LE(0) !== 17) return null;
  const off = b.readUInt8(2);
  const len = b.readUInt32LE(4);
  if (off + len > m.length) return null;
  return m.subarray(off, off + len);
}

/** QUERY_DIRECTORY request body for FileNamesInformation; `restart` for the first call. */
export function queryDirectoryRequest(fileId: Buffer, restart: boolean, outputLength: number): Buffer {
  const pattern = Buffer.from('*', 'utf16le');
  const b = Buffer.alloc(32 + pattern.length);
  b.writeUInt16LE(33, 0);
  b.writeUInt8(0x0c, 2); // FileNamesInformation
  b.writeUInt8(restart ? 0x1 : 0, 3);
  fileId.copy(b, 8);
  b.writeUInt16LE(HEADER_SIZE + 32, 24);
  b.writeUInt16LE(pattern.length, 26);
  b.writeUInt32LE(outputLength, 28);
  pattern.copy(b, 32);
  return b;
}

/** Parses a QUERY_DIRECTORY response of FileNamesInformation entries into names. */
export function parseQueryDirectory(m: Buffer): string[] | null {
  const b = m.subarray(HEADER_SIZE);
  if (b.length < 8 || b.readUInt16LE(0) !== 9) return null;
  const off = b.readUInt16LE(2);
  const len = b.readUInt32LE(4);
  if (off + len > m.length) return null;
  const out = m.subarray(off, off + len);
  const names: string[] = [];
  for (let at = 0; at + 12 <= out.length;) {
    const next = out.readUInt32LE(at);
    const nameLen = out.readUInt32LE(at + 8);
    if (at + 12 + nameLen > out.length) return null;
    names.push(out.toString('utf16le', at + 12, at + 12 + nameLen));
    if (next === 0) break;
    at += next;
  }
  return names;
}

/** CLOSE request body. */
export function closeRequest(fileId: Buffer): Buffer {
  const b = Buffer.alloc(24);
  b.writeUInt16LE(24, 0);
  fileId.copy(b, 8);
  return b;
}
