import { describe, expect, it } from 'vitest';
import { codePageFromAcp, systemCodePage } from './default-code-page';
import { detectAppDir } from './detect';
import { makeRegistryReader, parseRegQuery } from './windows-registry';

const registry = (values: Record<string, string>) => (key: string, value: string) =>
  Promise.resolve(values[`${key}|${value}`] ?? null);
const existing = (dirs: string[]) => (p: string) => Promise.resolve(dirs.includes(p));

describe('detectAppDir', () => {
  it('tries nothing off Windows', async () => {
    expect(
      await detectAppDir({ platform: 'linux', readRegistry: registry({}), exists: () => Promise.resolve(true) }),
    ).toEqual({ appDir: null, tried: [] });
  });

  it('uses the registry AppPath first', async () => {
    const r = await detectAppDir({
      platform: 'win32',
      readRegistry: registry({ 'HKLM\\SOFTWARE\\Alt-N Technologies\\MDaemon|AppPath': 'E:\\Mail\\MDaemon\\App\\' }),
      exists: existing(['E:\\Mail\\MDaemon\\App', 'C:\\MDaemon\\App']),
    });
    expect(r).toEqual({ appDir: 'E:\\Mail\\MDaemon\\App', tried: ['E:\\Mail\\MDaemon\\App'] });
  });

  it('derives App from a RootPath under WOW6432Node', async () => {
    const r = await detectAppDir({
      platform: 'win32',
      readRegistry: registry({ 'HKLM\\SOFTWARE\\WOW6432Node\\Alt-N Technologies\\MDaemon|RootPath': 'F:\\MDaemon' }),
      exists: existing(['F:\\MDaemon\\App']),
    });
    expect(r.appDir).toBe('F:\\MDaemon\\App');
  });

  it('falls back to the usual folders, listing what it tried, and survives registry errors', async () => {
    const r = await detectAppDir({
      platform: 'win32',
      readRegistry: () => Promise.reject(new Error('reg failed')),
      exists: existing(['C:\\Program Files\\MDaemon\\App']),
    });
    expect(r).toEqual({
      appDir: 'C:\\Program Files\\MDaemon\\App',
      tried: ['C:\\MDaemon\\App', 'C:\\Program Files\\MDaemon\\App'],
    });
    const none = await detectAppDir({ platform: 'win32', readRegistry: registry({}), exists: existing([]) });
    expect(none.appDir).toBeNull();
    expect(none.tried).toContain('C:\\MDaemon\\App');
  });
});

describe('systemCodePage', () => {
  it('maps the Windows ACP to the allowlist', async () => {
    const read = registry({ 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\Nls\\CodePage|ACP': '932' });
    expect(await systemCodePage({ platform: 'win32', readRegistry: read })).toBe('cp932');
  });
  it('is cp1252 elsewhere, when unknown, or not allowlisted', async () => {
    expect(await systemCodePage({ platform: 'linux', readRegistry: registry({}) })).toBe('cp1252');
    expect(await systemCodePage({ platform: 'win32', readRegistry: () => Promise.reject(new Error('x')) })).toBe(
      'cp1252',
    );
    expect(codePageFromAcp('65001')).toBe('cp1252');
    expect(codePageFromAcp('1251')).toBe('cp1251');
    expect(codePageFromAcp(null)).toBe('cp1252');
  });
});

describe('parseRegQuery', () => {
  it('reads a REG_SZ value out of reg.exe output', () => {
    const out =
      '\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Alt-N Technologies\\MDaemon\r\n    AppPath    REG_SZ    C:\\MDaemon\\App\\\r\n\r\n';
    expect(parseRegQuery(out, 'AppPath')).toBe('C:\\MDaemon\\App\\');
    expect(parseRegQuery(out, 'RootPath')).toBeNull();
    expect(parseRegQuery('    ACP    REG_SZ    1252', 'acp')).toBe('1252');
  });
});

describe('the registry probes and reader', () => {
  it('asks first for AppPath under HKLM\\SOFTWARE\\Alt-N Technologies\\MDaemon, and falls back to C:\\MDaemon\\App', async () => {
    const asked: string[] = [];
    const r = await detectAppDir({
      platform: 'win32',
      readRegistry: (key, value) => (asked.push(`${key}|${value}`), Promise.resolve(null)),
      exists: existing(['C:\\MDaemon\\App', 'D:\\MDaemon\\App']),
    });
    expect(asked[0]).toBe('HKLM\\SOFTWARE\\Alt-N Technologies\\MDaemon|AppPath');
    expect(r).toEqual({ appDir: 'C:\\MDaemon\\App', tried: ['C:\\MDaemon\\App'] });
  });

  it('runs System32\\reg.exe on the 64-bit view and reads its answer; null off Windows or on failure', async () => {
    const calls: [string, string[]][] = [];
    const out =
      '\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Alt-N Technologies\\MDaemon\r\n    AppPath    REG_SZ    E:\\MD\\App\r\n';
    const read = makeRegistryReader(
      'win32',
      (file, args) => (calls.push([file, args]), Promise.resolve(out)),
      'C:\\Windows',
    );
    expect(await read('HKLM\\SOFTWARE\\Alt-N Technologies\\MDaemon', 'AppPath')).toBe('E:\\MD\\App');
    expect(calls).toEqual([
      [
        'C:\\Windows\\System32\\reg.exe',
        ['query', 'HKLM\\SOFTWARE\\Alt-N Technologies\\MDaemon', '/v', 'AppPath', '/reg:64'],
      ],
    ]);
    const failing = makeRegistryReader('win32', () => Promise.resolve(null), 'C:\\Windows');
    expect(await failing('HKLM\\SOFTWARE\\Alt-N Technologies\\MDaemon', 'AppPath')).toBeNull();
    const linux = makeRegistryReader('linux', () => Promise.reject(new Error('must not run')));
    expect(await linux('HKLM\\SOFTWARE\\Alt-N Technologies\\MDaemon', 'AppPath')).toBeNull();
  });

  it('finds the App directory end to end through the reader', async () => {
    const read = makeRegistryReader('win32', (_f, args) =>
      Promise.resolve(
        args[1] === 'HKLM\\SOFTWARE\\Alt-N Technologies\\MDaemon' && args[3] === 'AppPath'
          ? '    AppPath    REG_SZ    F:\\Mail\\MDaemon\\App\\\r\n'
          : null,
      ),
    );
    const r = await detectAppDir({
      platform: 'win32',
      readRegistry: read,
      exists: existing(['F:\\Mail\\MDaemon\\App']),
    });
    expect(r.appDir).toBe('F:\\Mail\\MDaemon\\App');
  });
});
