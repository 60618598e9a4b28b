/**
 * The app's settings through electron-store, on the same config.json the CLI and browser mode read.
 *
 * electron-store gives the app its usual behaviour (atomic writes, file watching); the document is
 * still checked and migrated by the core's zod schema on every load.
 */
import Store from 'electron-store';
import { Settings } from '../../../shared/settings';
import { migrateSettings, type SettingsStore } from '../../core/settings-store';

/** A SettingsStore on electron-store, in `dataDir`. */
export function createElectronSettingsStore(dataDir: string): SettingsStore {
  const store = new Store<Record<string, unknown>>({ cwd: dataDir, name: 'config', clearInvalidConfig: false });
  return {
    load: () => migrateSettings(store.store),
    save: (settings) => {
      const valid = Settings.parse(settings);
      // config.json's `database` entry (the PostgreSQL URL) is not a setting of the dialog: keep it.
      const database = store.get('database');
      store.store = typeof database === 'string' ? { ...valid, database } : valid;
      return valid;
    },
  };
}
