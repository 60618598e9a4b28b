/**
 * Which settings store goes with a user database: decided here, once, for the desktop app, the
 * service and the CLI.
 *
 * A store that keeps the settings document beside the users (PostgreSQL) gives every process on it
 * the same settings, seeded from this machine's on first use; otherwise each machine keeps its own
 * (config.json in the data directory).
 */
import type { Settings } from '../../shared/settings';
import type { ArchiveRepository } from '../core/db/port';
import { type SettingsStore, openSharedSettingsStore } from '../core/settings-store';

/** The part of the user database the choice looks at. */
export type SettingsHolder = Pick<ArchiveRepository, 'keepsSettings' | 'loadSettingsDoc' | 'saveSettingsDoc'>;

/** True when the database keeps the settings every process on it shares. */
function keepsSharedSettings(db: SettingsHolder): boolean {
  return db.keepsSettings;
}

/** The settings store of a process on `db`: the shared one, or `local`. */
export async function settingsStoreFor(db: SettingsHolder, local: SettingsStore): Promise<SettingsStore> {
  return keepsSharedSettings(db) ? await openSharedSettingsStore(db, () => local.load()) : local;
}

/** A store over a loader that never saves (the command line saves no settings). */
export function readOnlySettings(load: () => Settings): SettingsStore {
  return {
    load,
    save: () => {
      throw new Error('the command line saves no settings');
    },
  };
}
