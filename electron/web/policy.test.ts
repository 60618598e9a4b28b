/** Host and Origin checks and cookies of the two policies. */
import { describe, expect, it } from 'vitest';
import { hostAllowed, originAllowed, parseHost, serviceNames, sessionCookie, type ServerPolicy } from './policy';

const network: ServerPolicy = { kind: 'network', cert: '', key: '', names: ['archive.example.com', '10.0.0.5', '::1'] };
const loopback: ServerPolicy = { kind: 'loopback', token: 't' };

describe('web policy', () => {
  it('accepts only its own names on its own port', () => {
    expect(hostAllowed(network, 8443, 'archive.example.com:8443')).toBe(true);
    expect(hostAllowed(network, 8443, 'ARCHIVE.example.com:8443')).toBe(true);
    expect(hostAllowed(network, 8443, '[0:0:0:0:0:0:0:1]:8443')).toBe(true);
    expect(hostAllowed(network, 8443, 'archive.example.com:9443')).toBe(false);
    expect(hostAllowed(network, 8443, 'evil.example:8443')).toBe(false);
    expect(hostAllowed(network, 443, 'archive.example.com')).toBe(true);
    expect(hostAllowed(loopback, 80, 'localhost')).toBe(true);
    expect(hostAllowed(loopback, 5000, '10.0.0.5:5000')).toBe(false);
    expect(parseHost('a b:1')).toBeNull();
  });

  it('accepts only its own origin, with its scheme', () => {
    expect(originAllowed(network, 8443, 'https://archive.example.com:8443')).toBe(true);
    expect(originAllowed(network, 8443, 'http://archive.example.com:8443')).toBe(false);
    expect(originAllowed(network, 8443, 'https://evil.example:8443')).toBe(false);
    expect(originAllowed(network, 8443, 'null')).toBe(false);
    expect(originAllowed(loopback, 5000, 'http://127.0.0.1:5000')).toBe(true);
  });

  it('names: the certificate names, plus the machine when listening on all addresses', () => {
    const machine = { dns: ['host1'], ips: ['192.0.2.9'] };
    expect(serviceNames('0.0.0.0', ['archive.example.com'], machine).sort()).toEqual(
      ['archive.example.com', 'host1', '192.0.2.9'].sort(),
    );
    expect(serviceNames('10.0.0.5', ['archive.example.com'], machine).sort()).toEqual(
      ['10.0.0.5', 'archive.example.com'].sort(),
    );
  });

  it('cookies: __Host- and Secure under TLS only', () => {
    expect(sessionCookie(network, 'abc')).toBe('__Host-mdsync_session=abc; HttpOnly; Secure; SameSite=Strict; Path=/');
    expect(sessionCookie(loopback, 'abc')).toBe('mdsync_session=abc; HttpOnly; SameSite=Strict; Path=/');
    expect(sessionCookie(network, null)).toMatch(/^__Host-mdsync_session=; .*Max-Age=0$/);
  });
});
