import type { StateCreator } from 'zustand';
import { applyEdit, createDocument, type Edit } from '../../src/graph/edits';
import type { GraphDocument } from '../../src/graph/document';
import type { AppState } from './index';

/** How many steps undo remembers. */
export const HISTORY_LIMIT = 500;

/**
 * The document slice: the open GraphDocument and its history. The document changes only through
 * `applyEdit` (here, in `edit`, `undo` and `redo`) or is replaced whole by `load`, which clears the
 * history. Each history entry is the edit that takes the document one step back (or forward).
 */
export interface DocumentSlice {
  doc: GraphDocument;
  /** Edits that undo, most recent last. */
  past: Edit[];
  /** Edits that redo, most recent last. */
  future: Edit[];
  /** Applies an edit; a refused edit changes nothing and its message goes to the status bar. */
  edit(edit: Edit): boolean;
  undo(): boolean;
  redo(): boolean;
  /** Replaces the document (opened, or a new one), forgetting the history. */
  load(doc: GraphDocument): void;
}

const trim = (stack: Edit[]): Edit[] => (stack.length > HISTORY_LIMIT ? stack.slice(stack.length - HISTORY_LIMIT) : stack);

export const createDocumentSlice: StateCreator<AppState, [], [], DocumentSlice> = (set, get) => ({
  doc: createDocument('Untitled'),
  past: [],
  future: [],
  edit(edit) {
    const r = applyEdit(get().doc, edit);
    if (!r.ok) {
      get().notify('error', r.message, r.code);
      return false;
    }
    set((s) => ({ doc: r.doc, past: trim([...s.past, r.inverse]), future: [] }));
    return true;
  },
  undo() {
    const { past, doc } = get();
    const step = past[past.length - 1];
    if (step === undefined) return false;
    const r = applyEdit(doc, step);
    if (!r.ok) {
      get().notify('error', `Cannot undo: ${r.message}`, r.code);
      return false;
    }
    set((s) => ({ doc: r.doc, past: s.past.slice(0, -1), future: [...s.future, r.inverse] }));
    return true;
  },
  redo() {
    const { future, doc } = get();
    const step = future[future.length - 1];
    if (step === undefined) return false;
    const r = applyEdit(doc, step);
    if (!r.ok) {
      get().notify('error', `Cannot redo: ${r.message}`, r.code);
      return false;
    }
    set((s) => ({ doc: r.doc, future: s.future.slice(0, -1), past: trim([...s.past, r.inverse]) }));
    return true;
  },
  load(doc) {
    set({ doc, past: [], future: [], selectedNodes: [], selectedEdges: [], dragging: {} });
  },
});
