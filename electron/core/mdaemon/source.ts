/**
 * Where MDaemon's App directory files come from: the local file system or an SMB share.
 *
 * The reader only ever asks for whole files by name, so a local folder, a UNC path read by
 * Windows, and an SMB2 client all fit behind this one small interface.
 */

/** A file's bytes plus what is needed to notice that MDaemon rewrote it while we read it. */
export interface SourceFile {
  /** Handed over to the caller: the reader empties a large one once parsed (releaseBuffer). */
  readonly data: Buffer;
  /** Size and modification time as the source reported them before reading (for change detection). */
  readonly size: number;
  readonly mtimeMs: number;
}

/** Read-only access to one App directory. */
export interface AppDirSource {
  /** How to name this directory in messages (never holds a password). */
  readonly description: string;
  /**
   * Reads a file of the App directory, matching its name case-insensitively
   * (`USERLIST.DAT`, `Userlist.dat`). Resolves null when the file does not exist;
   * rejects with a UserError for anything else (no access, share gone, network).
   */
  readFile(name: string): Promise<SourceFile | null>;
  /** Size and mtime of a file without reading it, or null when it does not exist. */
  stat(name: string): Promise<{ size: number; mtimeMs: number } | null>;
  /** Releases connections; a no-op for local folders. */
  close(): Promise<void>;
}
