import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session } from 'electron';
import { join } from 'node:path';
import { dispatch, EVENT_CHANNEL, fail, REQUEST_CHANNEL, type CommandId, type HostEvent, type Language, type RecentFile } from '../../src/protocol';
import { contentSecurityPolicy } from '../csp';
import { resolveDataDir } from '../data-dir';
import { createRecentFiles } from '../recent';
import { loadExamples } from '../examples';
import { createService } from '../service';
import { createSessionManager, type SessionManager } from '../sessions/manager';
import { readStatic } from '../web/static';
import { buildMenuTemplate } from './menu';
import { APP_HOST, APP_SCHEME, APP_URL, isTrustedSender, mayNavigate } from './security';

/**
 * The Electron shell: one sandboxed window showing the renderer, the protocol served over IPC with
 * sender checks, files written atomically. Set by Electron Forge's Vite plugin at build time:
 */
declare const MAIN_WINDOW_VITE_DEV_SERVER_URL: string | undefined;
declare const MAIN_WINDOW_VITE_NAME: string;

const devServer = typeof MAIN_WINDOW_VITE_DEV_SERVER_URL === 'string' && MAIN_WINDOW_VITE_DEV_SERVER_URL !== '' ? MAIN_WINDOW_VITE_DEV_SERVER_URL : undefined;
/** The page every IPC sender and every navigation is checked against. */
const appUrl = devServer ?? APP_URL;
const rendererDir = join(import.meta.dirname, '..', 'renderer', MAIN_WINDOW_VITE_NAME);
const preloadPath = join(import.meta.dirname, 'preload.cjs');
const csp = contentSecurityPolicy(devServer === undefined ? {} : { devServer });

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Unroll',
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(appUrl);
  return win;
}

function serveApp(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return new Response('unknown host', { status: 404 });
    const file = await readStatic(rendererDir, url.pathname);
    if (!file.ok) return new Response(file.message, { status: file.status });
    return new Response(new Uint8Array(file.body), {
      headers: { 'content-type': file.type, 'content-security-policy': csp, 'x-content-type-options': 'nosniff' },
    });
  });
  if (devServer !== undefined) {
    // The dev server's pages get the (development) policy as a header too.
    session.defaultSession.webRequest.onHeadersReceived({ urls: [`${devServer}/*`] }, (details, respond) => {
      respond({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
    });
  }
}

function harden(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!mayNavigate(url, appUrl)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!mayNavigate(url, appUrl)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}

/** The menu's state: rebuilt when the recent list or the UI language changes. */
const menuState: { language: Language; recent: readonly RecentFile[] } = { language: 'en', recent: [] };

/** Sends an event to every window's page (there is one). */
function sendEvent(event: HostEvent): void {
  for (const win of BrowserWindow.getAllWindows()) win.webContents.send(EVENT_CHANNEL, event);
}

function installMenu(): void {
  const send = (command: CommandId, arg?: string): void => sendEvent({ name: 'menu.command', payload: arg === undefined ? { command } : { command, arg } });
  Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate({ platform: process.platform, appName: app.getName(), language: menuState.language, recent: menuState.recent, send })));
}

const FILTERS = [{ name: 'Unroll graph', extensions: ['json'] }];

/** The session worker, bundled beside main.js by Vite (`vite.main.config.ts`). */
const sessionWorker = join(import.meta.dirname, 'session-worker.js');

function serveProtocol(dataDir: string, sessions: SessionManager): void {
  const handlers = createService({
    sessions,
    // Packaged: forge.config.ts ships examples/ as a resource; from a checkout: the repository's folder.
    examples: loadExamples(app.isPackaged ? join(process.resourcesPath, 'examples') : join(app.getAppPath(), 'examples')),
    host: 'electron',
    name: app.getName(),
    version: app.getVersion(),
    dataDir,
    dialogs: {
      async chooseOpen() {
        const owner = BrowserWindow.getFocusedWindow();
        const options = { properties: ['openFile' as const], filters: FILTERS };
        const chosen = owner === null ? await dialog.showOpenDialog(options) : await dialog.showOpenDialog(owner, options);
        return chosen.canceled ? undefined : chosen.filePaths[0];
      },
      async chooseSave(fileName) {
        const owner = BrowserWindow.getFocusedWindow();
        const options = { defaultPath: join(app.getPath('documents'), fileName), filters: FILTERS };
        const chosen = owner === null ? await dialog.showSaveDialog(options) : await dialog.showSaveDialog(owner, options);
        return chosen.canceled || chosen.filePath === undefined || chosen.filePath === '' ? undefined : chosen.filePath;
      },
    },
    onRecentChange(files) {
      menuState.recent = files;
      installMenu();
    },
    onLanguage(language) {
      menuState.language = language;
      installMenu();
    },
  });
  ipcMain.handle(REQUEST_CHANNEL, async (event, name: unknown, payload: unknown) => {
    const frame = event.senderFrame;
    const isMainFrame = frame !== null && frame === event.sender.mainFrame;
    if (!isTrustedSender(frame?.url, isMainFrame, appUrl)) {
      return fail('unauthorized', `request ${String(name)} refused: it did not come from the Unroll page`);
    }
    return dispatch(handlers, name, payload);
  });
}

harden();
app.whenReady().then(() => {
  // The app asks for no permission (camera, notifications, …): refuse them all.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, answer) => answer(false));
  const dataDir = resolveDataDir(app.getPath('userData'));
  serveApp();
  const sessions = createSessionManager({ workerUrl: sessionWorker, emit: sendEvent });
  app.on('will-quit', () => void sessions.close());
  serveProtocol(dataDir, sessions);
  installMenu();
  void createRecentFiles(dataDir)
    .list()
    .then((files) => {
      menuState.recent = files;
      installMenu();
    });
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
}, (err: unknown) => {
  dialog.showErrorBox('Unroll could not start', String(err));
  app.quit();
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
