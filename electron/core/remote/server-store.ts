/**
 * What the desktop app remembers about servers: the last Server choice and one certificate pin
 * per server, in `servers.json` in the data directory, written atomically.
 *
 * A pin is the SHA-256 fingerprint of a certificate the user trusted by clicking *Trust this
 * certificate*; it is not secret. A file that cannot be read is treated as empty and reported
 * once: the worst outcome is that a self-signed certificate is asked about again, never that an
 * unknown one is trusted.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../atomic-file';

/** The file name inside the data directory. */
export const SERVERS_FILE = 'servers.json';

const VERSION = 1;

interface Doc {
  version: number;
  /** `host:port`, or null for This computer. */
  last: string | null;
  /** `host:port` → `AA:BB:…`. */
  pins: Record<string, string>;
}

/** Remembered server choice and pins. */
export interface ServerStore {
  lastServer(): string | null;
  setLastServer(server: string | null): void;
  pin(server: string): string | null;
  setPin(server: string, fingerprint256: string): void;
}

function empty(): Doc {
  return { version: VERSION, last: null, pins: {} };
}

function parse(text: string): Doc | null {
  const raw = JSON.parse(text) as unknown;
  if (!raw || typeof raw !== 'object') return null;
  const doc = raw as Partial<Doc>;
  if (doc.version !== VERSION) return null;
  const pins: Record<string, string> = {};
  if (doc.pins && typeof doc.pins === 'object') {
    for (const [k, v] of Object.entries(doc.pins)) if (typeof v === 'string') pins[k] = v.toUpperCase();
  }
  return { version: VERSION, last: typeof doc.last === 'string' ? doc.last : null, pins };
}

/** A store on `servers.json` in `dataDir`; `warn` hears once about a file it could not use. */
export function createServerStore(dataDir: string, warn: (message: string) => void = () => undefined): ServerStore {
  const file = path.join(dataDir, SERVERS_FILE);
  let warned = false;
  const read = (): Doc => {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && !warned) {
        warned = true;
        warn(`cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'}): no server remembered`);
      }
      return empty();
    }
    let doc: Doc | null;
    try {
      doc = parse(text);
    } catch {
      doc = null;
    }
    if (!doc && !warned) {
      warned = true;
      warn(`${file} is not a servers file of this version: no server remembered`);
    }
    return doc ?? empty();
  };
  const write = (doc: Doc) => writeFileAtomic(file, `${JSON.stringify(doc, undefined, 2)}\n`);
  return {
    lastServer: () => read().last,
    setLastServer(server) {
      const doc = read();
      if (doc.last === server) return;
      write({ ...doc, last: server });
    },
    pin: (server) => read().pins[server] ?? null,
    setPin(server, fingerprint256) {
      const doc = read();
      write({ ...doc, pins: { ...doc.pins, [server]: fingerprint256.toUpperCase() } });
    },
  };
}
