/** The one decision of which settings store goes with a user database, on both stores. */
import { describe, expect } from 'vitest';
import { defaultSettings, type Settings } from '../../shared/settings';
import { STORES, storeMissing, useStore } from '../core/db/testing/stores';
import { itIfAvailable } from '../testing/servers/suite-needs';
import { readOnlySettings, settingsStoreFor } from './settings-choice';

function machineSettings(hours: number): Settings {
  const s = defaultSettings();
  return { ...s, sync: { ...s.sync, autoSyncHours: hours } };
}

describe.each(STORES)('settings store for $kind', ({ kind }) => {
  const store = useStore(kind);
  itIfAvailable('keeps each machine its own, or shares one document', storeMissing(kind), async () => {
    const a = await store.open();
    const b = await store.open();
    try {
      const localA = readOnlySettings(() => machineSettings(6));
      const localB = readOnlySettings(() => machineSettings(12));
      const first = await settingsStoreFor(a, localA);
      const second = await settingsStoreFor(b, localB);
      if (kind === 'sqlite') {
        expect(first).toBe(localA);
        expect(second.load().sync.autoSyncHours).toBe(12);
      } else {
        // The first process seeds the shared document from its machine; the second reads that one.
        expect(first.load().sync.autoSyncHours).toBe(6);
        expect(second.load().sync.autoSyncHours).toBe(6);
        first.save(machineSettings(3));
        await first.flush?.();
        expect((await settingsStoreFor(b, localB)).load().sync.autoSyncHours).toBe(3);
      }
    } finally {
      await a.close();
      await b.close();
    }
  });
});
