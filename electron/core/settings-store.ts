/**
 * The saved settings: one JSON document in the data directory, in electron-store's (conf's) format,
 * or, with PostgreSQL, one row beside the user database that every server shares.
 *
 * The app reads and writes the file through electron-store; the CLI and browser mode use this
 * module on the same file. Writes are atomic; a document that fails its schema is reported, never
 * half-used. The file's `database` entry (which store to use) is per machine and survives saves.
 * Secrets are never part of the document: they stay per machine in secrets.json.
 */
import fs from 'node:fs';
import { Settings, SETTINGS_VERSION, defaultSettings } from '../../shared/settings';
import { UserError } from '../../shared/result';
import { cleanTempFiles, writeFileAtomic } from './atomic-file';
import { dataFiles } from './paths';
import { configuredDatabase } from './db/database-choice';

/** Reads and writes the settings document. */
export interface SettingsStore {
  load(): Settings;
  save(settings: Settings): Settings;
  /** Resolves once saved settings are stored (a shared store writes in the background); throws its error. */
  flush?(): Promise<void>;
}

/**
 * Brings an older or partial document up to the current version.
 *
 * Version 1 is the first; later versions add their steps here, oldest first.
 */
export function migrateSettings(raw: unknown): Settings {
  const doc = raw && typeof raw === 'object' ? { ...(raw as Record<string, unknown>) } : {};
  if (doc.version === undefined) doc.version = SETTINGS_VERSION;
  if (typeof doc.version === 'number' && doc.version > SETTINGS_VERSION) {
    throw new UserError(
      'config',
      `the settings were written by a newer mdsync (version ${doc.version}); update mdsync`,
    );
  }
  const parsed = Settings.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || 'document';
    throw new UserError('config', `the saved settings are invalid at ${where}: ${issue?.message ?? 'unknown problem'}`);
  }
  return parsed.data;
}

/** Parses the text of a settings file (JSON) into current settings. */
export function parseSettingsText(text: string, file: string): Settings {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new UserError('config', `${file} is not valid JSON; fix or remove it`);
  }
  // `null`, a list or a bare value would otherwise pass as "no settings": refused like other invalid content.
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    const what = raw === null ? 'null' : Array.isArray(raw) ? 'a list' : `a ${typeof raw}`;
    throw new UserError('config', `${file} holds ${what}, not a settings object; fix or remove it`);
  }
  return migrateSettings(raw);
}

/**
 * The last settings read per file, with the file's identity then (inode, size, modification
 * time): a service reads the settings for every logon, and a stat costs far less than reading,
 * parsing and validating the file. Saves replace the file (a new inode), so they are always seen.
 */
const lastRead = new Map<string, { key: string; settings: Settings }>();

/** Loads the settings of a data directory; defaults when there is no file yet. */
export function loadSettings(dataDir: string): Settings {
  const file = dataFiles(dataDir).settings;
  let text: string;
  let key: string;
  try {
    const st = fs.statSync(file);
    key = `${st.ino}:${st.size}:${st.mtimeMs}`;
    const cached = lastRead.get(file);
    if (cached && cached.key === key) return structuredClone(cached.settings);
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return defaultSettings();
    throw new UserError('unreadable', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const settings = parseSettingsText(text, file);
  lastRead.set(file, { key, settings: structuredClone(settings) });
  return settings;
}

/** Saves the settings of a data directory atomically, in conf's layout (tab-indented JSON). */
export function saveSettings(dataDir: string, settings: Settings): Settings {
  const valid = Settings.parse(settings);
  const database = configuredDatabase(dataDir);
  const doc = database === undefined ? valid : { ...valid, database };
  writeFileAtomic(dataFiles(dataDir).settings, `${JSON.stringify(doc, undefined, '\t')}\n`);
  return valid;
}

/** Where a shared settings document lives: the repository (PostgreSQL). */
export interface SettingsDocStore {
  loadSettingsDoc(): Promise<unknown>;
  saveSettingsDoc(doc: unknown): Promise<void>;
}

/** A settings store shared through the database, with its background work. */
export interface SharedSettingsStore extends SettingsStore {
  /** Reads the shared document again (another server may have saved). */
  refresh(): Promise<void>;
  flush(): Promise<void>;
}

/**
 * Settings kept with the user database, cached in this process: `load()` answers from the cache
 * and refreshes it in the background at most every `refreshMs`, so another server's save shows
 * within seconds; `save()` updates the cache at once and writes in order (`flush()` waits and
 * reports a failed write). A database without a document yet gets this machine's `seed`.
 */
export async function openSharedSettingsStore(
  db: SettingsDocStore,
  seed: () => Settings,
  opts: { refreshMs?: number; now?: () => number } = {},
): Promise<SharedSettingsStore> {
  const refreshMs = opts.refreshMs ?? 2000;
  const now = opts.now ?? Date.now;
  const raw = await db.loadSettingsDoc();
  let current: Settings;
  if (raw === null || raw === undefined) {
    current = Settings.parse(seed());
    await db.saveSettingsDoc(current);
  } else current = migrateSettings(raw);
  let refreshedAt = now();
  let writes: Promise<void> = Promise.resolve();
  let pendingWrites = 0;
  let refreshing: Promise<void> | null = null;
  const store: SharedSettingsStore = {
    load() {
      if (now() - refreshedAt >= refreshMs && !refreshing) {
        refreshing = store.refresh().catch(() => undefined); // the cache stands until the database answers
      }
      return current;
    },
    save(settings) {
      const valid = Settings.parse(settings);
      current = valid;
      pendingWrites++;
      writes = writes
        .catch(() => undefined)
        .then(() => db.saveSettingsDoc(valid))
        .finally(() => pendingWrites--);
      return valid;
    },
    flush: () => writes,
    async refresh() {
      try {
        const doc = await db.loadSettingsDoc();
        // A save made meanwhile is newer than what was read.
        if (doc !== null && doc !== undefined && pendingWrites === 0) current = migrateSettings(doc);
        refreshedAt = now();
      } finally {
        refreshing = null;
      }
    },
  };
  return store;
}

/** A file-backed store for the CLI and browser mode. */
export function createFileSettingsStore(dataDir: string): SettingsStore {
  cleanTempFiles(dataFiles(dataDir).settings);
  return {
    load: () => loadSettings(dataDir),
    save: (s) => saveSettings(dataDir, s),
  };
}
