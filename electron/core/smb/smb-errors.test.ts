import { describe, expect, it } from 'vitest';
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
