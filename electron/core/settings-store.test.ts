import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../shared/settings';
import { UserError } from '../../shared/result';
import { createFileSettingsStore, loadSettings, saveSettings } from './settings-store';
import { dataFiles, defaultDataDir } from './paths';

const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-settings-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('settings store', () => {
  it('gives defaults when there is no file, and round-trips a saved document', () => {
    const dir = tmp();
    expect(loadSettings(dir)).toEqual(defaultSettings());
    const s = defaultSettings();
    s.directory.appDir = 'C:\\MDaemon\\App';
    s.sync.groups = ['Sales', 'Außendienst'];
    s.defaultPrivileges.privileges = ['login', 'archive'];
    saveSettings(dir, s);
    expect(loadSettings(dir)).toEqual(s);
    // conf's layout: tab-indented JSON in config.json
    expect(fs.readFileSync(dataFiles(dir).settings, 'utf8')).toContain('\n\t"version": 1');
  });

  it('fills missing fields of an older partial document with defaults', () => {
    const dir = tmp();
    fs.writeFileSync(dataFiles(dir).settings, JSON.stringify({ directory: { appDir: '/srv/md' } }));
    const s = loadSettings(dir);
    expect(s.directory.appDir).toBe('/srv/md');
    expect(s.sync.includeDisabled).toBe(true);
    expect(s.defaultPrivileges.ownFolder).toEqual({ read: true, write: false, delete: false });
  });

  it('reports an invalid or newer document in one line instead of using it', () => {
    const dir = tmp();
    fs.writeFileSync(dataFiles(dir).settings, '{ not json');
    expect(() => loadSettings(dir)).toThrow(UserError);
    fs.writeFileSync(dataFiles(dir).settings, JSON.stringify({ sync: { deleteLimit: 'lots' } }));
    expect(() => loadSettings(dir)).toThrow(/sync\.deleteLimit/);
    fs.writeFileSync(dataFiles(dir).settings, JSON.stringify({ version: 9 }));
    expect(() => loadSettings(dir)).toThrow(/newer mdsync/);
  });

  it('refuses to save an invalid document and leaves the old file as it was', () => {
    const dir = tmp();
    const store = createFileSettingsStore(dir);
    store.save(defaultSettings());
    const before = fs.readFileSync(dataFiles(dir).settings, 'utf8');
    const bad = { ...defaultSettings(), imap: { ...defaultSettings().imap, port: 70000 } };
    expect(() => store.save(bad)).toThrow();
    expect(fs.readFileSync(dataFiles(dir).settings, 'utf8')).toBe(before);
    expect(fs.readdirSync(dir).filter((n) => n.includes('tmp'))).toEqual([]);
  });

  it('removes temp files a crash left behind when opened', () => {
    const dir = tmp();
    const leftover = path.join(dir, '.config.json.abc123.mdsync-tmp');
    fs.writeFileSync(leftover, 'half');
    createFileSettingsStore(dir);
    expect(fs.existsSync(leftover)).toBe(false);
  });
});

describe('data directory', () => {
  it("matches Electron's userData for mdsync on each platform", () => {
    expect(defaultDataDir('linux', {}, '/home/ann')).toBe('/home/ann/.config/mdsync');
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: '/x/cfg' }, '/home/ann')).toBe('/x/cfg/mdsync');
    expect(defaultDataDir('darwin', {}, '/Users/ann')).toBe('/Users/ann/Library/Application Support/mdsync');
    expect(defaultDataDir('win32', { APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' }, 'C:\\Users\\ann')).toBe(
      'C:\\Users\\ann\\AppData\\Roaming\\mdsync',
    );
  });
});
