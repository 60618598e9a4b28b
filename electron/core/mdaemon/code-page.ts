/**
 * Code pages for the MDaemon readers: the edge's parse, Unicode detection, the field decoders.
 *
 * Only allowlisted code pages are accepted, so a typo in settings or on the command line is a
 * clear error instead of iconv-lite silently decoding with something else. The readers take a
 * parsed `CodePage` and do not check it again.
 */
import iconv from 'iconv-lite';
import { type CodePage, isMultiByte, parseCodePage } from '../../../shared/code-pages';
import { UserError } from '../../../shared/result';

/**
 * Parses a code page spelling (`1252`, `CP1252`, `windows-1252`) at an edge (a flag, the settings).
 *
 * Throws UserError `codePage` naming the valid ids, because the caller is usually an
 * administrator typing `--code-page` who needs to see what is accepted.
 */
export function resolveCodePage(input: string): CodePage {
  const parsed = parseCodePage(input);
  if (!parsed.ok) throw new UserError(parsed.error.code, parsed.error.message);
  return parsed.value;
}

/** Kind of Unicode text a file is, when its first bytes tell; null for a plain byte file. */
export type UnicodeKind = 'utf8Bom' | 'utf16' | null;

/**
 * Recognises UTF-16 (by byte-order mark or by NUL-interleaved ASCII) and a UTF-8 byte-order mark.
 *
 * MDaemon writes its files in an ANSI code page; an editor or a PowerShell redirect may have
 * re-saved them as Unicode, which would otherwise be read as garbage records.
 */
export function detectUnicode(data: Buffer): UnicodeKind {
  if (data.length >= 2 && ((data[0] === 0xff && data[1] === 0xfe) || (data[0] === 0xfe && data[1] === 0xff))) {
    return 'utf16';
  }
  if (data.length >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) return 'utf8Bom';
  const n = Math.min(data.length, 1024) & ~1;
  if (n < 8) return null;
  let nulEven = 0;
  let nulOdd = 0;
  for (let i = 0; i < n; i += 2) {
    if (data[i] === 0) nulEven++;
    if (data[i + 1] === 0) nulOdd++;
  }
  const half = n / 2;
  const interleaved = (a: number, b: number) => a > half * 0.3 && b < half * 0.05;
  return interleaved(nulEven, nulOdd) || interleaved(nulOdd, nulEven) ? 'utf16' : null;
}

/** Decodes bytes [from, to) of a buffer in one code page. */
export type FieldDecoder = (data: Buffer, from: number, to: number) => string;

const decoders = new Map<CodePage, FieldDecoder>();

/**
 * A decoder for short fields in an allowlisted code page.
 *
 * iconv-lite's per-call setup costs more than the decoding of a 30-byte field, so single-byte
 * code pages use a table built once from iconv-lite (same mapping, U+FFFD for undefined bytes)
 * applied to a native latin1 slice; multi-byte code pages go through iconv-lite.
 */
export function fieldDecoder(cp: CodePage): FieldDecoder {
  let decoder = decoders.get(cp);
  if (decoder) return decoder;
  const table = isMultiByte(cp) ? null : singleByteTable(cp);
  if (table === null) {
    decoder = (data, from, to) => iconv.decode(data.subarray(from, to), cp);
  } else {
    // Native latin1 slice, then only the bytes whose character differs from Latin-1 are mapped.
    const chars = Array.from(table, (u) => String.fromCharCode(u));
    const differ = [...table.keys()].filter((i) => table[i] !== i);
    const pattern =
      differ.length === 0
        ? null
        : new RegExp(`[${differ.map((i) => `\\x${i.toString(16).padStart(2, '0')}`).join('')}]`, 'g');
    const map = (c: string) => chars[c.charCodeAt(0)] as string;
    decoder = (data, from, to) => {
      const latin1 = data.toString('latin1', from, to);
      return pattern === null ? latin1 : latin1.replace(pattern, map);
    };
  }
  decoders.set(cp, decoder);
  return decoder;
}

function singleByteTable(cp: CodePage): Uint16Array | null {
  const all = Buffer.alloc(256);
  for (let i = 0; i < 256; i++) all[i] = i;
  const text = iconv.decode(all, cp);
  if (text.length !== 256) return null;
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) table[i] = text.charCodeAt(i);
  return table;
}

const plainTables = new Map<CodePage, Uint8Array>();

/**
 * Bytes that decode, alone, to the character with the same code in an allowlisted code page
 * and are never trimmed as whitespace: 1 for printable ASCII (0x20–0x7E) in every code page,
 * and for single-byte code pages also for 0xA1–0xFF where the code page agrees with Latin-1.
 *
 * A field whose text bytes are all plain (and does not end in a space) decodes to exactly its
 * native latin1 slice, so the reader can skip the decoder and the trimming.
 */
export function plainBytes(cp: CodePage): Uint8Array {
  let plain = plainTables.get(cp);
  if (plain) return plain;
  plain = new Uint8Array(256);
  for (let b = 0x20; b < 0x7f; b++) plain[b] = 1;
  const table = isMultiByte(cp) ? null : singleByteTable(cp);
  if (table !== null) for (let b = 0xa1; b < 0x100; b++) if (table[b] === b) plain[b] = 1;
  plainTables.set(cp, plain);
  return plain;
}
