/**
 * The built renderer as a fixed table of files, read once at start: a request's path is looked up
 * in the table and never turned into a file-system path, so no URL (NUL bytes, `..`, backslashes,
 * bad escapes, `//`) can reach the disk or make a file call throw. The build output is a handful
 * of immutable files, so a table is simpler and safer than a general static-file server.
 * Browser mode may look again (at most once a second) so a rebuild during development is served.
 */
import fs from 'node:fs';
import path from 'node:path';
import { contentType } from './content-types';

/** One built file, ready to send. */
export interface StaticFile {
  readonly body: Buffer;
  readonly type: string;
}

/** Built files larger than this are not served (the bundle is a few MB). */
const MAX_FILE_BYTES = 64 * 1024 * 1024;
/** A path segment of a built file: what the bundler writes, nothing else. */
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function scan(root: string): Map<string, StaticFile> {
  const table = new Map<string, StaticFile>();
  const walk = (dir: string, prefix: string, depth: number) => {
    if (depth > 4) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (!SEGMENT.test(entry.name)) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full, `${prefix}${entry.name}/`, depth + 1);
      else if (entry.isFile() && fs.statSync(full).size <= MAX_FILE_BYTES) {
        table.set(`${prefix}${entry.name}`, { body: fs.readFileSync(full), type: contentType(entry.name) });
      }
    }
  };
  walk(root, '/', 0);
  return table;
}

/** The table of built files under `root`, keyed by URL path (`/assets/index-abc.js`). */
export class StaticFiles {
  private table: Map<string, StaticFile>;
  private scannedAt: number;

  /** `rescan`: look again on a miss or a page load, at most once a second (browser mode). */
  constructor(
    private readonly root: string,
    private readonly rescan = false,
  ) {
    this.table = scan(root);
    this.scannedAt = Date.now();
  }

  private refresh(): void {
    if (!this.rescan || Date.now() - this.scannedAt < 1000) return;
    this.scannedAt = Date.now();
    try {
      this.table = scan(this.root);
    } catch {
      // a rebuild in progress: keep the previous table
    }
  }

  /** The file at a URL path exactly as requested (no decoding), or null. */
  get(urlPath: string): StaticFile | null {
    const hit = this.table.get(urlPath);
    if (hit || urlPath === '/index.html') return hit ?? null;
    this.refresh();
    return this.table.get(urlPath) ?? null;
  }

  /** The page's HTML template. */
  indexHtml(): string {
    this.refresh();
    return this.table.get('/index.html')?.body.toString('utf8') ?? '';
  }
}
