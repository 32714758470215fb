import { createDocument } from '../../src/graph/edits';
import type { GraphDocument } from '../../src/graph/document';
import { isPlainFileName, type OpenResult, type ProtocolError, type Saved } from '../../src/protocol';
import { getHost } from '../host';
import { t } from '../i18n';
import { useApp } from '../store';
import { pasteClip } from '../store/actions';
import { besideOffset, wholeDocument } from '../store/clipboard';
import { selectDirty, type DocumentFile } from '../store/documentSlice';
import { confirmDialog, promptDialog, showProblems } from './dialogRequests';
import { download, pickTextFile } from './filePicker';
import { fitSoon } from './flow';

/**
 * The file commands: New, Open, Save, Save As, Export, Import, recent files and recovery. In the web
 * host the browser picks files and downloads saved text; in Electron the host shows its dialogs and
 * writes atomically. A file that does not restore opens nothing: its problems are listed, each with
 * its JSON path, and the open graph stays exactly as it was.
 */

const isElectron = (): boolean => window.unroll !== undefined;

function host() {
  const h = getHost();
  if (h === null) useApp.getState().notify('error', t('app.noHost'), 'no-host');
  return h;
}

function reportError(action: string, error: ProtocolError): void {
  useApp.getState().notify(error.code === 'cancelled' ? 'info' : 'error', t('status.cannot', { action, message: error.message }), error.code);
}

/** Forgets the autosave: the document it kept was saved, or the user chose to drop it. */
async function clearAutosave(): Promise<void> {
  useApp.getState().setRecovery(undefined);
  useApp.getState().setAutosavedAt(undefined);
  await getHost()?.call('autosave.clear', {});
}

/** True when there are no unsaved changes, or the user agrees to lose them. */
export async function confirmDiscard(): Promise<boolean> {
  const s = useApp.getState();
  if (!selectDirty(s)) return true;
  return confirmDialog(t('dialog.discardTitle'), t('dialog.discardBody', { name: s.doc.meta.name }), t('dialog.discard'));
}

/** Loads a restored document, or lists why it was refused (the open graph stays). */
function applyOpen(result: OpenResult, what: string, file: DocumentFile): boolean {
  const s = useApp.getState();
  if (result.status === 'refused') {
    showProblems(t('dialog.refusedTitle', { what }), t('dialog.refusedIntro', { count: result.problems.length }), result.problems);
    return false;
  }
  s.load(result.doc, { file });
  s.setStartDismissed(true);
  if (result.warnings.length > 0) s.notify('warning', t('status.openedWarnings', { what, count: result.warnings.length, warnings: result.warnings.map((w) => w.message).join('; ') }));
  else s.notify('info', t('status.opened', { what }));
  void clearAutosave();
  fitSoon();
  return true;
}

export async function newDocument(): Promise<void> {
  if (!(await confirmDiscard())) return;
  const s = useApp.getState();
  s.load(createDocument(t('app.untitled')));
  s.setStartDismissed(false);
  await clearAutosave();
}

/** Opens the text of a file the browser read. */
export async function openText(text: string, fileName: string): Promise<boolean> {
  const h = host();
  if (h === null) return false;
  const reply = await h.call('document.open', isPlainFileName(fileName) ? { text, fileName } : { text });
  if (!reply.ok) {
    reportError(t('actions.open', { what: fileName }), reply.error);
    return false;
  }
  return applyOpen(reply.result, fileName, { fileName });
}

/** Open…: the host's dialog in Electron, the browser's file picker otherwise. */
export async function openDocument(): Promise<boolean> {
  if (!(await confirmDiscard())) return false;
  if (isElectron()) return openFromHost(undefined);
  const picked = await pickTextFile();
  return picked === undefined ? false : openText(picked.text, picked.name);
}

async function openFromHost(path: string | undefined): Promise<boolean> {
  const h = host();
  if (h === null) return false;
  const reply = await h.call('document.openFile', path === undefined ? {} : { path });
  if (!reply.ok) {
    reportError(t('actions.open', { what: path ?? '' }), reply.error);
    return false;
  }
  const { opened, fileName } = reply.result;
  const done = applyOpen(opened, fileName, { fileName, path: reply.result.path });
  if (done) void refreshRecent();
  return done;
}

/** Opens a file of the recent list (Electron). */
export async function openRecent(path: string): Promise<boolean> {
  if (!(await confirmDiscard())) return false;
  return openFromHost(path);
}

export async function openExample(id: string, title: string): Promise<boolean> {
  if (!(await confirmDiscard())) return false;
  const h = host();
  if (h === null) return false;
  const reply = await h.call('examples.open', { id });
  if (!reply.ok) {
    reportError(t('actions.example', { title }), reply.error);
    return false;
  }
  return applyOpen(reply.result, t('status.example', { title }), {});
}

function reportSaved(saved: Saved, exported: boolean): void {
  const s = useApp.getState();
  if (saved.path !== undefined) s.notify('info', exported ? t('status.exported', { fileName: saved.path }) : t('status.saved', { path: saved.path }));
  else {
    download(saved.fileName, saved.text);
    s.notify('info', exported ? t('status.exportedDownload', { fileName: saved.fileName }) : t('status.savedDownload', { fileName: saved.fileName }));
  }
}

/** Save (Ctrl+S): to the file it came from in Electron (asking the first time); a download in the browser. */
export async function saveDocument(saveAs = false): Promise<boolean> {
  const h = host();
  if (h === null) return false;
  const s = useApp.getState();
  const { doc, file, rev } = s;
  let fileName = file.fileName;
  if (saveAs && !isElectron()) {
    fileName = await promptDialog(t('dialog.saveAsTitle'), t('dialog.saveAsBody'), fileName ?? `${doc.meta.name}.unroll.json`, t('dialog.save'));
    if (fileName === undefined) return false;
    if (!isPlainFileName(fileName) || fileName.trim() === '') fileName = undefined;
  }
  const reply = await h.call('document.save', {
    doc,
    ...(fileName === undefined ? {} : { fileName }),
    ...(isElectron() && file.path !== undefined ? { path: file.path } : {}),
    ...(saveAs && isElectron() ? { saveAs: true } : {}),
  });
  if (!reply.ok) {
    reportError(t('actions.save'), reply.error);
    return false;
  }
  reportSaved(reply.result, false);
  // Edits made while the save was on its way are not saved: only the revision that was sent is.
  if (useApp.getState().rev === rev) useApp.getState().markSaved({ fileName: reply.result.fileName, ...(reply.result.path === undefined ? {} : { path: reply.result.path }) });
  await clearAutosave();
  if (reply.result.path !== undefined) void refreshRecent();
  return true;
}

/** Export JSON with or without weights: a copy for another tool; the open file and its saved state stay. */
export async function exportDocument(withWeights: boolean): Promise<boolean> {
  const h = host();
  if (h === null) return false;
  const reply = await h.call('document.export', { doc: useApp.getState().doc, withWeights });
  if (!reply.ok) {
    reportError(t('actions.export'), reply.error);
    return false;
  }
  reportSaved(reply.result, true);
  return true;
}

/** Import: another graph file's nodes and edges added beside this graph's, as one undo step. */
export async function importDocument(): Promise<boolean> {
  const h = host();
  if (h === null) return false;
  let opened: OpenResult;
  let what: string;
  if (isElectron()) {
    const reply = await h.call('document.openFile', {});
    if (!reply.ok) {
      reportError(t('actions.import', { what: '' }), reply.error);
      return false;
    }
    opened = reply.result.opened;
    what = reply.result.fileName;
  } else {
    const picked = await pickTextFile();
    if (picked === undefined) return false;
    const reply = await h.call('document.open', isPlainFileName(picked.name) ? { text: picked.text, fileName: picked.name } : { text: picked.text });
    if (!reply.ok) {
      reportError(t('actions.import', { what: picked.name }), reply.error);
      return false;
    }
    opened = reply.result;
    what = picked.name;
  }
  if (opened.status === 'refused') {
    showProblems(t('dialog.refusedTitle', { what }), t('dialog.refusedIntro', { count: opened.problems.length }), opened.problems);
    return false;
  }
  const s = useApp.getState();
  const clip = wholeDocument(opened.doc);
  const ids = pasteClip(clip, besideOffset(s.doc, clip));
  if (ids === undefined) return false;
  s.setStartDismissed(true);
  s.notify('info', t('status.imported', { count: ids.length, what }));
  fitSoon();
  return true;
}

/** Opens the autosaved document found at start; it stays unsaved (and autosaved) until saved. */
export function recoverAutosave(): boolean {
  const s = useApp.getState();
  const r = s.recovery;
  if (r === undefined || r.status !== 'found') return false;
  s.load(r.doc, { dirty: true });
  s.setRecovery(undefined);
  s.setStartDismissed(true);
  s.notify('info', t('status.recovered', { time: new Date(r.savedAt).toLocaleString() }));
  fitSoon();
  return true;
}

export async function discardAutosave(): Promise<void> {
  await clearAutosave();
}

/** Keeps the autosave in step with the document; called (debounced) after edits. */
export async function writeAutosave(doc: GraphDocument): Promise<void> {
  const h = getHost();
  if (h === null) return;
  const reply = await h.call('autosave.write', { doc });
  if (reply.ok) useApp.getState().setAutosavedAt(reply.result.savedAt);
  else reportError(t('actions.autosave'), reply.error);
}

export async function refreshRecent(): Promise<void> {
  const reply = await getHost()?.call('recent.list', {});
  if (reply?.ok) useApp.getState().setRecent(reply.result.files);
}
