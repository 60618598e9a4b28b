/**
 * The saved settings: one JSON document in the data directory, in electron-store's (conf's) format.
 *
 * The app reads and writes it through electron-store; the CLI and browser mode use this module on
 * the same file. Writes are atomic; a document that fails its schema is reported, never half-used.
 */
import fs from 'node:fs';
import { Settings, SETTINGS_VERSION, defaultSettings } from '../../shared/settings';
import { UserError } from '../../shared/result';
import { cleanTempFiles, writeFileAtomic } from './atomic-file';
import { dataFiles } from './paths';

/** Reads and writes the settings document. */
export interface SettingsStore {
  load(): Settings;
  save(settings: Settings): Settings;
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
  return migrateSettings(raw);
}

/** Loads the settings of a data directory; defaults when there is no file yet. */
export function loadSettings(dataDir: string): Settings {
  const file = dataFiles(dataDir).settings;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return defaultSettings();
    throw new UserError('unreadable', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  return parseSettingsText(text, file);
}

/** Saves the settings of a data directory atomically, in conf's layout (tab-indented JSON). */
export function saveSettings(dataDir: string, settings: Settings): Settings {
  const valid = Settings.parse(settings);
  writeFileAtomic(dataFiles(dataDir).settings, `${JSON.stringify(valid, undefined, '\t')}\n`);
  return valid;
}

/** A file-backed store for the CLI and browser mode. */
export function createFileSettingsStore(dataDir: string): SettingsStore {
  cleanTempFiles(dataFiles(dataDir).settings);
  return {
    load: () => loadSettings(dataDir),
    save: (s) => saveSettings(dataDir, s),
  };
}
