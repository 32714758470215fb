import type { PortDecl } from '../nodes/types';
import { GraphNodeSchema, WeightNameSchema, WeightSchema, type GraphDocument, type GraphEdge, type GraphNode, type StoredWeight } from './document';
import type { AddNode, Connect, Disconnect, Edit, EditResult, MoveNode, NewNode, RemoveNode, SetLabel, SetParam, XY } from './edits';
import { deepFreeze } from './freeze';
import { isValidId, type EdgeId, type NodeId, type WeightName } from './ids';
import { parseParamsForEdit, portNames, portsOf, unknownTypeMessage, type NodeSpecLookup } from './kinds';
import { checkWeight } from './weights';

/** The individual edits behind `applyEdit` (see `./edits`). Each returns new objects only. */

const MAX_NODES = 10000;
const MAX_EDGES = 50000;
const MAX_LABEL = 200;

type Refusal = { readonly ok: false; readonly code: string; readonly message: string };
const refuse = (code: string, message: string): Refusal => ({ ok: false, code, message });
const done = (doc: GraphDocument, inverse: Edit): EditResult => ({ ok: true, doc: Object.freeze(doc), inverse });

function withNodes(doc: GraphDocument, nodes: GraphNode[], extra: Partial<GraphDocument> = {}): GraphDocument {
  return { ...doc, nodes: Object.freeze(nodes) as GraphNode[], ...extra };
}

function replaceNode(doc: GraphDocument, index: number, node: GraphNode): GraphDocument {
  const nodes = doc.nodes.slice();
  nodes[index] = deepFreeze(node);
  return withNodes(doc, nodes);
}

const isXY = (p: XY | undefined): p is XY => typeof p === 'object' && p !== null && Number.isFinite(p.x) && Number.isFinite(p.y);

function findNode(doc: GraphDocument, id: string): number {
  return doc.nodes.findIndex((n) => n.id === id);
}

function asNewNode(node: GraphNode): NewNode {
  return { id: node.id, type: node.type, version: node.version, position: node.position, params: node.params, ...(node.label !== undefined ? { label: node.label } : {}) };
}

/** The ports of a node in `doc`, or a refusal naming why they are unknown. */
function nodePorts(doc: GraphDocument, id: string, lookup: NodeSpecLookup): { ports: readonly PortDecl[]; node: GraphNode } | Refusal {
  const i = findNode(doc, id);
  if (i < 0) return refuse('unknown-node', `there is no node "${id}"`);
  const node = doc.nodes[i]!;
  const spec = lookup(node.type);
  if (!spec) return refuse('unknown-node-type', `node "${id}": ${unknownTypeMessage(node.type, lookup)}`);
  const ports = portsOf(spec, node.params);
  if (!ports) return refuse('invalid-param', `node "${id}" (${node.type}): its ports cannot be listed for its params`);
  return { ports, node };
}

function checkNewWeights(id: string, weights: Readonly<Record<string, StoredWeight>>, doc: GraphDocument): Refusal | { ok: true; weights: Record<string, StoredWeight> } {
  const out: Record<string, StoredWeight> = {};
  for (const [name, w] of Object.entries(weights)) {
    if (!WeightNameSchema.safeParse(name).success || !name.startsWith(`${id}.`)) return refuse('invalid-weight', `weight "${name}" must be named "${id}.<param>"`);
    if (doc.weights && Object.hasOwn(doc.weights, name)) return refuse('duplicate-id', `weight "${name}" already exists`);
    const parsed = WeightSchema.safeParse(w);
    if (!parsed.success) return refuse('invalid-weight', `weight "${name}" is not a stored weight: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    const c = checkWeight(parsed.data);
    if (!c.ok) return refuse('invalid-weight', `weight "${name}": ${c.message}`);
    out[name] = deepFreeze({ shape: [...parsed.data.shape], dtype: parsed.data.dtype, data: parsed.data.data });
  }
  return { ok: true, weights: out };
}

export function addNode(doc: GraphDocument, edit: AddNode, lookup: NodeSpecLookup): EditResult {
  const n = edit.node;
  if (typeof n.id !== 'string' || !isValidId(n.id)) return refuse('invalid-id', `node id ${JSON.stringify(n.id)} is not valid: use a letter or _, then letters, digits, _ or - (at most 64)`);
  if (findNode(doc, n.id) >= 0) return refuse('duplicate-id', `a node "${n.id}" already exists`);
  if (doc.nodes.length >= MAX_NODES) return refuse('too-many-nodes', `a document holds at most ${MAX_NODES} nodes`);
  const spec = lookup(n.type);
  if (!spec) return refuse('unknown-node-type', unknownTypeMessage(n.type, lookup));
  if (n.version !== undefined && n.version !== spec.version) return refuse('node-version', `${n.type} params are at version ${spec.version}, not ${n.version}; open older documents with restore(), which migrates them`);
  if (!isXY(n.position)) return refuse('invalid-position', 'a node position needs finite x and y');
  if (n.label !== undefined && (typeof n.label !== 'string' || n.label.length > MAX_LABEL)) return refuse('invalid-label', `a label is a string of at most ${MAX_LABEL} characters`);
  const parsed = parseParamsForEdit(spec, { ...n.params });
  if (!parsed.ok) return refuse(parsed.code, `node "${n.id}": ${parsed.message}`);
  if (!portsOf(spec, parsed.params)) return refuse('invalid-param', `node "${n.id}" (${n.type}): its ports cannot be listed for these params`);
  const index = edit.index ?? doc.nodes.length;
  if (!Number.isInteger(index) || index < 0 || index > doc.nodes.length) return refuse('invalid-index', `index ${index} is outside 0..${doc.nodes.length}`);
  const node = { id: n.id as NodeId, type: n.type, version: spec.version, ...(n.label !== undefined ? { label: n.label } : {}), position: { x: n.position.x, y: n.position.y }, params: parsed.params };
  if (!GraphNodeSchema.safeParse(node).success) return refuse('invalid-node', `node "${n.id}" does not fit the document format`);
  let weights = doc.weights;
  if (edit.weights && Object.keys(edit.weights).length > 0) {
    const checked = checkNewWeights(n.id, edit.weights, doc);
    if (!checked.ok) return checked;
    weights = Object.freeze({ ...doc.weights, ...checked.weights });
  }
  const nodes = doc.nodes.slice();
  nodes.splice(index, 0, deepFreeze(node));
  return done(withNodes(doc, nodes, weights !== doc.weights ? { weights } : {}), { kind: 'removeNode', id: n.id });
}

export function removeNode(doc: GraphDocument, edit: RemoveNode): EditResult {
  const i = findNode(doc, edit.id);
  if (i < 0) return refuse('unknown-node', `there is no node "${edit.id}"`);
  const node = doc.nodes[i]!;
  const touching: { edge: GraphEdge; index: number }[] = [];
  doc.edges.forEach((edge, index) => {
    if (edge.source.node === edit.id || edge.target.node === edit.id) touching.push({ edge, index });
  });
  const prefix = `${edit.id}.`;
  const owned = Object.entries(doc.weights ?? {}).filter(([name]) => name.startsWith(prefix));
  const nodes = doc.nodes.slice();
  nodes.splice(i, 1);
  const extra: Partial<GraphDocument> = {};
  if (touching.length > 0) extra.edges = Object.freeze(doc.edges.filter((e) => e.source.node !== edit.id && e.target.node !== edit.id)) as GraphEdge[];
  if (owned.length > 0) extra.weights = Object.freeze(Object.fromEntries(Object.entries(doc.weights ?? {}).filter(([name]) => !name.startsWith(prefix)))) as Record<WeightName, StoredWeight>;
  const restoreNode: AddNode = { kind: 'addNode', node: asNewNode(node), index: i, ...(owned.length > 0 ? { weights: Object.fromEntries(owned) } : {}) };
  const inverse: Edit = touching.length === 0 ? restoreNode : { kind: 'batch', edits: [restoreNode, ...touching.map(({ edge, index }): Connect => ({ kind: 'connect', edge, index }))] };
  return done(withNodes(doc, nodes, extra), inverse);
}

export function moveNode(doc: GraphDocument, edit: MoveNode): EditResult {
  const i = findNode(doc, edit.id);
  if (i < 0) return refuse('unknown-node', `there is no node "${edit.id}"`);
  if (!isXY(edit.position)) return refuse('invalid-position', 'a node position needs finite x and y');
  const node = doc.nodes[i]!;
  return done(replaceNode(doc, i, { ...node, position: { x: edit.position.x, y: edit.position.y } }), { kind: 'moveNode', id: edit.id, position: node.position });
}

export function connect(doc: GraphDocument, edit: Connect, lookup: NodeSpecLookup): EditResult {
  const { id, source, target } = edit.edge;
  if (typeof id !== 'string' || !isValidId(id)) return refuse('invalid-id', `edge id ${JSON.stringify(id)} is not valid: use a letter or _, then letters, digits, _ or - (at most 64)`);
  if (doc.edges.some((e) => e.id === id)) return refuse('duplicate-id', `an edge "${id}" already exists`);
  if (doc.edges.length >= MAX_EDGES) return refuse('too-many-edges', `a document holds at most ${MAX_EDGES} edges`);
  if (source.node === target.node) return refuse('self-loop', `edge "${id}" would connect node "${source.node}" to itself; close a loop through a Delay node`);
  const ends = { source: nodePorts(doc, source.node, lookup), target: nodePorts(doc, target.node, lookup) };
  for (const end of ['source', 'target'] as const) {
    const r = ends[end];
    if ('ok' in r) return r;
    const ref = edit.edge[end];
    const want = end === 'source' ? 'out' : 'in';
    const port = r.ports.find((p) => p.name === ref.port);
    const what = want === 'out' ? 'output' : 'input';
    if (!port) return refuse('unknown-port', `node "${ref.node}" (${r.node.type}) has no port "${ref.port}"; its ${what}s are: ${portNames(r.ports, want)}`);
    if (port.direction !== want) {
      return refuse('port-direction', `"${ref.port}" of node "${ref.node}" is an ${port.direction === 'in' ? 'input' : 'output'}; an edge goes from an output to an input`);
    }
  }
  const taken = doc.edges.find((e) => e.target.node === target.node && e.target.port === target.port);
  if (taken) return refuse('port-occupied', `input "${target.port}" of node "${target.node}" already has edge "${taken.id}"; disconnect it first`);
  const index = edit.index ?? doc.edges.length;
  if (!Number.isInteger(index) || index < 0 || index > doc.edges.length) return refuse('invalid-index', `index ${index} is outside 0..${doc.edges.length}`);
  const edge = deepFreeze({ id: id as EdgeId, source: { node: source.node as NodeId, port: source.port }, target: { node: target.node as NodeId, port: target.port } });
  const edges = doc.edges.slice();
  edges.splice(index, 0, edge);
  return done({ ...doc, edges: Object.freeze(edges) as GraphEdge[] }, { kind: 'disconnect', id });
}

export function disconnect(doc: GraphDocument, edit: Disconnect): EditResult {
  const index = doc.edges.findIndex((e) => e.id === edit.id);
  if (index < 0) return refuse('unknown-edge', `there is no edge "${edit.id}"`);
  const edges = doc.edges.slice();
  const [edge] = edges.splice(index, 1);
  return done({ ...doc, edges: Object.freeze(edges) as GraphEdge[] }, { kind: 'connect', edge: edge!, index });
}

export function setParam(doc: GraphDocument, edit: SetParam, lookup: NodeSpecLookup): EditResult {
  const i = findNode(doc, edit.node);
  if (i < 0) return refuse('unknown-node', `there is no node "${edit.node}"`);
  const node = doc.nodes[i]!;
  const spec = lookup(node.type);
  if (!spec) return refuse('unknown-node-type', `node "${node.id}": ${unknownTypeMessage(node.type, lookup)}`);
  let defaults: Record<string, unknown> = {};
  try {
    defaults = spec.params.parse({}) as Record<string, unknown>;
  } catch {
    // every param of a kind has a default; the node's own params name the rest
  }
  const known = new Set([...Object.keys(defaults), ...Object.keys(node.params)]);
  if (!known.has(edit.name)) return refuse('unknown-param', `${node.type} has no param "${edit.name}"; its params are: ${[...known].join(', ') || '(none)'}`);
  const next: Record<string, unknown> = { ...node.params };
  if (edit.value === undefined) delete next[edit.name];
  else next[edit.name] = edit.value;
  const parsed = parseParamsForEdit(spec, next);
  if (!parsed.ok) return refuse(parsed.code, `node "${node.id}": ${parsed.message}`);
  const ports = portsOf(spec, parsed.params);
  if (!ports) return refuse('invalid-param', `node "${node.id}" (${node.type}): its ports cannot be listed with ${edit.name} = ${JSON.stringify(edit.value)}`);
  for (const e of doc.edges) {
    for (const end of ['source', 'target'] as const) {
      const ref = e[end];
      if (ref.node !== node.id) continue;
      if (!ports.some((p) => p.name === ref.port && p.direction === (end === 'source' ? 'out' : 'in'))) {
        return refuse('port-in-use', `edge "${e.id}" uses port "${ref.port}" of node "${node.id}", which it would no longer have with ${edit.name} = ${JSON.stringify(edit.value)}; disconnect it first`);
      }
    }
  }
  return done(replaceNode(doc, i, { ...node, params: parsed.params }), { kind: 'setParam', node: edit.node, name: edit.name, value: node.params[edit.name] });
}

export function setLabel(doc: GraphDocument, edit: SetLabel): EditResult {
  const i = findNode(doc, edit.node);
  if (i < 0) return refuse('unknown-node', `there is no node "${edit.node}"`);
  if (edit.label !== undefined && (typeof edit.label !== 'string' || edit.label.length > MAX_LABEL)) return refuse('invalid-label', `a label is a string of at most ${MAX_LABEL} characters`);
  const node = doc.nodes[i]!;
  const { label: old, ...rest } = node;
  const next: GraphNode = edit.label === undefined ? rest : { ...rest, label: edit.label };
  return done(replaceNode(doc, i, next), { kind: 'setLabel', node: edit.node, label: old });
}
