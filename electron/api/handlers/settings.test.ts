import { describe, expect, it } from 'vitest';
import { UserError } from '../../../shared/result';
import { defaultSettings } from '../../../shared/settings';
import { checkSettings } from './settings';

const withCodePage = (codePage: string) => {
  const s = defaultSettings();
  return { ...s, directory: { ...s.directory, codePage } };
};

describe('checkSettings, the API edge of the code page', () => {
  it('keeps an empty code page (the system default) and stores the id of any accepted spelling', () => {
    expect(checkSettings(withCodePage('')).directory.codePage).toBe('');
    expect(checkSettings(withCodePage('windows-1251')).directory.codePage).toBe('cp1251');
    expect(checkSettings(withCodePage('932')).directory.codePage).toBe('cp932');
  });

  it('refuses an unknown one with code codePage and its own message', () => {
    let err: unknown;
    try {
      checkSettings(withCodePage('klingon'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect(err).toMatchObject({ code: 'codePage', message: 'klingon is not a supported code page' });
  });
});
