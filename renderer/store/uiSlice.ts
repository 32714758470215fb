import type { StateCreator } from 'zustand';
import type { XY } from '../../src/graph/edits';
import type { AutosaveReadResult, DocumentProblem, RecentFile } from '../../src/protocol';
import type { Clip } from './clipboard';
import type { AppState } from './index';

export type MessageLevel = 'info' | 'warning' | 'error';

export interface Message {
  readonly id: number;
  readonly level: MessageLevel;
  readonly text: string;
  /** The code of a refused edit or a host error, when there is one. */
  readonly code?: string;
}

/** The modal dialog on screen, if any. `confirm` and `prompt` resolve their promise when closed. */
export type Dialog =
  | { readonly kind: 'problems'; readonly title: string; readonly intro: string; readonly problems: readonly DocumentProblem[] }
  | { readonly kind: 'confirm'; readonly title: string; readonly body: string; readonly confirm: string; resolve(ok: boolean): void }
  | { readonly kind: 'prompt'; readonly title: string; readonly body: string; readonly value: string; readonly confirm: string; resolve(value: string | undefined): void }
  | { readonly kind: 'shortcuts' }
  | { readonly kind: 'about' };

/** What the host knows at start: an autosave to recover, and recent files. */
export type Recovery = Exclude<AutosaveReadResult, { status: 'none' }>;

/** How many messages the status bar keeps. */
const MESSAGE_LIMIT = 50;

/**
 * The UI slice: what is selected, the clipboard, the theme, status-bar messages, the open dialog, the
 * start page, and node positions while a drag is in progress (recorded in the document as one
 * MoveNode edit per node when the drag ends).
 */
export interface UiSlice {
  selectedNodes: string[];
  selectedEdges: string[];
  theme: 'light' | 'dark';
  messages: Message[];
  /** Positions of nodes being dragged, by node id. */
  dragging: Record<string, XY>;
  /** Copied nodes (with their inner edges and weights). */
  clipboard: Clip | undefined;
  /** Pastes since the last copy: each one lands a little further along. */
  pasteCount: number;
  dialog: Dialog | undefined;
  /** The start page was put away for the current (empty) document. */
  startDismissed: boolean;
  /** An autosave found at start (or its problems), until recovered or discarded. */
  recovery: Recovery | undefined;
  recent: readonly RecentFile[];
  /** When the host last wrote the autosave (ISO time). */
  autosavedAt: string | undefined;
  select(nodes: string[], edges: string[]): void;
  setTheme(theme: 'light' | 'dark'): void;
  notify(level: MessageLevel, text: string, code?: string): void;
  dismiss(id: number): void;
  setDragging(positions: Record<string, XY>): void;
  setClipboard(clip: Clip | undefined): void;
  showDialog(dialog: Dialog | undefined): void;
  setStartDismissed(dismissed: boolean): void;
  setRecovery(recovery: Recovery | undefined): void;
  setRecent(files: readonly RecentFile[]): void;
  setAutosavedAt(at: string | undefined): void;
}

let nextMessageId = 1;

export const createUiSlice: StateCreator<AppState, [], [], UiSlice> = (set) => ({
  selectedNodes: [],
  selectedEdges: [],
  theme: 'light',
  messages: [],
  dragging: {},
  clipboard: undefined,
  pasteCount: 0,
  dialog: undefined,
  startDismissed: false,
  recovery: undefined,
  recent: [],
  autosavedAt: undefined,
  select(nodes, edges) {
    set({ selectedNodes: nodes, selectedEdges: edges });
  },
  setTheme(theme) {
    set({ theme });
  },
  notify(level, text, code) {
    const message: Message = code === undefined ? { id: nextMessageId++, level, text } : { id: nextMessageId++, level, text, code };
    set((s) => ({ messages: [...s.messages.slice(-(MESSAGE_LIMIT - 1)), message] }));
  },
  dismiss(id) {
    set((s) => ({ messages: s.messages.filter((m) => m.id !== id) }));
  },
  setDragging(positions) {
    set({ dragging: positions });
  },
  setClipboard(clip) {
    set({ clipboard: clip, pasteCount: 0 });
  },
  showDialog(dialog) {
    set({ dialog });
  },
  setStartDismissed(dismissed) {
    set({ startDismissed: dismissed });
  },
  setRecovery(recovery) {
    set({ recovery });
  },
  setRecent(files) {
    set({ recent: files });
  },
  setAutosavedAt(at) {
    set({ autosavedAt: at });
  },
});
