/**
 * USERLIST.DAT field bytes to text: padding, NULs, the plain-byte shortcut, and a multi-byte
 * field cut in the middle of a character, kept without the dangling byte.
 *
 * MDaemon cuts a full name at 30 bytes; in cp932/936/949/950 the cut can fall between the lead
 * and the trail byte of a character, leaving a lone lead byte at the end that decodes to U+FFFD.
 * That character is lost either way; storing U+FFFD in the user database would only show a
 * replacement mark in every list, so the field is kept without it (the caller still warns).
 */
import type { FieldDecoder } from './code-page';

/**
 * The text of bytes [from, to) without its padding and without a last byte that decodes to
 * U+FFFD on its own (a lead byte with its trail cut off), or null when the field does not end
 * that way. Leading blanks are trimmed as the reader trims full names.
 */
export function withoutDanglingByte(data: Buffer, from: number, to: number, decode: FieldDecoder): string | null {
  let e = to;
  while (e > from && (data[e - 1] === 0x20 || data[e - 1] === 0)) e--;
  if (e === from || (data[e - 1] as number) < 0x80) return null;
  const kept = decode(data, from, e - 1);
  if (decode(data, from, e) !== `${kept}\ufffd`) return null;
  const text = kept.trimEnd();
  const c0 = text.charCodeAt(0);
  return c0 === 0x20 || c0 === 0x3000 || c0 === 0x09 ? text.trim() : text;
}

/** A native latin1 slice of bytes [from, to) (Buffer#latin1Slice where Node has it). */
export const latin1Slice: (data: Buffer, from: number, to: number) => string =
  typeof (Buffer.prototype as unknown as { latin1Slice?: unknown }).latin1Slice === 'function'
    ? (data, from, to) => (data as unknown as { latin1Slice(a: number, b: number): string }).latin1Slice(from, to)
    : (data, from, to) => data.toString('latin1', from, to);

/**
 * The text of the field in bytes [from, to) without its padding, or null when a NUL byte is
 * inside the text. Text of plain bytes (see plainBytes) is one native latin1 slice of exactly
 * the text: no decoder, no trimming, no intermediate string. Anything else is decoded and unpadded.
 */
export function field(data: Buffer, from: number, to: number, plain: Uint8Array, decode: FieldDecoder): string | null {
  let end = to;
  while (end > from && (data[end - 1] === 0x20 || data[end - 1] === 0)) end--;
  for (let i = from; i < end; i++) {
    if (plain[data[i] as number] !== 1) return unpad(decode(data, from, to));
  }
  return latin1Slice(data, from, end);
}

/** True when the `n` bytes at `a` equal those at `b`. */
export function sameBytes(data: Buffer, a: number, b: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (data[a + i] !== data[b + i]) return false;
  return true;
}

/**
 * A field's text without its padding (trailing spaces, and NULs, which some tools pad with), or
 * null when a NUL byte is inside the text. Padding bytes (0x20, 0x00) are never trail bytes of
 * the multi-byte code pages, so trimming the decoded text trims exactly the padding.
 */
export function unpad(s: string): string | null {
  s = s.trimEnd();
  if (s.indexOf('\0') === -1) return s;
  let e = s.length;
  while (e > 0 && (s.charCodeAt(e - 1) === 0 || s.charCodeAt(e - 1) === 0x20)) e--;
  s = s.slice(0, e);
  return s.indexOf('\0') === -1 ? s.trimEnd() : null;
}

/** True when bytes [from, to) are only spaces, tabs, 0x1A and NULs. */
export function isBlank(data: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const b = data[i];
    if (b !== 0x20 && b !== 0x09 && b !== 0x1a && b !== 0x00) return false;
  }
  return true;
}
