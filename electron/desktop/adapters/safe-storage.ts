/**
 * Secrets at rest for the desktop app: encrypted with Electron's safeStorage, in secrets.json.
 *
 * Where the OS offers no encryption (safeStorage unavailable, or Linux's plain-text "basic_text"
 * backend) the store refuses to keep secrets rather than write them readable.
 */
import fs from 'node:fs';
import { safeStorage } from 'electron';
import { UserError } from '../../../shared/result';
import { writeFileAtomic } from '../../core/atomic-file';
import type { SecretName, SecretStore } from '../../core/secret-store';

function unavailable(): string | null {
  if (!safeStorage.isEncryptionAvailable()) return 'the operating system offers no secret storage here';
  if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') {
    return 'no keyring (GNOME Keyring or KWallet) is running, so secrets would be stored in plain text';
  }
  return null;
}

/** A secret store backed by safeStorage and one JSON file of base64 ciphertexts. */
export function createSafeStorageSecretStore(file: string): SecretStore {
  const read = (): Record<string, string> => {
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>;
    } catch {
      return {};
    }
  };
  return {
    get(name: SecretName) {
      const value = read()[name];
      if (!value || unavailable()) return null;
      try {
        return safeStorage.decryptString(Buffer.from(value, 'base64'));
      } catch {
        return null;
      }
    },
    set(name: SecretName, value: string | null) {
      const all = read();
      if (value === null) {
        delete all[name];
      } else {
        const reason = unavailable();
        if (reason) throw new UserError('secretStore', `the password was not saved: ${reason}`);
        all[name] = safeStorage.encryptString(value).toString('base64');
      }
      writeFileAtomic(file, JSON.stringify(all));
    },
    has: (name: SecretName) => Boolean(read()[name]),
    get unavailableReason() {
      return unavailable();
    },
  };
}
