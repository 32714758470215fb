import type { Edit, XY } from '../../src/graph/edits';
import { newEdgeId, newNodeId } from '../../src/graph/edits';
import { getNodeSpec } from '../../src/nodes/registry';
import { t } from '../i18n';
import { copyNodes, pasteEdit, type Clip } from './clipboard';
import { layoutEdit, type Size } from './layout';
import type { EditOutcome } from './documentSlice';
import { useApp } from './index';

/** Edits composed from UI gestures. Each gesture is one edit, so one undo step. */

/** How far each paste lands from the copied nodes (flow units). */
export const PASTE_OFFSET: XY = { x: 40, y: 40 };

/** Adds a node of `type` at `position` (flow coordinates) and selects it. */
export function addNodeAt(type: string, position: XY): string | undefined {
  const s = useApp.getState();
  if (getNodeSpec(type) === undefined) {
    s.notify('error', t('status.unknownType', { type }));
    return undefined;
  }
  const id = newNodeId(s.doc, type);
  const rounded = { x: Math.round(position.x), y: Math.round(position.y) };
  if (!s.edit({ kind: 'addNode', node: { id, type, position: rounded } })) return undefined;
  s.select([id], []);
  return id;
}

/** Connects an output port to an input port. */
export function connectPorts(source: string, sourcePort: string, target: string, targetPort: string): boolean {
  const s = useApp.getState();
  return s.edit({ kind: 'connect', edge: { id: newEdgeId(s.doc), source: { node: source, port: sourcePort }, target: { node: target, port: targetPort } } });
}

/** Sets one param of a node; a refusal comes back (for the inspector to show beside the field), not to the status bar. */
export function setParam(node: string, name: string, value: unknown): EditOutcome {
  const s = useApp.getState();
  const current = s.doc.nodes.find((n) => n.id === node)?.params[name];
  if (JSON.stringify(current) === JSON.stringify(value)) return { ok: true };
  return s.apply({ kind: 'setParam', node, name, value });
}

/** Sets (or, when blank, removes) a node's label. */
export function setLabel(node: string, label: string): EditOutcome {
  const s = useApp.getState();
  const next = label.trim() === '' ? undefined : label;
  if (s.doc.nodes.find((n) => n.id === node)?.label === next) return { ok: true };
  return s.apply({ kind: 'setLabel', node, label: next });
}

/** Deletes the selected nodes (with their edges) and the selected edges, as one step. */
export function deleteSelection(): boolean {
  const s = useApp.getState();
  const nodes = new Set(s.selectedNodes.filter((id) => s.doc.nodes.some((n) => n.id === id)));
  const edges = s.doc.edges.filter((e) => s.selectedEdges.includes(e.id) && !nodes.has(e.source.node) && !nodes.has(e.target.node));
  const edits: Edit[] = [...edges.map((e): Edit => ({ kind: 'disconnect', id: e.id })), ...[...nodes].map((id): Edit => ({ kind: 'removeNode', id }))];
  if (edits.length === 0) return false;
  const done = s.edit(edits.length === 1 ? edits[0]! : { kind: 'batch', edits });
  if (done) s.select([], []);
  return done;
}

/** Records the end of a drag: one MoveNode per moved node, as one step. */
export function commitDrag(): void {
  const s = useApp.getState();
  const moves: Edit[] = [];
  for (const [id, p] of Object.entries(s.dragging)) {
    const node = s.doc.nodes.find((n) => n.id === id);
    const position = { x: Math.round(p.x), y: Math.round(p.y) };
    if (node !== undefined && (node.position.x !== position.x || node.position.y !== position.y)) moves.push({ kind: 'moveNode', id, position });
  }
  if (moves.length > 0) s.edit(moves.length === 1 ? moves[0]! : { kind: 'batch', edits: moves });
  s.setDragging({});
}

/** Copies the selected nodes (and the edges among them) to the clipboard. */
export function copySelection(): Clip | undefined {
  const s = useApp.getState();
  const clip = copyNodes(s.doc, s.selectedNodes);
  if (clip === undefined) {
    s.notify('info', t('status.nothingSelected'));
    return undefined;
  }
  s.setClipboard(clip);
  s.notify('info', t('status.copied', { count: clip.nodes.length }));
  return clip;
}

/** Copies the selection, then deletes it (one undo step: the delete). */
export function cutSelection(): boolean {
  return copySelection() !== undefined && deleteSelection();
}

/** Adds a clip's nodes as one step, moved by `offset`, and selects them. */
export function pasteClip(clip: Clip, offset: XY): string[] | undefined {
  const s = useApp.getState();
  const { edit, ids } = pasteEdit(s.doc, clip, offset);
  if (!s.edit(edit)) return undefined;
  s.select(ids, []);
  return ids;
}

/** Pastes the clipboard, each paste a step further from the copied nodes. */
export function paste(): string[] | undefined {
  const s = useApp.getState();
  if (s.clipboard === undefined) {
    s.notify('info', t('status.clipboardEmpty'));
    return undefined;
  }
  const k = s.pasteCount + 1;
  const ids = pasteClip(s.clipboard, { x: PASTE_OFFSET.x * k, y: PASTE_OFFSET.y * k });
  if (ids !== undefined) useApp.setState({ pasteCount: k });
  return ids;
}

/** Copies and pastes the selection in one go, leaving the clipboard as it was. */
export function duplicateSelection(): string[] | undefined {
  const s = useApp.getState();
  const clip = copyNodes(s.doc, s.selectedNodes);
  if (clip === undefined) {
    s.notify('info', t('status.nothingSelected'));
    return undefined;
  }
  return pasteClip(clip, PASTE_OFFSET);
}

export function selectAll(): void {
  const s = useApp.getState();
  s.select(
    s.doc.nodes.map((n) => n.id),
    s.doc.edges.map((e) => e.id),
  );
}

/** Arranges the graph with dagre as one step (sizes: React Flow's measured node sizes). */
export function autoLayout(sizes: ReadonlyMap<string, Size>): boolean {
  const s = useApp.getState();
  const edit = layoutEdit(s.doc, sizes);
  if (edit === undefined) return false;
  const done = s.edit(edit);
  if (done) s.notify('info', t('status.laidOut', { count: s.doc.nodes.length }));
  return done;
}
