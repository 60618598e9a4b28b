/**
 * A recording stand-in of the Electron API the main process uses, so that its wiring
 * (electron/desktop/wiring.ts) runs in plain Node: the unit test asserts what it records, and the
 * Chromium flow in e2e/electron.spec.ts drives the real renderer through its ipcMain handlers.
 */
import type { ElectronApi } from '../wiring';

type Listener = (...args: unknown[]) => unknown;
/** A handler as ipcMain.handle got it. */
export type IpcHandler = (event: unknown, input?: unknown) => Promise<unknown>;

/** What the stand-in recorded of the wiring's calls. */
export interface Recording {
  userData: string;
  lock: boolean;
  quits: number;
  schemes: unknown[];
  app: Map<string, Listener[]>;
  protocols: Map<string, (r: Request) => Response | Promise<Response>>;
  permissionRequest?: (wc: unknown, permission: string, cb: (granted: boolean) => void) => void;
  permissionCheck?: () => boolean;
  windows: FakeWindow[];
  menu: unknown;
  opened: string[];
  ipc: Map<string, IpcHandler>;
}

/** A window that only records its options and loads. */
export class FakeWindow {
  loaded: string[] = [];
  constructor(readonly options: Electron.BrowserWindowConstructorOptions) {}
  isMinimized = () => false;
  restore = () => undefined;
  focus = () => undefined;
  show = () => undefined;
  once = () => this;
  loadURL = (url: string) => {
    this.loaded.push(url);
    return Promise.resolve();
  };
}

/** A stand-in of Electron's API; `lock` is the single-instance lock's answer. */
export function standIn(lock = true): { e: ElectronApi; rec: Recording } {
  const rec: Recording = {
    userData: '',
    lock,
    quits: 0,
    schemes: [],
    app: new Map(),
    protocols: new Map(),
    windows: [],
    menu: null,
    opened: [],
    ipc: new Map(),
  };
  const BrowserWindow = class extends FakeWindow {
    constructor(options: Electron.BrowserWindowConstructorOptions) {
      super(options);
      rec.windows.push(this);
    }
    static getAllWindows = () => rec.windows;
  };
  const e = {
    app: {
      setPath: (_n: string, p: string) => void (rec.userData = p),
      getPath: () => rec.userData,
      requestSingleInstanceLock: () => rec.lock,
      quit: () => void rec.quits++,
      on: (event: string, l: Listener) => void rec.app.set(event, [...(rec.app.get(event) ?? []), l]),
      whenReady: () => Promise.resolve(),
    },
    BrowserWindow,
    Menu: { buildFromTemplate: (t: unknown) => ({ template: t }), setApplicationMenu: (m: unknown) => (rec.menu = m) },
    protocol: {
      registerSchemesAsPrivileged: (s: unknown[]) => rec.schemes.push(...s),
      handle: (scheme: string, h: (r: Request) => Response) => rec.protocols.set(scheme, h),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: Recording['permissionRequest']) => (rec.permissionRequest = h),
        setPermissionCheckHandler: (h: () => boolean) => (rec.permissionCheck = h),
      },
    },
    shell: { openPath: (p: string) => (rec.opened.push(p), Promise.resolve('')) },
    dialog: { showMessageBox: () => Promise.resolve({}) },
    ipcMain: {
      handle: (c: string, h: IpcHandler) => rec.ipc.set(c, h),
      removeHandler: (c: string) => rec.ipc.delete(c),
    },
  };
  return { e: e as unknown as ElectronApi, rec };
}

/** An IPC event from a frame at `url` (the main frame unless told); `sent` collects pushes. */
export function ipcEvent(url: string, sent: [string, unknown][], mainFrame = true) {
  const frame = { url };
  return {
    senderFrame: frame,
    sender: {
      id: 1,
      mainFrame: mainFrame ? frame : { url },
      isDestroyed: () => false,
      send: (event: string, payload: unknown) => sent.push([event, payload]),
      once: () => undefined,
    },
  };
}

/**
 * Serves what the wiring registered for app:// over HTTP on 127.0.0.1 (a browser without
 * Electron cannot load app://), so that Chromium can load the real renderer with its CSP.
 */
export async function serveAppProtocol(rec: Recording): Promise<{ origin: string; close(): Promise<void> }> {
  const http = await import('node:http');
  const handle = rec.protocols.get('app');
  if (!handle) throw new Error('the wiring registered no app:// handler');
  const server = http.createServer((req, res) => {
    void Promise.resolve(handle(new Request(`app://mdsync${req.url ?? '/'}`))).then(async (r) => {
      res.writeHead(r.status, Object.fromEntries(r.headers));
      res.end(Buffer.from(await r.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
