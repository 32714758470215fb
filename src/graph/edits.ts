import { CURRENT_VERSION, FORMAT, type GraphDocument, type GraphEdge, type GraphNode, type StoredWeight } from './document';
import { deepFreeze } from './freeze';
import { registryLookup, type NodeSpecLookup } from './kinds';
import { addNode, connect, disconnect, moveNode, removeNode, setLabel, setParam } from './edit-ops';

/**
 * Edits as data. `applyEdit` is pure: it returns a new document (sharing what did not change) and
 * the edit that undoes it, or refuses with a code and a reason; the input document is never
 * changed. Every document it returns satisfies what `restore()` checks, so undo/redo and
 * save/load agree.
 */
export interface XY {
  readonly x: number;
  readonly y: number;
}
export interface PortRefInput {
  readonly node: string;
  readonly port: string;
}
/** A node to add: `params` may be partial (defaults are filled); `version` defaults to the kind's. */
export interface NewNode {
  readonly id: string;
  readonly type: string;
  readonly position: XY;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly label?: string;
  readonly version?: number;
}
export interface NewEdge {
  readonly id: string;
  readonly source: PortRefInput;
  readonly target: PortRefInput;
}

/** Adds a node (at `index` in `nodes`, default last) with the weights it owns. */
export interface AddNode {
  readonly kind: 'addNode';
  readonly node: NewNode;
  readonly index?: number;
  readonly weights?: Readonly<Record<string, StoredWeight>>;
}
/** Removes a node, every edge that touches it and its weights. */
export interface RemoveNode {
  readonly kind: 'removeNode';
  readonly id: string;
}
export interface MoveNode {
  readonly kind: 'moveNode';
  readonly id: string;
  readonly position: XY;
}
/** Adds an edge from an output port to a free input port of another node (at `index`, default last). */
export interface Connect {
  readonly kind: 'connect';
  readonly edge: NewEdge;
  readonly index?: number;
}
export interface Disconnect {
  readonly kind: 'disconnect';
  readonly id: string;
}
/** Sets one param; `value: undefined` removes it (the kind's default applies). */
export interface SetParam {
  readonly kind: 'setParam';
  readonly node: string;
  readonly name: string;
  readonly value: unknown;
}
/** Sets the display label; `undefined` removes it. */
export interface SetLabel {
  readonly kind: 'setLabel';
  readonly node: string;
  readonly label: string | undefined;
}
/** Several edits applied in order, all or nothing. */
export interface Batch {
  readonly kind: 'batch';
  readonly edits: readonly Edit[];
}
export type Edit = AddNode | RemoveNode | MoveNode | Connect | Disconnect | SetParam | SetLabel | Batch;

export type EditResult =
  | { readonly ok: true; readonly doc: GraphDocument; readonly inverse: Edit }
  | { readonly ok: false; readonly code: string; readonly message: string };

export interface EditOptions {
  /** Node kinds (default: the node registry). */
  readonly nodeSpec?: NodeSpecLookup;
}

export function applyEdit(doc: GraphDocument, edit: Edit, opts: EditOptions = {}): EditResult {
  const lookup = opts.nodeSpec ?? registryLookup;
  switch (edit.kind) {
    case 'addNode':
      return addNode(doc, edit, lookup);
    case 'removeNode':
      return removeNode(doc, edit);
    case 'moveNode':
      return moveNode(doc, edit);
    case 'connect':
      return connect(doc, edit, lookup);
    case 'disconnect':
      return disconnect(doc, edit);
    case 'setParam':
      return setParam(doc, edit, lookup);
    case 'setLabel':
      return setLabel(doc, edit);
    case 'batch': {
      let current = doc;
      const inverses: Edit[] = [];
      for (let i = 0; i < edit.edits.length; i++) {
        const sub = edit.edits[i]!;
        const r = applyEdit(current, sub, opts);
        if (!r.ok) return { ok: false, code: r.code, message: `edit ${i + 1} of ${edit.edits.length} (${sub.kind}): ${r.message}` };
        current = r.doc;
        inverses.push(r.inverse);
      }
      return { ok: true, doc: current, inverse: { kind: 'batch', edits: inverses.reverse() } };
    }
    default: {
      const unknownKind: unknown = (edit as { kind?: unknown }).kind;
      return { ok: false, code: 'unknown-edit', message: `unknown edit kind ${JSON.stringify(unknownKind)}` };
    }
  }
}

function idBase(type: string): string {
  let base = type.toLowerCase().replace(/[^a-z0-9_-]/g, '');
  if (!/^[a-z_]/.test(base)) base = `n${base}`;
  return base.slice(0, 54);
}

/** A fresh, readable node id for a node of `type`: `linear1`, `linear2`, … */
export function newNodeId(doc: GraphDocument, type: string): string {
  const used = new Set<string>(doc.nodes.map((n) => n.id));
  const base = idBase(type);
  for (let n = 1; ; n++) if (!used.has(`${base}${n}`)) return `${base}${n}`;
}

/** A fresh edge id: `e1`, `e2`, … */
export function newEdgeId(doc: GraphDocument): string {
  const used = new Set<string>(doc.edges.map((e) => e.id));
  for (let n = 1; ; n++) if (!used.has(`e${n}`)) return `e${n}`;
}

/** An empty document named `name` (cut to the 200 characters the format allows). */
export function createDocument(name: string): GraphDocument {
  return deepFreeze({ format: FORMAT, version: CURRENT_VERSION, meta: { name: name.slice(0, 200) }, nodes: [] as GraphNode[], edges: [] as GraphEdge[] });
}
