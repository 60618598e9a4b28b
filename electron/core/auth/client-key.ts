/**
 * The key a client address is counted under (throttles, limits): an IPv4 address as it is, an
 * IPv6 address by its /64 (one client commonly owns a whole /64, so counting each address alone
 * would let it rotate through 2^64 of them). IPv4-mapped IPv6 addresses count as their IPv4 one.
 */
import net from 'node:net';

/** Expands an IPv6 address to its eight 16-bit groups; null when it is not one. */
function groups(address: string): number[] | null {
  const plain = address.split('%')[0] ?? '';
  if (net.isIPv6(plain) === false) return null;
  let text = plain;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, -v4[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? (text.split('::') as [string, string]) : [text, null];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const fill = tail === null ? [] : new Array<string>(8 - left.length - right.length).fill('0');
  const all = [...left, ...fill, ...right].map((g) => parseInt(g, 16));
  return all.length === 8 && all.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? all : null;
}

/** The key of a client address: IPv4 as is, IPv6 as `prefix::/64`, anything else as given. */
export function clientKey(address: string): string {
  if (net.isIPv4(address)) return address;
  const g = groups(address);
  if (!g) return address;
  // ::ffff:a.b.c.d is an IPv4 client.
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) {
    return [g[6]! >> 8, g[6]! & 0xff, g[7]! >> 8, g[7]! & 0xff].join('.');
  }
  return `${g
    .slice(0, 4)
    .map((x) => x.toString(16))
    .join(':')}::/64`;
}
