import dagre from '@dagrejs/dagre';
import type { GraphDocument } from '../../src/graph/document';
import type { Edit, XY } from '../../src/graph/edits';
import { getNodeSpec } from '../../src/nodes/registry';

export interface Size {
  readonly width: number;
  readonly height: number;
}

/** A node's size before React Flow has measured it. */
export const DEFAULT_NODE_SIZE: Size = { width: 170, height: 90 };

/**
 * Auto-layout: dagre ranks the nodes left to right along the edges. An edge out of a node that
 * closes cycles (a Delay) is laid out backwards, so a recurrence reads as a loop under the cell
 * rather than stretching the chain. The graph keeps its top-left corner. All moves are one batch
 * edit (one undo step); undefined when nothing would move.
 */
export function layoutEdit(doc: GraphDocument, sizes: ReadonlyMap<string, Size>, opts: { rankSep?: number; nodeSep?: number } = {}): Edit | undefined {
  if (doc.nodes.length === 0) return undefined;
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', ranksep: opts.rankSep ?? 70, nodesep: opts.nodeSep ?? 40, marginx: 0, marginy: 0 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of doc.nodes) {
    const size = sizes.get(n.id) ?? DEFAULT_NODE_SIZE;
    g.setNode(n.id, { width: size.width, height: size.height });
  }
  const ids = new Set<string>(doc.nodes.map((n) => n.id));
  const typeOf = new Map<string, string>(doc.nodes.map((n) => [n.id, n.type]));
  for (const e of doc.edges) {
    if (!ids.has(e.source.node) || !ids.has(e.target.node)) continue;
    const backwards = getNodeSpec(typeOf.get(e.source.node) ?? '')?.closesCycles === true;
    if (backwards) g.setEdge(e.target.node, e.source.node, {}, e.id);
    else g.setEdge(e.source.node, e.target.node, {}, e.id);
  }
  dagre.layout(g);
  const placed = new Map<string, XY>();
  for (const n of doc.nodes) {
    const p = g.node(n.id) as { x: number; y: number; width: number; height: number };
    placed.set(n.id, { x: p.x - p.width / 2, y: p.y - p.height / 2 });
  }
  const minOf = (xs: number[]): number => xs.reduce((a, b) => Math.min(a, b), Infinity);
  const anchor = { x: minOf(doc.nodes.map((n) => n.position.x)), y: minOf(doc.nodes.map((n) => n.position.y)) };
  const origin = { x: minOf([...placed.values()].map((p) => p.x)), y: minOf([...placed.values()].map((p) => p.y)) };
  const edits: Edit[] = [];
  for (const n of doc.nodes) {
    const p = placed.get(n.id)!;
    const position = { x: Math.round(p.x - origin.x + anchor.x), y: Math.round(p.y - origin.y + anchor.y) };
    if (position.x !== n.position.x || position.y !== n.position.y) edits.push({ kind: 'moveNode', id: n.id, position });
  }
  return edits.length === 0 ? undefined : { kind: 'batch', edits };
}
