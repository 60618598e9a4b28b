import { describe, expect, it } from 'vitest';
import { trustedSender } from './sender-check';

type Ev = Parameters<typeof trustedSender>[0];
function event(url: string, main = true): Ev {
  const frame = { url };
  return { senderFrame: frame, sender: { mainFrame: main ? frame : { url } } };
}

describe('IPC sender check', () => {
  it("accepts the app's own page in its main frame only", () => {
    expect(trustedSender(event('app://mdsync/'))).toBe(true);
    expect(trustedSender(event('app://mdsync/index.html#x'))).toBe(true);
    expect(trustedSender(event('app://mdsync/', false))).toBe(false);
    expect(trustedSender(event('https://evil.example/'))).toBe(false);
    expect(trustedSender(event('file:///tmp/x.html'))).toBe(false);
    expect(trustedSender(event('app://other/'))).toBe(false);
    expect(trustedSender({ senderFrame: null, sender: { mainFrame: null } })).toBe(false);
  });
});
