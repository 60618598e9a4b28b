import { describe, expect, it } from 'vitest';
import { EmailIndex, hashString } from './email-index';

describe('EmailIndex', () => {
  it('adds, finds and reports duplicates across growth', () => {
    const index = new EmailIndex();
    const add = (mailbox: string, domain: string, line: number) =>
      index.addIfAbsent(`${mailbox}@${domain}`, hashString(mailbox, hashString(domain)), line);
    for (let i = 0; i < 20_000; i++) expect(add(`user${i}`, `d${i % 5}.test`, i + 1)).toBe(-1);
    expect(add('user42', 'd2.test', 99_999)).toBe(43);
    expect(index.find('user42@d2.test')).toBe(42);
    expect(index.find('user19999@d4.test')).toBe(19_999);
    expect(index.find('user42@d3.test')).toBe(-1);
    expect(index.find('no-at-sign')).toBe(-1);
  });
});
