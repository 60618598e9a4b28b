/** The native folder picker behind "Browse…". */
import { BrowserWindow, dialog } from 'electron';

/** Asks for a folder; resolves null when the administrator cancels. */
export async function pickFolder(start: string): Promise<string | null> {
  const win = BrowserWindow.getFocusedWindow();
  const options = {
    title: 'MDaemon App Directory',
    defaultPath: start || undefined,
    properties: ['openDirectory' as const, 'dontAddToRecent' as const],
  };
  const answer = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
  return answer.canceled ? null : (answer.filePaths[0] ?? null);
}
