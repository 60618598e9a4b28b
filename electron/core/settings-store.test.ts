import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../shared/settings';
import { UserError } from '../../shared/result';
import { createFileSettingsStore, loadSettings, openSharedSettingsStore, saveSettings } from './settings-store';
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

  it('reads again whenever the file changed (saved, or edited in place), and callers cannot alter what is kept', () => {
    const dir = tmp();
    const s = defaultSettings();
    s.imap.host = 'mail.one.test';
    saveSettings(dir, s);
    const first = loadSettings(dir);
    first.imap.host = 'changed by a caller';
    expect(loadSettings(dir).imap.host).toBe('mail.one.test');
    saveSettings(dir, { ...s, imap: { ...s.imap, host: 'mail.two.test' } });
    expect(loadSettings(dir).imap.host).toBe('mail.two.test');
    // An edit in place keeps the inode: its size and time tell.
    const file = dataFiles(dir).settings;
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('mail.two.test', 'mail.three.example'));
    expect(loadSettings(dir).imap.host).toBe('mail.three.example');
    fs.rmSync(file);
    expect(loadSettings(dir)).toEqual(defaultSettings());
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

  it('refuses a config.json holding null, a list or a bare value instead of taking it for defaults', () => {
    const dir = tmp();
    for (const [text, what] of [
      ['null', 'null'],
      ['[]', 'a list'],
      ['7', 'a number'],
    ] as const) {
      fs.writeFileSync(dataFiles(dir).settings, text);
      expect(() => loadSettings(dir)).toThrow(`config.json holds ${what}, not a settings object; fix or remove it`);
    }
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

describe('settings shared through the database', () => {
  function docStore() {
    const state = { doc: null as unknown, fail: false, writes: 0 };
    return {
      state,
      loadSettingsDoc: () => Promise.resolve(state.doc),
      saveSettingsDoc: (doc: unknown) => {
        if (state.fail) return Promise.reject(new Error('the database went away'));
        state.doc = JSON.parse(JSON.stringify(doc));
        state.writes++;
        return Promise.resolve();
      },
    };
  }

  it("seeds an empty database with this machine's settings, then serves and saves the shared document", async () => {
    const db = docStore();
    const local = defaultSettings();
    local.directory.appDir = '/srv/mdaemon/App';
    let clock = 0;
    const store = await openSharedSettingsStore(db, () => local, { refreshMs: 1000, now: () => clock });
    expect(db.state.doc).toMatchObject({ directory: { appDir: '/srv/mdaemon/App' } });
    const next = { ...store.load(), sync: { ...store.load().sync, autoSyncHours: 4 } };
    store.save(next);
    expect(store.load().sync.autoSyncHours).toBe(4);
    await store.flush();
    expect(db.state.doc).toMatchObject({ sync: { autoSyncHours: 4 } });
    // Another server saves; this one sees it once its cache is older than refreshMs.
    db.state.doc = { ...next, sync: { ...next.sync, autoSyncHours: 12 } };
    expect(store.load().sync.autoSyncHours).toBe(4);
    clock = 1500;
    store.load();
    await store.refresh();
    expect(store.load().sync.autoSyncHours).toBe(12);
  });

  it('reports a failed write on flush, and keeps a document from the database over the seed', async () => {
    const db = docStore();
    const shared = defaultSettings();
    shared.directory.appDir = '/shared';
    db.state.doc = shared;
    const store = await openSharedSettingsStore(db, () => defaultSettings());
    expect(store.load().directory.appDir).toBe('/shared');
    db.state.fail = true;
    store.save(defaultSettings());
    await expect(store.flush()).rejects.toThrow('the database went away');
  });

  it("keeps the file's per-machine database entry when settings are saved", () => {
    const dir = tmp();
    fs.writeFileSync(dataFiles(dir).settings, JSON.stringify({ database: 'postgres://u@h/db' }));
    saveSettings(dir, defaultSettings());
    expect(JSON.parse(fs.readFileSync(dataFiles(dir).settings, 'utf8'))).toMatchObject({
      version: 1,
      database: 'postgres://u@h/db',
    });
    expect(loadSettings(dir)).toEqual(defaultSettings());
  });
});
