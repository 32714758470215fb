import type { StateCreator } from 'zustand';
import type { XY } from '../../src/graph/edits';
import type { AppState } from './index';

export type MessageLevel = 'info' | 'warning' | 'error';

export interface Message {
  readonly id: number;
  readonly level: MessageLevel;
  readonly text: string;
  /** The code of a refused edit or a host error, when there is one. */
  readonly code?: string;
}

/** How many messages the status bar keeps. */
const MESSAGE_LIMIT = 50;

/**
 * The UI slice: what is selected, the theme, status-bar messages, and node positions while a drag is
 * in progress (recorded in the document as one MoveNode edit per node when the drag ends).
 */
export interface UiSlice {
  selectedNodes: string[];
  selectedEdges: string[];
  theme: 'light' | 'dark';
  messages: Message[];
  /** Positions of nodes being dragged, by node id. */
  dragging: Record<string, XY>;
  select(nodes: string[], edges: string[]): void;
  setTheme(theme: 'light' | 'dark'): void;
  notify(level: MessageLevel, text: string, code?: string): void;
  dismiss(id: number): void;
  setDragging(positions: Record<string, XY>): void;
}

let nextMessageId = 1;

export const createUiSlice: StateCreator<AppState, [], [], UiSlice> = (set) => ({
  selectedNodes: [],
  selectedEdges: [],
  theme: 'light',
  messages: [],
  dragging: {},
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
});
