/**
 * JSON from the network, parsed with bounds: nesting at most MAX_DEPTH deep (counted before
 * parsing, so neither the parser nor later recursive code meets a deep value) and no prototype
 * keys (`__proto__`, `constructor`, `prototype`), which no call of the contract uses.
 */

/** Deepest nesting of arrays and objects accepted. */
export const MAX_DEPTH = 32;

const PROTO_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The deepest nesting of a JSON text (strings skipped), counted without parsing. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (c === 125 || c === 93) depth--;
  }
  return deepest;
}

/** Parses JSON from the network; an Error with a short reason when it is not acceptable. */
export function parseUntrustedJson(text: string): unknown {
  if (jsonDepth(text) > MAX_DEPTH) throw new Error(`JSON nested deeper than ${MAX_DEPTH}`);
  return JSON.parse(text, (key, value: unknown) => {
    if (PROTO_KEYS.has(key)) throw new Error(`a "${key}" key`);
    return value;
  });
}
