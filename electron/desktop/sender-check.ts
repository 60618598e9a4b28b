/**
 * Which frames may call main: only the app's own page, in its main frame.
 *
 * Kept apart from electron-ipc.ts so it is tested in plain Node, without the Electron binary.
 */

/** The origin the renderer is served from (electron/desktop/main.ts registers the protocol). */
export const APP_ORIGIN = 'app://mdsync';

/** The parts of an IPC event the check reads. */
export interface SenderInfo {
  readonly senderFrame: { readonly url: string } | null;
  readonly sender: { readonly mainFrame: unknown };
}

/** True when a call comes from the app's own page, in its main frame. */
export function trustedSender(event: SenderInfo): boolean {
  const frame = event.senderFrame;
  if (!frame || frame !== event.sender.mainFrame) return false;
  try {
    // Node's URL gives non-special schemes the origin "null": compare scheme and host instead.
    const url = new URL(frame.url);
    return `${url.protocol}//${url.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}
