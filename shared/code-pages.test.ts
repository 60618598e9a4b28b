import { describe, expect, it } from 'vitest';
import { CODE_PAGES, codePageHelp, isMultiByte, parseCodePage } from './code-pages';

describe('the Code Page help', () => {
  it("names the Windows computer's own code page as the default", () => {
    expect(codePageHelp({ platform: 'win32', defaultCodePage: 'cp1251', onServer: false })).toBe(
      'Default: the Windows code page of this computer, Windows-1251 (Cyrillic). Change it only if USERLIST.DAT and Groups.dat were written with another one.',
    );
    expect(codePageHelp({ platform: 'win32', defaultCodePage: 'cp932', onServer: true })).toContain(
      'the Windows code page of the server',
    );
  });

  it('says the fallback is preselected elsewhere, never that it follows the computer', () => {
    const help = codePageHelp({ platform: 'linux', defaultCodePage: 'cp1252', onServer: true });
    expect(help).toBe(
      'Default: Windows-1252 (Western European), as the server is not Windows and has no ANSI code page to follow. Choose the code page of the Windows computer running MDaemon if it differs.',
    );
    expect(help).not.toMatch(/encoding than this computer/);
  });
});

describe('parseCodePage, the one check of a code page', () => {
  it('gives the allowlisted id for each accepted spelling', () => {
    for (const text of ['cp1252', 'CP1252', '1252', ' windows-1252 ', 'Windows-1252'])
      expect(parseCodePage(text)).toEqual({ ok: true, value: 'cp1252' });
    expect(parseCodePage('koi8-r')).toEqual({ ok: true, value: 'koi8-r' });
    for (const c of CODE_PAGES) expect(parseCodePage(c.id)).toEqual({ ok: true, value: c.id });
  });

  it('refuses anything else with code codePage, naming the valid ids', () => {
    const valid = CODE_PAGES.map((c) => c.id).join(', ');
    expect(parseCodePage('utf-9')).toEqual({
      ok: false,
      error: { code: 'codePage', message: `unknown code page 'utf-9'; valid code pages: ${valid}` },
    });
    expect(parseCodePage('  ')).toMatchObject({ error: { message: /^unknown code page \(empty\);/ } });
    expect(parseCodePage(`x${'y'.repeat(60)}`)).toMatchObject({
      error: { message: new RegExp(`^unknown code page 'x${'y'.repeat(39)}';`) },
    });
    for (const text of ['utf8', 'windows-65001', 'cp', '12 52', 'latin1']) expect(parseCodePage(text).ok).toBe(false);
  });

  it('knows which code pages are multi-byte', () => {
    expect(CODE_PAGES.filter((c) => isMultiByte(c.id)).map((c) => c.id)).toEqual(['cp932', 'cp936', 'cp949', 'cp950']);
  });
});
