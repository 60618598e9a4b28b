import { describe, expect, it } from 'vitest';
import { addressAllowed, parseCidrs, withinTime } from './ops-routes';

describe('who may read /metrics', () => {
  it('is loopback only without --metrics-allow', () => {
    const none = parseCidrs([], '--metrics-allow');
    expect(addressAllowed('127.0.0.1', none)).toBe(true);
    expect(addressAllowed('::1', none)).toBe(true);
    expect(addressAllowed('::ffff:127.0.0.5', none)).toBe(true);
    expect(addressAllowed('10.1.2.3', none)).toBe(false);
    expect(addressAllowed('unknown', none)).toBe(false);
  });

  it('widens to the networks and addresses named', () => {
    const allow = parseCidrs(['10.0.0.0/8', '192.0.2.7', '2001:db8::/32'], '--metrics-allow');
    expect(addressAllowed('10.200.0.1', allow)).toBe(true);
    expect(addressAllowed('::ffff:10.200.0.1', allow)).toBe(true);
    expect(addressAllowed('192.0.2.7', allow)).toBe(true);
    expect(addressAllowed('192.0.2.8', allow)).toBe(false);
    expect(addressAllowed('2001:db8:1::5', allow)).toBe(true);
    expect(addressAllowed('2001:db9::5', allow)).toBe(false);
  });

  it('refuses a bad value in one line naming it', () => {
    for (const bad of ['10.0.0.0/33', 'example.com', '10.0.0.0/8/1', '::/129', '10.0.0.0/x', '']) {
      expect(() => parseCidrs([bad], '--metrics-allow')).toThrow(
        `--metrics-allow must be an address or a network such as 10.0.0.0/8 or 2001:db8::/32, not "${bad}"`,
      );
    }
  });
});

describe('readiness checks', () => {
  it('say no when the check fails or outlasts its time', async () => {
    expect(await withinTime(() => Promise.resolve())).toBe(true);
    expect(await withinTime(() => Promise.reject(new Error('down')))).toBe(false);
    expect(await withinTime(() => new Promise(() => undefined), 50)).toBe(false);
  });
});
