/**
 * What the commands need from the machine they run on: platform, registry, file system, the SMB
 * client (loaded only for a UNC path) and the saved settings. Tests pass their own.
 */
import type { Settings } from '../../../shared/settings';
import { directoryExists, type RegistryReader } from '../../core/mdaemon/detect';
import type { OpenSourceOptions } from '../../core/mdaemon/open-source';
import { readWindowsRegistry } from '../../core/mdaemon/windows-registry';
import { loadSettings } from '../../core/settings-store';

/** What the machine provides to a run; tests replace it. */
export interface MachineDeps {
  readonly platform: NodeJS.Platform;
  readonly readRegistry: RegistryReader;
  readonly dirExists: (p: string) => Promise<boolean>;
  /** Loads the SMB client only when a UNC path must be read over SMB. */
  readonly loadSmbSource: () => Promise<OpenSourceOptions['createSmbSource']>;
  readonly loadSettings: (dataDir: string) => Settings;
}

/** This machine. */
export const machine: MachineDeps = {
  platform: process.platform,
  readRegistry: readWindowsRegistry,
  dirExists: directoryExists,
  loadSmbSource: async () => (await import('../../core/smb/smb-source')).createSmbSource,
  loadSettings,
};
