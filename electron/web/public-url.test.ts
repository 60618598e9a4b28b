/** `--public-url`: the origins a balancer reaches the service by count for Host and Origin. */
import { describe, expect, it } from 'vitest';
import { hostAllowed, originAllowed, parsePublicUrl, type ServerPolicy } from './policy';

const behind: ServerPolicy = {
  kind: 'network',
  cert: '',
  key: '',
  names: ['node1.internal'],
  publicOrigins: [parsePublicUrl('https://Archive.Example.com/'), parsePublicUrl('https://[2001:db8::1]:9443/')],
};

describe('public URLs', () => {
  it('are accepted as Host and Origin on their own port, beside the server’s own names', () => {
    expect(hostAllowed(behind, 8443, 'archive.example.com')).toBe(true);
    expect(hostAllowed(behind, 8443, 'archive.example.com:443')).toBe(true);
    expect(hostAllowed(behind, 8443, 'archive.example.com:8443')).toBe(false);
    expect(hostAllowed(behind, 8443, '[2001:db8::1]:9443')).toBe(true);
    expect(hostAllowed(behind, 8443, 'node1.internal:8443')).toBe(true);
    expect(hostAllowed(behind, 8443, 'evil.example')).toBe(false);
    expect(originAllowed(behind, 8443, 'https://archive.example.com')).toBe(true);
    expect(originAllowed(behind, 8443, 'http://archive.example.com')).toBe(false);
  });

  it('must be https origins; anything else is one line naming it', () => {
    for (const bad of [
      'http://archive.example.com/',
      'https://archive.example.com/app/',
      'archive',
      'https://u@a.example/',
    ]) {
      expect(() => parsePublicUrl(bad)).toThrow(
        `--public-url must be an https:// origin such as https://archive.example.com/, not "${bad}"`,
      );
    }
  });
});
