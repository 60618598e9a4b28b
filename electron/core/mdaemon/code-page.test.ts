import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { CODE_PAGES } from '../../../shared/code-pages';
import { detectUnicode, fieldDecoder, resolveCodePage } from './code-page';

describe('fieldDecoder', () => {
  it.each(CODE_PAGES.map((c) => c.id))('decodes %s exactly like iconv-lite', (cp) => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const decode = fieldDecoder(cp);
    for (let from = 0; from < 256; from += 32) {
      expect(decode(all, from, from + 32)).toBe(iconv.decode(all.subarray(from, from + 32), cp));
    }
    const text = iconv.encode('Zoë Łódź Иван 田中 王 김', cp);
    expect(decode(text, 0, text.length)).toBe(iconv.decode(text, cp));
  });
});

describe('resolveCodePage and detectUnicode', () => {
  it('accepts allowlisted spellings only', () => {
    expect(resolveCodePage('CP932')).toBe('cp932');
    expect(resolveCodePage('windows-1250')).toBe('cp1250');
    expect(() => resolveCodePage('utf8')).toThrow(/unknown code page 'utf8'/);
    expect(() => resolveCodePage('')).toThrow(/unknown code page \(empty\)/);
  });
  it('allowlists only encodings iconv-lite has (so the readers never check again)', () => {
    for (const c of CODE_PAGES) expect(iconv.encodingExists(c.id)).toBe(true);
  });
  it('tells UTF-16 and a UTF-8 BOM from code page bytes', () => {
    expect(detectUnicode(Buffer.from([0xef, 0xbb, 0xbf, 0x41]))).toBe('utf8Bom');
    expect(detectUnicode(Buffer.from('hello world, this is text', 'utf16le'))).toBe('utf16');
    expect(detectUnicode(Buffer.alloc(600, 0))).toBeNull(); // NUL padding is not UTF-16
    expect(detectUnicode(iconv.encode('田中太郎 company.test', 'cp932'))).toBeNull();
  });
});
