/**
 * An in-memory AppDirSource for tests: files by name. (A file changing while it is read is the
 * sources' own concern: see stable-read.test.ts and testing/changing-fs.ts.)
 */
import type { AppDirSource, SourceFile } from '../source';

/** Options of memorySource. */
export interface MemorySourceOptions {
  description?: string;
}

/** An AppDirSource over a name → bytes map (names matched case-insensitively). */
export function memorySource(
  files: Record<string, Buffer>,
  opts: MemorySourceOptions = {},
): AppDirSource & { reads: number } {
  const store = new Map<string, { data: Buffer; mtimeMs: number }>();
  for (const [name, data] of Object.entries(files)) store.set(name.toLowerCase(), { data, mtimeMs: 1000 });
  const src = {
    description: opts.description ?? 'memory',
    reads: 0,
    readFile(name: string): Promise<SourceFile | null> {
      const f = store.get(name.toLowerCase());
      if (!f) return Promise.resolve(null);
      src.reads++;
      // A copy: the reader owns what it is given and may empty it.
      const result = { data: Buffer.from(f.data), size: f.data.length, mtimeMs: f.mtimeMs };
      return Promise.resolve(result);
    },
    stat(name: string) {
      const f = store.get(name.toLowerCase());
      return Promise.resolve(f ? { size: f.data.length, mtimeMs: f.mtimeMs } : null);
    },
    close: () => Promise.resolve(),
  };
  return src;
}
