import { create } from 'zustand';
import { createDocumentSlice, type DocumentSlice } from './documentSlice';
import { createUiSlice, type UiSlice } from './uiSlice';

/** The app's store: a document slice (changed only through edits) and a UI slice. */
export type AppState = DocumentSlice & UiSlice;

export const useApp = create<AppState>()((...a) => ({
  ...createDocumentSlice(...a),
  ...createUiSlice(...a),
}));
