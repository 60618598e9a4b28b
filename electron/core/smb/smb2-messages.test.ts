import { describe, expect, it } from 'vitest';
import { negotiateRequest, parseNegotiate, parseSessionSetup, treeConnectRequest } from './smb2-logon-messages';
import {
  Cmd,
  closeRequest,
  createRequest,
  fileTimeToMs,
  parseCreate,
  parseHeader,
  parseQueryDirectory,
  parseRead,
  queryDirectoryRequest,
  readRequest,
  request,
} from './smb2-messages';

const hex = (s: string) => Buffer.from(s.replace(/\s+/gu, ''), 'hex');

/** A response: a header with the response flag, then `body`. */
function response(body: Buffer, status = 0): Buffer {
  const m = request({ command: 0, messageId: 5n, sessionId: 9n, treeId: 1, creditCharge: 1, credits: 1 }, body);
  m.writeUInt32LE(status, 8);
  m.writeUInt32LE(1, 16);
  return m;
}

/* From Microsoft's "anatomy of signing and cryptographic keys" blog (SMB 3.1.1 example). */
const MS_NEGOTIATE_REQUEST = hex(
  'FE534D4240000100000000000000800000000000000000000100000000000000FFFE000000000000' +
    '00000000000000000000000000000000000000000000000024000500000000003F000000ECD86F32' +
    '6276024F9F7752B89BB33F3A70000000020000000202100200030203110300000100260000000000' +
    '010020000100FA49E6578F1F3A9F4CD3E9CC14A67AA884B3D05844E0E5A118225C15887F32FF0000' +
    '0200060000000000020002000100',
);
const MS_NEGOTIATE_RESPONSE = hex(
  'FE534D4240000100000000000000010001000000000000000100000000000000FFFE000000000000' +
    '000000000000000000000000000000000000000000000000410001001103020039CBCAF329714942' +
    'BDCE5D60F09AB3FB2F000000000080000000800000008000D8DAE5ADCBAED00109094AB095AED001' +
    '80004001C00100006082013C06062B0601050502A08201303082012CA01A3018060A2B0601040182' +
    '3702021E060A2B06010401823702020AA282010C048201084E45474F455854530100000000000000' +
    '60000000700000007C7CC0FD06D6362D02DDE1CF343BFE292900F49750B4AA97934D9C4296B26E51' +
    'FD370471B235E15A50DAE15BD5489C87000000000000000060000000010000000000000000000000' +
    '5C33530DEAF90D4DB2EC4AE3786EC3084E45474F4558545303000000010000004000000098000000' +
    '7C7CC0FD06D6362D02DDE1CF343BFE295C33530DEAF90D4DB2EC4AE3786EC3084000000058000000' +
    '3056A05430523027802530233121301F06035504031318546F6B656E205369676E696E6720507562' +
    '6C6963204B65793027802530233121301F06035504031318546F6B656E205369676E696E67205075' +
    '626C6963204B6579010026000000000001002000010060A3C3B95C3C7CCD51EC536648D9B3AC74C4' +
    '83CA5B65385A251117BEB30712E50000020004000000000001000200',
);

describe('NEGOTIATE', () => {
  it("encodes the request as Windows 10 does in Microsoft's example (our security mode and capabilities aside)", () => {
    const guid = MS_NEGOTIATE_REQUEST.subarray(76, 92);
    const salt = MS_NEGOTIATE_REQUEST.subarray(126, 158);
    const ours = request(
      { command: Cmd.NEGOTIATE, messageId: 0n, sessionId: 0n, treeId: 0, creditCharge: 0, credits: 1 },
      negotiateRequest(guid, salt),
    );
    expect(ours.length).toBe(MS_NEGOTIATE_REQUEST.length);
    expect(ours.readUInt16LE(68)).toBe(1); // signing enabled
    expect(ours.readUInt32LE(72)).toBe(0x44); // large MTU, encryption
    const theirs = Buffer.from(MS_NEGOTIATE_REQUEST);
    theirs.writeUInt16LE(1, 68);
    theirs.writeUInt32LE(0x44, 72);
    expect(ours.subarray(64).toString('hex')).toBe(theirs.subarray(64).toString('hex'));
  });

  it("parses Microsoft's example response: 3.1.1, AES-128-GCM, 8 MiB reads, the security blob", () => {
    const n = parseNegotiate(MS_NEGOTIATE_RESPONSE);
    expect(n).toMatchObject({ dialect: 0x0311, cipher: 2, maxReadSize: 0x800000, securityMode: 1 });
    expect(n?.securityBuffer.length).toBe(0x140);
    expect(n?.securityBuffer[0]).toBe(0x60); // SPNEGO
  });

  it('takes AES-128-CCM for 3.0 with the encryption capability, none without', () => {
    const m = Buffer.from(MS_NEGOTIATE_RESPONSE);
    m.writeUInt16LE(0x0300, 68);
    m.writeUInt32LE(0x6f, 88);
    expect(parseNegotiate(m)?.cipher).toBe(1);
    m.writeUInt32LE(0x2f, 88);
    expect(parseNegotiate(m)?.cipher).toBe(0);
  });

  it('refuses a truncated response', () => {
    expect(parseNegotiate(MS_NEGOTIATE_RESPONSE.subarray(0, 100))).toBeNull();
    expect(parseNegotiate(MS_NEGOTIATE_RESPONSE.subarray(0, MS_NEGOTIATE_RESPONSE.length - 4))).toBeNull();
  });
});

describe('header', () => {
  it('round-trips the fields a request carries, and reads the async form', () => {
    const m = request(
      { command: Cmd.READ, messageId: 77n, sessionId: 0x100000000019n, treeId: 3, creditCharge: 2, credits: 256 },
      Buffer.alloc(4),
    );
    expect(parseHeader(m)).toMatchObject({
      command: 8,
      messageId: 77n,
      sessionId: 0x100000000019n,
      treeId: 3,
      creditCharge: 2,
      credits: 256,
      flags: 0,
    });
    m.writeUInt32LE(0x3, 16);
    m.writeBigUInt64LE(0xabcn, 32);
    expect(parseHeader(m)).toMatchObject({ asyncId: 0xabcn, treeId: 0 });
    expect(parseHeader(Buffer.alloc(64))).toBeNull();
  });
});

describe('file messages', () => {
  it('encodes CREATE with the path at offset 120, and a 1-byte buffer for the share root', () => {
    const b = createRequest('App\\USERLIST.DAT', 'read');
    expect(b.readUInt16LE(0)).toBe(57);
    expect(b.readUInt16LE(44)).toBe(120);
    expect(b.subarray(56).toString('utf16le')).toBe('App\\USERLIST.DAT');
    expect(b.readUInt32LE(36)).toBe(1); // FILE_OPEN: never creates
    expect(createRequest('', 'list').length).toBe(57);
  });

  it('parses a CREATE response: file id, size, last write time, directory flag', () => {
    const body = Buffer.alloc(88);
    body.writeUInt16LE(89, 0);
    body.writeBigUInt64LE(133000000000000000n, 24);
    body.writeBigUInt64LE(12345n, 48);
    body.writeUInt32LE(0x10, 56);
    body.fill(0xab, 64, 80);
    expect(parseCreate(response(body))).toEqual({
      fileId: Buffer.alloc(16, 0xab),
      size: 12345,
      mtimeMs: fileTimeToMs(133000000000000000n),
      isDirectory: true,
    });
    expect(fileTimeToMs(116444736000000000n)).toBe(0);
    expect(parseCreate(response(body.subarray(0, 40)))).toBeNull();
  });

  it('encodes READ and parses its data at DataOffset', () => {
    const r = readRequest(Buffer.alloc(16, 1), 65536, 4096);
    expect(r.readUInt32LE(4)).toBe(4096);
    expect(r.readBigUInt64LE(8)).toBe(65536n);
    const body = Buffer.concat([Buffer.alloc(16), Buffer.from('payload')]);
    body.writeUInt16LE(17, 0);
    body.writeUInt8(80, 2);
    body.writeUInt32LE(7, 4);
    expect(parseRead(response(body))?.toString()).toBe('payload');
    body.writeUInt32LE(70, 4);
    expect(parseRead(response(body))).toBeNull();
  });

  it('parses FileNamesInformation entries of QUERY_DIRECTORY', () => {
    const entry = (name: string, last: boolean) => {
      const n = Buffer.from(name, 'utf16le');
      const e = Buffer.alloc(12 + n.length + (last ? 0 : (8 - ((12 + n.length) % 8)) % 8));
      if (!last) e.writeUInt32LE(e.length, 0);
      e.writeUInt32LE(n.length, 8);
      n.copy(e, 12);
      return e;
    };
    const list = Buffer.concat([entry('.', false), entry('USERLIST.DAT', false), entry('Grüße.dat', true)]);
    const body = Buffer.concat([Buffer.alloc(8), list]);
    body.writeUInt16LE(9, 0);
    body.writeUInt16LE(72, 2);
    body.writeUInt32LE(list.length, 4);
    expect(parseQueryDirectory(response(body))).toEqual(['.', 'USERLIST.DAT', 'Grüße.dat']);
    const q = queryDirectoryRequest(Buffer.alloc(16, 2), true, 65536);
    expect(q.readUInt8(2)).toBe(0x0c);
    expect(q.readUInt8(3)).toBe(1);
    expect(q.subarray(32).toString('utf16le')).toBe('*');
  });

  it('encodes CLOSE and TREE_CONNECT, and parses SESSION_SETUP flags', () => {
    expect(closeRequest(Buffer.alloc(16, 5)).subarray(8).equals(Buffer.alloc(16, 5))).toBe(true);
    const t = treeConnectRequest('\\\\127.0.0.1\\mdapp');
    expect(t.readUInt16LE(4)).toBe(72);
    expect(t.subarray(8).toString('utf16le')).toBe('\\\\127.0.0.1\\mdapp');
    const body = Buffer.concat([Buffer.alloc(8), Buffer.from('tok')]);
    body.writeUInt16LE(9, 0);
    body.writeUInt16LE(4, 2);
    body.writeUInt16LE(72, 4);
    body.writeUInt16LE(3, 6);
    expect(parseSessionSetup(response(body))).toEqual({ flags: 4, token: Buffer.from('tok') });
  });
});
