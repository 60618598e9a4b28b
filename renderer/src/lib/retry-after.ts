/**
 * How long a throttled logon must wait, from whatever the server says: a `retryAfterSeconds` field
 * (on the refusal or on the error), or the seconds or minutes in its message ("Try again in 5 minutes.").
 */
import { useEffect, useState } from 'react';

/** The wait in whole seconds, or null when the answer names none. */
export function retryAfterSeconds(answer: { message?: unknown; retryAfterSeconds?: unknown } | null): number | null {
  if (!answer) return null;
  const field = answer.retryAfterSeconds;
  if (typeof field === 'number' && Number.isFinite(field) && field > 0) return Math.ceil(field);
  const text = typeof answer.message === 'string' ? answer.message : '';
  const m = /try again in (?:about |another )?(\d+)\s*(s|sec|secs|seconds?|min|mins|minutes?)\b/i.exec(text);
  if (!m) return null;
  const n = Number(m[1]);
  return /^m/i.test(m[2]!) ? n * 60 : n;
}

/** A wait in words: "15 s", "4 min 30 s". */
export function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return s === 0 ? `${m} min` : `${m} min ${s} s`;
}

/** Counts down to `until` (ms since the epoch, or null) once a second; the seconds left, 0 when over. */
export function useCountdown(until: number | null): number {
  const left = () => (until === null ? 0 : Math.max(0, Math.ceil((until - Date.now()) / 1000)));
  const [seconds, setSeconds] = useState(left);
  useEffect(() => {
    const tick = () => setSeconds(until === null ? 0 : Math.max(0, Math.ceil((until - Date.now()) / 1000)));
    tick();
    if (until === null) return;
    const timer = setInterval(tick, 250);
    return () => clearInterval(timer);
  }, [until]);
  return seconds;
}
