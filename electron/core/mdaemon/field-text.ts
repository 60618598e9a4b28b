/**
 * A multi-byte field cut in the middle of a character, kept without the dangling byte.
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
