import { describe, expect, it } from 'vitest';
import { codePageHelp } from './code-pages';

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
