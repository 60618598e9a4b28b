/**
 * `mdsync users unlock NAME` with the embedded store: the running service keeps its throttle in
 * memory, so the command leaves a request in the data directory (`throttle-unlock.json`, written
 * atomically) which the service reads at its next logon attempt (one stat while nothing changed).
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../atomic-file';
import { nameKey } from './logon-throttle';

function fileOf(dataDir: string): string {
  return path.join(dataDir, 'throttle-unlock.json');
}

function readRequests(file: string): Record<string, number> {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    if (!parsed || typeof parsed !== 'object') return {};
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(parsed)) if (typeof v === 'number') out[k] = v;
    return out;
  } catch {
    return {};
  }
}

/** Records a request to unlock a user name (the CLI). */
export function requestUnlock(dataDir: string, userName: string, now = Date.now()): void {
  const file = fileOf(dataDir);
  const requests = readRequests(file);
  requests[nameKey(userName)] = now;
  // Requests older than a day were seen by any running service.
  for (const [k, at] of Object.entries(requests)) if (now - at > 86_400_000) delete requests[k];
  writeFileAtomic(file, JSON.stringify(requests), 0o600);
}

/** Hands out, once each, the unlock requests made since the service started. */
export function watchUnlockRequests(dataDir: string, startedAt = Date.now()): () => string[] {
  const file = fileOf(dataDir);
  let seenStamp = '';
  const seen = new Map<string, number>();
  return () => {
    let stamp: string;
    try {
      const st = fs.statSync(file);
      stamp = `${st.ino}:${st.size}:${st.mtimeMs}`;
    } catch {
      return [];
    }
    if (stamp === seenStamp) return [];
    seenStamp = stamp;
    const out: string[] = [];
    for (const [name, at] of Object.entries(readRequests(file))) {
      if (at >= startedAt && seen.get(name) !== at) {
        seen.set(name, at);
        out.push(name);
      }
    }
    return out;
  };
}
