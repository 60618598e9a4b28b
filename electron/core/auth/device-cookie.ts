/**
 * Known-good devices: a browser that logged on successfully gets a device cookie (HttpOnly,
 * Secure), `<name>.<issued>.<mac>` signed with a key kept in the data directory (mode 0600), or,
 * for servers sharing a PostgreSQL database, in the database: one key for every server behind
 * one name, so that a cookie one of them issued is good on the others. A
 * right password from such a device skips the per-user-name slowdown that strangers' guesses
 * cause (see logon-throttle.ts), so guessing `admin` elsewhere does not slow `admin` down here.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../atomic-file';
import { nameKey } from './logon-throttle';

/** The device cookie's name. */
export const DEVICE_COOKIE = '__Host-mdsync_device';
/** How long a device stays known (90 days). */
export const DEVICE_LIFETIME_MS = 90 * 24 * 3_600_000;

/** Issues and checks device cookies. */
export interface DeviceCookies {
  /** A new cookie value for a user who just logged on. */
  issue(userName: string): string;
  /** True when `value` is a live cookie issued to this user name. */
  trusts(value: string | null | undefined, userName: string): boolean;
  /** Signs and checks with `key` from now on (the key shared by the servers on one database). */
  useKey(key: Buffer): void;
}

/** The signing key of a data directory, created on first use; an in-memory one where it cannot be kept. */
export function deviceKey(dataDir: string): Buffer {
  const file = path.join(dataDir, 'device-cookie.key');
  try {
    const key = fs.readFileSync(file);
    if (key.length >= 32) return key;
  } catch {
    // created below
  }
  const key = crypto.randomBytes(32);
  try {
    writeFileAtomic(file, key, 0o600);
  } catch {
    // A read-only data directory: devices are known until the service restarts.
  }
  return key;
}

/** Device cookies signed with `key`. */
export function createDeviceCookies(key: Buffer, now: () => number = Date.now): DeviceCookies {
  let signing = key;
  const mac = (payload: string) => crypto.createHmac('sha256', signing).update(payload).digest('base64url');
  return {
    useKey(shared) {
      signing = shared;
    },
    issue(userName) {
      const payload = `${Buffer.from(nameKey(userName)).toString('base64url')}.${now().toString(36)}`;
      return `${payload}.${mac(payload)}`;
    },
    trusts(value, userName) {
      if (!value || value.length > 600) return false;
      const parts = value.split('.');
      if (parts.length !== 3) return false;
      const [name, issued, sig] = parts as [string, string, string];
      const expected = Buffer.from(mac(`${name}.${issued}`));
      const given = Buffer.from(sig);
      if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return false;
      const age = now() - parseInt(issued, 36);
      return (
        Buffer.from(name, 'base64url').toString('utf8') === nameKey(userName) && age >= 0 && age < DEVICE_LIFETIME_MS
      );
    },
  };
}
