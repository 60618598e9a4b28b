/**
 * The key a client is counted by (connection limits, logon throttle): an IPv4 address as it is,
 * an IPv6 address by its /64 network, since one client is routinely given a whole /64 and could
 * otherwise change address at will. IPv4-mapped IPv6 (`::ffff:192.0.2.1`) counts as the IPv4.
 */
import net from 'node:net';

/** `192.0.2.1` → `192.0.2.1`; `2001:db8:1:2:a:b:c:d` → `2001:db8:1:2::/64`; anything else as given. */
export function clientKey(address: string): string {
  const a = address.trim().toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) return mapped[1]!;
  if (net.isIPv6(a)) {
    const groups = expandIPv6(a.split('%')[0]!);
    if (groups)
      return `${groups
        .slice(0, 4)
        .map((g) => g.toString(16))
        .join(':')}::/64`;
  }
  return a;
}

/** The eight 16-bit groups of an IPv6 address (with an IPv4 tail), or null. */
function expandIPv6(a: string): number[] | null {
  const tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(a);
  let text = a;
  if (tail) {
    const b = tail.slice(1).map(Number);
    text = `${a.slice(0, tail.index)}${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = rest === undefined ? [] : rest ? rest.split(':') : [];
  const missing = 8 - left.length - right.length;
  if (rest === undefined ? missing !== 0 : missing < 0) return null;
  const all = [...left, ...Array<string>(rest === undefined ? 0 : missing).fill('0'), ...right];
  const groups = all.map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => g >= 0 && g <= 0xffff) ? groups : null;
}
