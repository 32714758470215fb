import type { GraphDocument, GraphEdge, GraphNode, StoredWeight } from '../../src/graph/document';
import { newEdgeId, newNodeId, type Edit, type XY } from '../../src/graph/edits';

/**
 * Copy and paste as pure functions of the document. A clip holds copied nodes, the edges among them
 * (edges to nodes left behind are dropped) and their weights. Pasting gives every node a fresh id
 * (`newNodeId`), rewires the inner edges to the new ids, and is one `batch` edit: one undo step.
 */
export interface Clip {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  /** Weights of the copied nodes, by their original names (`<nodeId>.<param>`). */
  readonly weights: Readonly<Record<string, StoredWeight>>;
}

/** The nodes `ids` of `doc` (in document order) with the edges among them; undefined when none exist. */
export function copyNodes(doc: GraphDocument, ids: readonly string[]): Clip | undefined {
  const wanted = new Set(ids);
  const nodes = doc.nodes.filter((n) => wanted.has(n.id));
  if (nodes.length === 0) return undefined;
  const kept = new Set<string>(nodes.map((n) => n.id));
  const edges = doc.edges.filter((e) => kept.has(e.source.node) && kept.has(e.target.node));
  const weights: Record<string, StoredWeight> = {};
  for (const [name, w] of Object.entries(doc.weights ?? {})) {
    if (kept.has(name.slice(0, name.indexOf('.')))) weights[name] = w;
  }
  return { nodes, edges, weights };
}

/** The clip's nodes and edges as one batch edit adding them to `doc`, moved by `offset`; and the new node ids. */
export function pasteEdit(doc: GraphDocument, clip: Clip, offset: XY): { edit: Edit; ids: string[] } {
  // A stand-in document that grows as ids are handed out, so each new id is fresh among all of them.
  const scratch = { ...doc, nodes: doc.nodes.slice(), edges: doc.edges.slice() };
  const renamed = new Map<string, string>();
  const edits: Edit[] = [];
  for (const node of clip.nodes) {
    const id = newNodeId(scratch, node.type);
    renamed.set(node.id, id);
    scratch.nodes.push({ ...node, id: id as GraphNode['id'] });
    const weights: Record<string, StoredWeight> = {};
    for (const [name, w] of Object.entries(clip.weights)) {
      if (name.startsWith(`${node.id}.`)) weights[`${id}${name.slice(node.id.length)}`] = w;
    }
    edits.push({
      kind: 'addNode',
      node: { id, type: node.type, version: node.version, position: { x: node.position.x + offset.x, y: node.position.y + offset.y }, params: node.params, ...(node.label === undefined ? {} : { label: node.label }) },
      ...(Object.keys(weights).length > 0 ? { weights } : {}),
    });
  }
  for (const edge of clip.edges) {
    const source = renamed.get(edge.source.node);
    const target = renamed.get(edge.target.node);
    if (source === undefined || target === undefined) continue;
    const id = newEdgeId(scratch);
    scratch.edges.push({ ...edge, id: id as GraphEdge['id'] });
    edits.push({ kind: 'connect', edge: { id, source: { node: source, port: edge.source.port }, target: { node: target, port: edge.target.port } } });
  }
  return { edit: { kind: 'batch', edits }, ids: [...renamed.values()] };
}

/** The whole document as a clip (importing a graph into another). */
export function wholeDocument(doc: GraphDocument): Clip {
  return { nodes: doc.nodes, edges: doc.edges, weights: doc.weights ?? {} };
}

/** The offset that puts a clip's top-left corner `gap` to the right of everything in `doc`, top-aligned. */
export function besideOffset(doc: GraphDocument, clip: Clip, gap = 240): XY {
  if (doc.nodes.length === 0 || clip.nodes.length === 0) return { x: 0, y: 0 };
  const right = Math.max(...doc.nodes.map((n) => n.position.x));
  const top = Math.min(...doc.nodes.map((n) => n.position.y));
  const left = Math.min(...clip.nodes.map((n) => n.position.x));
  const clipTop = Math.min(...clip.nodes.map((n) => n.position.y));
  return { x: right + gap - left, y: top - clipTop };
}
