import { basename } from 'node:path';
import type { GraphDocument } from '../src/graph/document';
import { fail, ok, type Language, type RecentFile, type Reply, type RequestHandlers, type Saved } from '../src/protocol';
import { createAutosave } from './autosave';
import { documentFileName, documentText, openText, readDocumentFile, withoutWeights } from './documents';
import { loadExamples, type Example } from './examples';
import { writeDocumentFile } from './files';
import { createRecentFiles } from './recent';
import { infer } from './sessions/infer';
import type { SessionManager } from './sessions/manager';
import { traceGradcheck, traceRun } from './stepthrough';

export { documentFileName, openText } from './documents';

/** Electron's native file dialogs; each answers the chosen path, or undefined when cancelled. */
export interface FileDialogs {
  chooseOpen(): Promise<string | undefined>;
  chooseSave(suggestedName: string): Promise<string | undefined>;
}

/**
 * The host's implementation of the protocol, written once. The web host and Electron adapt it to
 * their transports; what differs between them (native dialogs, recent files) comes in as options.
 */
export interface ServiceOptions {
  readonly host: 'electron' | 'web';
  readonly name: string;
  readonly version: string;
  /** The host's data folder: the autosave, and (with dialogs) the recent-files list. */
  readonly dataDir: string;
  /**
   * Electron: files are picked with native dialogs and read and written by the host (atomically).
   * Absent in the web host, where the browser picks files and downloads saved text.
   */
  readonly dialogs?: FileDialogs;
  /** Electron: the recent-files list changed (rebuild the menu). */
  readonly onRecentChange?: (files: readonly RecentFile[]) => void;
  /** The UI language changed (Electron rebuilds its menu in it). */
  readonly onLanguage?: (language: Language) => void;
  /** Training sessions in worker threads (`main/sessions/`); without it `session.*` answers `unsupported`. */
  readonly sessions?: SessionManager;
  /** The example graphs (default: the repository's `examples/` folder). */
  readonly examples?: readonly Example[];
}

export function createService(opts: ServiceOptions): RequestHandlers {
  const autosave = createAutosave(opts.dataDir);
  const EXAMPLES = opts.examples ?? loadExamples();
  const dialogs = opts.dialogs;
  const recent = dialogs === undefined ? undefined : createRecentFiles(opts.dataDir);
  /** Paths the user chose in a dialog this session: the only ones written without asking. */
  const picked = new Set<string>();
  const sessions = opts.sessions;
  const noSessions = (): Reply<never> => fail('unsupported', `this ${opts.host} host was started without training sessions`);
  const noDialogs = (what: string): Reply<never> => fail('unsupported', `the ${opts.host} host cannot ${what}: use the browser's file picker and downloads`);

  async function remember(path: string): Promise<void> {
    picked.add(path);
    if (recent === undefined) return;
    try {
      const files = await recent.add(path);
      opts.onRecentChange?.(files);
    } catch {
      // The recent list is a convenience: failing to write it never fails the save or open.
    }
  }

  /** Writes `text` to `path` (known) or to a path chosen in the save dialog; web: returns the text. */
  async function deliver(text: string, fileName: string, path: string | undefined, ask: boolean): Promise<Reply<Saved>> {
    if (dialogs === undefined) {
      if (path !== undefined) return noDialogs('write files by path');
      return ok({ text, fileName });
    }
    let target = path;
    if (target !== undefined && !ask && !picked.has(target) && !(await recent?.has(target))) {
      return fail('unauthorized', `Unroll writes only to files chosen in its dialogs; ${target} was not: use Save As`, 'path');
    }
    if (target === undefined || ask) {
      target = await dialogs.chooseSave(target === undefined ? fileName : basename(target));
      if (target === undefined) return fail('cancelled', 'saving was cancelled');
    }
    const written = await writeDocumentFile(target, text);
    if (!written.ok) return written;
    await remember(target);
    return ok({ text, fileName: basename(target), path: target });
  }

  return {
    'app.info': async () => ok({ name: opts.name, version: opts.version, host: opts.host }),
    'app.setLanguage': async ({ language }) => {
      opts.onLanguage?.(language);
      return ok({});
    },
    'examples.list': async () => ok({ examples: EXAMPLES.map(({ id, title, description }) => ({ id, title, description })) }),
    'examples.open': async ({ id }) => {
      const example = EXAMPLES.find((e) => e.id === id);
      if (example === undefined) return fail('not-found', `no example ${JSON.stringify(id)}: expected one of ${EXAMPLES.map((e) => e.id).join(', ')}`, 'id');
      return ok(openText(example.text()));
    },
    'document.open': async ({ text }) => ok(openText(text)),
    'document.openFile': async ({ path }) => {
      if (dialogs === undefined) return noDialogs('open files by path');
      if (path !== undefined && !picked.has(path) && !(await recent?.has(path))) {
        return fail('unauthorized', `Unroll opens by path only files from its recent list; ${path} is not on it: use Open…`, 'path');
      }
      const chosen = path ?? (await dialogs.chooseOpen());
      if (chosen === undefined) return fail('cancelled', 'opening was cancelled');
      const text = await readDocumentFile(chosen);
      if (!text.ok) return text;
      const opened = openText(text.result);
      if (opened.status === 'restored') await remember(chosen);
      return ok({ path: chosen, fileName: basename(chosen), opened });
    },
    'document.save': async ({ doc, fileName, path, saveAs }) => {
      const text = documentText(doc);
      if (!text.ok) return text;
      return deliver(text.result, fileName ?? documentFileName(doc.meta.name), path, saveAs === true);
    },
    'document.export': async ({ doc, withWeights, fileName }) => {
      const exported: GraphDocument = withWeights ? doc : withoutWeights(doc);
      const text = documentText(exported);
      if (!text.ok) return text;
      return deliver(text.result, fileName ?? documentFileName(doc.meta.name, withWeights ? '' : '.architecture'), undefined, true);
    },
    'recent.list': async () => ok({ files: recent === undefined ? [] : await recent.list() }),
    'autosave.write': ({ doc }) => autosave.write(doc),
    'autosave.read': () => autosave.read(),
    'autosave.clear': () => autosave.clear(),
    'session.start': async (payload) => (sessions === undefined ? noSessions() : sessions.start(payload)),
    'session.pause': async ({ sessionId }) => (sessions === undefined ? noSessions() : sessions.control(sessionId, 'pause')),
    'session.resume': async ({ sessionId }) => (sessions === undefined ? noSessions() : sessions.control(sessionId, 'resume')),
    'session.stop': async ({ sessionId }) => (sessions === undefined ? noSessions() : sessions.control(sessionId, 'stop')),
    'session.resetState': async ({ sessionId }) => (sessions === undefined ? noSessions() : sessions.control(sessionId, 'resetState')),
    'session.weights': async ({ sessionId }) => (sessions === undefined ? noSessions() : sessions.weights(sessionId)),
    infer: (payload) => infer(payload, sessions),
    'trace.run': (payload) => traceRun(payload, sessions),
    'trace.gradcheck': (payload) => traceGradcheck(payload, sessions),
  };
}
