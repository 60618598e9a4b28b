/**
 * A text field over a typed setting: the text as typed stays in the field even while it does not
 * parse (with its error), and follows the setting when that changes from outside.
 */
import { useEffect, useRef, useState } from 'react';
import { parseDeleteLimit as parseSharedDeleteLimit } from '../../../shared/delete-limit';

/** What parsing the text gives: a value to store, or why not. */
export type Parsed<T> = { value: T } | { error: string };

/** The field's text, its error and its change handler. */
export function useParsedText<T>(
  value: T,
  format: (v: T) => string,
  parse: (text: string) => Parsed<T>,
  onValue: (v: T) => void,
): { text: string; error: string | null; onText: (text: string) => void } {
  const [text, setText] = useState(() => format(value));
  const [error, setError] = useState<string | null>(null);
  const lastSent = useRef<T>(value);

  useEffect(() => {
    if (!Object.is(value, lastSent.current)) {
      lastSent.current = value;
      setText(format(value));
      setError(null);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value]);

  const onText = (t: string) => {
    setText(t);
    const p = parse(t);
    if ('error' in p) setError(p.error);
    else {
      setError(null);
      lastSent.current = p.value;
      onValue(p.value);
    }
  };
  return { text, error, onText };
}

/** The deletion guard's limit: empty = default, `N` or `N%`. */
export function parseDeleteLimit(text: string): Parsed<string | null> {
  const t = text.trim();
  if (!t) return { value: null };
  const parsed = parseSharedDeleteLimit(t);
  return parsed.ok ? { value: t } : { error: parsed.error.message };
}

/** Hours between automatic runs: 0 (off) to 168. */
export function parseHours(text: string): Parsed<number> {
  const t = text.trim();
  if (!t) return { value: 0 };
  const n = Number(t);
  return /^\d{1,3}$/.test(t) && n <= 168 ? { value: n } : { error: 'Enter whole hours from 0 (off) to 168.' };
}

/** Parses the idle minutes of a session: 1 to 1440 (a day). */
export function parseIdleMinutes(text: string): Parsed<number> {
  const t = text.trim();
  const n = Number(t);
  return /^\d{1,4}$/.test(t) && n >= 1 && n <= 1440 ? { value: n } : { error: 'Enter whole minutes from 1 to 1440.' };
}
