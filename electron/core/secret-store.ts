/**
 * Where secrets typed into the app are kept: never in plain text.
 *
 * The app keeps them encrypted with Electron's safeStorage (electron/desktop/adapters/safe-storage.ts).
 * Browser mode and the CLI cannot encrypt at rest, so they refuse to store and keep a typed secret
 * in memory only, for the life of the process.
 */

/** Names of the secrets the product keeps. */
export type SecretName = 'sharePassword' | 'smtpPassword';

/** A small secret store. */
export interface SecretStore {
  get(name: SecretName): string | null;
  /** Stores or (with null) removes a secret; throws UserError('secretStore') where it cannot be kept safely. */
  set(name: SecretName, value: string | null): void;
  has(name: SecretName): boolean;
  /** Why secrets are not persisted here, or null when they are. */
  readonly unavailableReason: string | null;
}

/** A store that keeps secrets in this process's memory only. */
export function createMemorySecretStore(reason: string): SecretStore {
  const values = new Map<SecretName, string>();
  return {
    get: (name) => values.get(name) ?? null,
    set: (name, value) => {
      if (value === null) values.delete(name);
      else values.set(name, value);
    },
    has: (name) => values.has(name),
    unavailableReason: reason,
  };
}
