/**
 * An in-memory AppDirSource for tests: files by name, with a hook to simulate MDaemon
 * rewriting a file between the read and the stat that follows it.
 */
import type { AppDirSource, SourceFile } from '../source';

/** Options of memorySource. */
export interface MemorySourceOptions {
  description?: string;
  /** Called after each readFile: return new bytes to make the file change "while read". */
  afterRead?: (name: string, count: number) => Buffer | undefined;
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
      const next = opts.afterRead?.(name, src.reads);
      if (next) store.set(name.toLowerCase(), { data: next, mtimeMs: f.mtimeMs + 1 });
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
