import { describe, expect, it } from 'vitest';
import { SmbProtocolError, SmbStatusError } from './smb2-status';
import { toSmbUserError } from './smb-errors';

const ctx = (password: string, userName = 'svc') => ({
  host: '127.0.0.1',
  port: 445,
  share: 'mdapp',
  domain: '',
  userName,
  password,
  timeoutMs: 5000,
});

describe('SMB error messages', () => {
  it('keep their own words when the password is one of them', () => {
    const err = toSmbUserError({ code: 'STATUS_LOGON_FAILURE' }, ctx('wrong'), { phase: 'connect', path: '' });
    expect(err.code).toBe('auth');
    expect(err.message).toBe('the share refused user svc: wrong user name or password');
  });

  it('hide a password typed into the user name', () => {
    const err = toSmbUserError({ code: 'STATUS_LOGON_FAILURE' }, ctx('S3cret!', 'S3cret!'), {
      phase: 'connect',
      path: '',
    });
    expect(err.message).not.toContain('S3cret!');
    expect(err.message).toContain('***');
  });
});

describe('SMB protocol failures', () => {
  const c = ctx('Pw-123');
  const at = { phase: 'connect' as const, path: '' };
  it.each([
    ['SMB_DIALECT', '', 'protocol', /speaks none of the dialects .*: dialect not supported/u],
    [
      'SMB_DIALECT_CLOSED',
      '',
      'protocol',
      /closed the connection when offered SMB 2\.0\.2 to 3\.1\.1.*dialect not supported/u,
    ],
    ['SMB_GUEST', '3.1.1', 'auth', /refused user svc: the server offered only a guest logon/u],
    [
      'SMB_ENCRYPTION_UNAVAILABLE',
      '2.1',
      'protocol',
      /^share mdapp on 127\.0\.0\.1 requires encryption, which is not possible over SMB 2\.1/u,
    ],
    [
      'SMB_DENIED_WITHOUT_SMB3',
      '2.1',
      'unreadable',
      /over SMB 2\.1 \(access denied\): if the server or share requires encryption/u,
    ],
    ['SMB_BAD_SIGNATURE', '3.0', 'protocol', /failed signature verification over SMB 3\.0/u],
    ['SMB_BAD_ENCRYPTION', '3.1.1', 'protocol', /could not be decrypted over SMB 3\.1\.1/u],
    ['SMB_MALFORMED', '', 'protocol', /sent a message mdsync could not understand$/u],
  ] as const)('%s is one plain sentence naming the cause', (code, dialect, userCode, text) => {
    const e = toSmbUserError(new SmbProtocolError(code, dialect), c, at);
    expect(e.code).toBe(userCode);
    expect(e.message).toMatch(text);
    expect(e.message).not.toMatch(/[\r\n]/u);
    expect(e.message).not.toContain('Pw-123');
  });

  it('names an unknown status by its number', () => {
    const e = toSmbUserError(new SmbStatusError(0xc0001234), c, { phase: 'file', path: 'App\\X.DAT' });
    expect(e.message).toBe('the SMB server answered STATUS_XC0001234 for App\\X.DAT in \\\\127.0.0.1\\mdapp');
  });
});
