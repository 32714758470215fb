import type { Edit, XY } from '../../src/graph/edits';
import { newEdgeId, newNodeId } from '../../src/graph/edits';
import { getNodeSpec } from '../../src/nodes/registry';
import { useApp } from './index';

/** Edits composed from UI gestures. Each gesture is one edit, so one undo step. */

/** Adds a node of `type` at `position` (flow coordinates) and selects it. */
export function addNodeAt(type: string, position: XY): string | undefined {
  const s = useApp.getState();
  if (getNodeSpec(type) === undefined) {
    s.notify('error', `Unknown node type "${type}"`);
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
