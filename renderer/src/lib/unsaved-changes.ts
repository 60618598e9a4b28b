/**
 * Unsaved edits, app-wide: a screen with a draft registers it, the browser asks before the page is
 * left or reloaded (beforeunload), and in-app exits (Log off) ask `hasUnsavedChanges()` first.
 */
import { useEffect } from 'react';

const dirty = new Set<string>();

function onBeforeUnload(e: BeforeUnloadEvent): void {
  if (dirty.size === 0) return;
  e.preventDefault();
  // Older Chromium builds (and Electron's) want returnValue set to show the question.
  e.returnValue = '';
}

/** Whether any screen holds edits not yet saved. */
export function hasUnsavedChanges(): boolean {
  return dirty.size > 0;
}

/** Registers `key` as holding unsaved edits while `unsaved` is true. */
export function useUnsavedChanges(key: string, unsaved: boolean): void {
  useEffect(() => {
    if (!unsaved) return;
    dirty.add(key);
    if (dirty.size === 1) window.addEventListener('beforeunload', onBeforeUnload);
    return () => {
      dirty.delete(key);
      if (dirty.size === 0) window.removeEventListener('beforeunload', onBeforeUnload);
    };
  }, [key, unsaved]);
}
