import { describe, expect, it } from 'vitest';
import { UserError } from '../../../shared/result';
import { DEFAULT_SERVER_PORT, parseServerAddress } from './server-address';

describe('server address', () => {
  it('normalises host[:port] into the key that names the server', () => {
    expect(parseServerAddress('Archive.Example.com:8443')).toMatchObject({
      host: 'archive.example.com',
      port: 8443,
      key: 'archive.example.com:8443',
      authority: 'archive.example.com:8443',
      origin: 'https://archive.example.com:8443',
    });
    expect(parseServerAddress('archive.example.com:443')).toMatchObject({
      key: 'archive.example.com:443',
      authority: 'archive.example.com',
      origin: 'https://archive.example.com',
    });
    expect(parseServerAddress(' 127.0.0.1 ').key).toBe(`127.0.0.1:${DEFAULT_SERVER_PORT}`);
    expect(parseServerAddress('https://10.0.0.5:9000/').key).toBe('10.0.0.5:9000');
    expect(parseServerAddress('[::1]:8443')).toMatchObject({ host: '::1', port: 8443, key: '[::1]:8443' });
    expect(parseServerAddress('fe80::1')).toMatchObject({ host: 'fe80::1', key: `[fe80::1]:${DEFAULT_SERVER_PORT}` });
  });

  it('refuses what is not an address with one line naming the problem', () => {
    for (const [text, why] of [
      ['', 'enter a host name'],
      ['http://host:80', 'only https://'],
      ['host:0', 'port must be'],
      ['host:70000', 'port must be'],
      ['host:abc', 'port must be'],
      ['bad host', 'characters'],
      ['[::1', '"]" is missing'],
      ['[nope]:1', 'not an IPv6'],
    ] as const) {
      let err: unknown;
      try {
        parseServerAddress(text);
      } catch (e) {
        err = e;
      }
      expect(err, text).toBeInstanceOf(UserError);
      expect((err as UserError).message, text).toContain(why);
      expect((err as UserError).message, text).not.toContain('\n');
    }
  });
});
