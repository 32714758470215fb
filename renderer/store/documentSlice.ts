import type { StateCreator } from 'zustand';
import { applyEdit, createDocument, type Edit } from '../../src/graph/edits';
import type { GraphDocument } from '../../src/graph/document';
import { t } from '../i18n';
import type { AppState } from './index';

/** How many steps undo remembers. */
export const HISTORY_LIMIT = 500;

/** The trained parts of a document: what "Keep trained weights" replaces, as one undo step. */
export interface TrainedParts {
  readonly training: GraphDocument['training'];
  readonly weights: GraphDocument['weights'];
}

/**
 * One step of the history and the revision it leads to: an edit, or a swap of the document's
 * training config and weights (the nodes and edges stay, so the swap back always fits).
 */
export type HistoryEntry = { readonly edit: Edit; readonly rev: number } | { readonly swap: TrainedParts; readonly rev: number };

function withParts(doc: GraphDocument, parts: TrainedParts): GraphDocument {
  const { training: _t, weights: _w, ...rest } = doc;
  return { ...rest, ...(parts.training === undefined ? {} : { training: parts.training }), ...(parts.weights === undefined ? {} : { weights: parts.weights }) };
}

/** Takes one history step on `doc`: the new document and the entry that goes back. */
function step(doc: GraphDocument, entry: HistoryEntry, rev: number): { ok: true; doc: GraphDocument; inverse: HistoryEntry } | { ok: false; code: string; message: string } {
  if ('swap' in entry) return { ok: true, doc: withParts(doc, entry.swap), inverse: { swap: { training: doc.training, weights: doc.weights }, rev } };
  const r = applyEdit(doc, entry.edit);
  return r.ok ? { ok: true, doc: r.doc, inverse: { edit: r.inverse, rev } } : r;
}

/** Where the open document lives: a file name (both hosts) and, in Electron, its path. */
export interface DocumentFile {
  readonly fileName?: string;
  readonly path?: string;
}

export type EditOutcome = { readonly ok: true } | { readonly ok: false; readonly code: string; readonly message: string };

/**
 * The document slice: the open GraphDocument and its history. The document changes only through
 * `applyEdit` (here, in `apply`, `undo` and `redo`) or is replaced whole by `load`, which clears the
 * history. Each history entry is the edit that takes the document one step back (or forward).
 * Every state of the document has a revision number; undoing returns to the earlier number, so
 * "unsaved changes" is exactly `rev !== savedRev`, even after undoing back to the saved state.
 */
export interface DocumentSlice {
  doc: GraphDocument;
  /** Edits that undo, most recent last. */
  past: HistoryEntry[];
  /** Edits that redo, most recent last. */
  future: HistoryEntry[];
  rev: number;
  /** The revision last saved (or opened); the document is dirty when `rev` differs. */
  savedRev: number;
  file: DocumentFile;
  /** Applies an edit; a refused edit changes nothing and says why (nothing is reported). */
  apply(edit: Edit): EditOutcome;
  /** Applies an edit; a refused edit changes nothing and its message goes to the status bar. */
  edit(edit: Edit): boolean;
  undo(): boolean;
  redo(): boolean;
  /** Replaces the document (opened, recovered, or a new one), forgetting the history. */
  load(doc: GraphDocument, opts?: { file?: DocumentFile; dirty?: boolean }): void;
  /**
   * Replaces the document's training config and weights (trained weights kept from a session) as
   * one undoable step; the document becomes unsaved. The caller checks that they fit the graph.
   */
  replaceTrained(parts: TrainedParts): void;
  /** Records that the current revision is saved (to `file`, when given). */
  markSaved(file?: DocumentFile): void;
}

let nextRev = 1;
const trim = (stack: HistoryEntry[]): HistoryEntry[] => (stack.length > HISTORY_LIMIT ? stack.slice(stack.length - HISTORY_LIMIT) : stack);

export const createDocumentSlice: StateCreator<AppState, [], [], DocumentSlice> = (set, get) => ({
  doc: createDocument(t('app.untitled')),
  past: [],
  future: [],
  rev: 0,
  savedRev: 0,
  file: {},
  apply(edit) {
    const r = applyEdit(get().doc, edit);
    if (!r.ok) return { ok: false, code: r.code, message: r.message };
    const rev = nextRev++;
    set((s) => ({ doc: r.doc, rev, past: trim([...s.past, { edit: r.inverse, rev: s.rev }]), future: [] }));
    return { ok: true };
  },
  edit(edit) {
    const r = get().apply(edit);
    if (!r.ok) get().notify('error', r.message, r.code);
    return r.ok;
  },
  undo() {
    const { past, doc, rev } = get();
    const entry = past[past.length - 1];
    if (entry === undefined) return false;
    const r = step(doc, entry, rev);
    if (!r.ok) {
      get().notify('error', t('status.cannotUndo', { message: r.message }), r.code);
      return false;
    }
    set((s) => ({ doc: r.doc, rev: entry.rev, past: s.past.slice(0, -1), future: [...s.future, r.inverse] }));
    return true;
  },
  redo() {
    const { future, doc, rev } = get();
    const entry = future[future.length - 1];
    if (entry === undefined) return false;
    const r = step(doc, entry, rev);
    if (!r.ok) {
      get().notify('error', t('status.cannotRedo', { message: r.message }), r.code);
      return false;
    }
    set((s) => ({ doc: r.doc, rev: entry.rev, future: s.future.slice(0, -1), past: trim([...s.past, r.inverse]) }));
    return true;
  },
  replaceTrained(parts) {
    const rev = nextRev++;
    set((s) => ({ doc: withParts(s.doc, parts), rev, past: trim([...s.past, { swap: { training: s.doc.training, weights: s.doc.weights }, rev: s.rev }]), future: [] }));
  },
  load(doc, opts = {}) {
    const rev = nextRev++;
    set({ doc, rev, savedRev: opts.dirty === true ? -1 : rev, file: opts.file ?? {}, past: [], future: [], selectedNodes: [], selectedEdges: [], dragging: {}, pasteCount: 0 });
  },
  markSaved(file) {
    set((s) => ({ savedRev: s.rev, file: file ?? s.file }));
  },
});

/** True when the open document has changes that are not saved. */
export const selectDirty = (s: Pick<DocumentSlice, 'rev' | 'savedRev'>): boolean => s.rev !== s.savedRev;
