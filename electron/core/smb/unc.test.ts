import { describe, expect, it } from 'vitest';
import { UserError } from '../../../shared/result';
import { formatUnc, joinSharePath, parseUnc } from './unc';

function configMessage(input: string): string {
  try {
    parseUnc(input);
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    const err = e as UserError;
    expect(err.code).toBe('config');
    expect(err.message).not.toContain('\n');
    return err.message;
  }
  throw new Error(`parseUnc accepted ${JSON.stringify(input)}`);
}

describe('parseUnc', () => {
  it('parses the backslash form with a folder', () => {
    expect(parseUnc('\\\\MDAEMON\\MDApp\\App\\Sub')).toEqual({
      host: 'MDAEMON',
      port: 445,
      share: 'MDApp',
      dir: 'App\\Sub',
    });
  });

  it('parses the forward-slash form and mixed separators', () => {
    expect(parseUnc('//mail.example.com/c$/MDaemon/App')).toEqual({
      host: 'mail.example.com',
      port: 445,
      share: 'c$',
      dir: 'MDaemon\\App',
    });
    expect(parseUnc('\\\\srv/share\\a/b')).toEqual({ host: 'srv', port: 445, share: 'share', dir: 'a\\b' });
  });

  it('gives an empty dir for the share root, with or without trailing separators', () => {
    expect(parseUnc('\\\\srv\\share')).toEqual({ host: 'srv', port: 445, share: 'share', dir: '' });
    expect(parseUnc('\\\\srv\\share\\')).toEqual({ host: 'srv', port: 445, share: 'share', dir: '' });
    expect(parseUnc('  //srv/share/dir//  ')).toEqual({ host: 'srv', port: 445, share: 'share', dir: 'dir' });
  });

  it('accepts our :port extension and IPv4 hosts', () => {
    expect(parseUnc('\\\\127.0.0.1:4450\\mdapp\\App')).toEqual({
      host: '127.0.0.1',
      port: 4450,
      share: 'mdapp',
      dir: 'App',
    });
    expect(parseUnc('//10.0.0.5/share')).toMatchObject({ host: '10.0.0.5', port: 445 });
  });

  it('keeps spaces and non-ASCII letters in share and folder names', () => {
    expect(parseUnc('\\\\srv\\Mail Share\\Äpp Dir')).toEqual({
      host: 'srv',
      port: 445,
      share: 'Mail Share',
      dir: 'Äpp Dir',
    });
  });

  it('accepts the Win32 long-path form', () => {
    expect(parseUnc('\\\\?\\UNC\\srv\\share\\App')).toEqual({ host: 'srv', port: 445, share: 'share', dir: 'App' });
  });

  it('refuses malformed input with one-line config errors', () => {
    expect(configMessage('')).toMatch(/empty/);
    expect(configMessage('C:\\MDaemon\\App')).toMatch(/two backslashes/);
    expect(configMessage('\\srv\\share')).toMatch(/two backslashes/);
    expect(configMessage('\\\\\\srv\\share')).toMatch(/two backslashes/);
    expect(configMessage('\\\\srv')).toMatch(/no share on srv/);
    expect(configMessage('\\\\srv\\')).toMatch(/no share/);
    expect(configMessage('\\\\\\share')).toMatch(/two backslashes/);
    expect(configMessage('\\\\:445\\share')).toMatch(/no server/);
    expect(configMessage('\\\\srv:0\\share')).toMatch(/port/);
    expect(configMessage('\\\\srv:65536\\share')).toMatch(/port/);
    expect(configMessage('\\\\srv:44x\\share')).toMatch(/port/);
    expect(configMessage('\\\\300.1.1.1\\share')).toMatch(/not a valid IPv4/);
    expect(configMessage('\\\\1.2.3\\share')).toMatch(/not a valid IPv4/);
    expect(configMessage('\\\\[::1]\\share')).toMatch(/IPv6/);
    expect(configMessage('\\\\fe80::1\\share')).toMatch(/IPv6/);
    expect(configMessage('\\\\bad host\\share')).toMatch(/server name/);
    expect(configMessage('\\\\srv\\sh:are')).toMatch(/share name/);
    expect(configMessage('\\\\srv\\share\\..\\other')).toMatch(/\.\./);
    expect(configMessage('\\\\srv\\share\\a*b')).toMatch(/folder name/);
    expect(configMessage('\\\\.\\pipe\\x')).toMatch(/UNC/);
  });

  it('never repeats a user name or password typed into the path', () => {
    const message = configMessage('//admin:S3cret!pw@srv/share');
    expect(message).not.toContain('S3cret');
    expect(message).not.toContain('admin');
  });
});

describe('formatUnc', () => {
  it('round-trips, showing the port only when it is not 445', () => {
    expect(formatUnc(parseUnc('//srv/share/a/b'))).toBe('\\\\srv\\share\\a\\b');
    expect(formatUnc(parseUnc('//srv:4450/share'))).toBe('\\\\srv:4450\\share');
  });
});

describe('joinSharePath', () => {
  it('joins with backslashes and handles the share root', () => {
    expect(joinSharePath('', 'USERLIST.DAT')).toBe('USERLIST.DAT');
    expect(joinSharePath('App\\', 'USERLIST.DAT')).toBe('App\\USERLIST.DAT');
    expect(joinSharePath('a/b', '')).toBe('a\\b');
  });
});
