import type { NodeSpec, PortDecl } from '../nodes/types';
import { GraphEdgeSchema, GraphNodeSchema, WeightNameSchema, WeightSchema } from './document';
import { parseNodeParams, portNames, portsOf, unknownTypeMessage, type NodeSpecLookup } from './kinds';
import { formatPath, type Problem, type ProblemList } from './problems';
import { checkWeight } from './weights';

/**
 * The document-level checks `restore()` runs after the schema: unique ids, edges that reference
 * existing nodes and ports in the right direction, one edge per input port, known node kinds with
 * valid params, and weights that belong to a node and decode to finite values of the right size.
 * Each node, edge and weight that passes its own schema is checked, so one pass reports every
 * problem. Wiring semantics (shapes, cycles) are the compiler's.
 */
export interface NodeResolution {
  readonly spec: NodeSpec<any>;
  /** Parsed params of the kind's current version, defaults filled. */
  readonly params: Record<string, unknown>;
  readonly ports: readonly PortDecl[];
}

export interface CheckOutput {
  /** For each node index whose kind and params are valid. */
  readonly resolved: ReadonlyMap<number, NodeResolution>;
  readonly warnings: Problem[];
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function checkDocument(tree: Record<string, unknown>, lookup: NodeSpecLookup, problems: ProblemList): CheckOutput {
  const resolved = new Map<number, NodeResolution>();
  const warnings: Problem[] = [];
  const nodeIndex = new Map<string, number>();

  const rawNodes = Array.isArray(tree.nodes) ? tree.nodes : [];
  rawNodes.forEach((raw, i) => {
    // Every id names a node, even one with other problems, so that its edges are not reported as dangling.
    const id = isPlainObject(raw) ? raw.id : undefined;
    if (typeof id !== 'string') return;
    const first = nodeIndex.get(id);
    if (first !== undefined) problems.add(['nodes', i, 'id'], 'duplicate-node-id', `node id "${id}" is already used by ${formatPath(['nodes', first])}; node ids must be unique`);
    else nodeIndex.set(id, i);
  });
  rawNodes.forEach((raw, i) => {
    const r = GraphNodeSchema.safeParse(raw);
    if (!r.success) return; // the document schema has reported it
    const node = r.data;
    const spec = lookup(node.type);
    if (!spec) {
      problems.add(['nodes', i, 'type'], 'unknown-node-type', `node "${node.id}": ${unknownTypeMessage(node.type, lookup)}`);
      return;
    }
    const params = parseNodeParams(spec, node.version, node.params, ['nodes', i], problems);
    if (!params) return;
    if (node.version < spec.version) {
      warnings.push({ path: formatPath(['nodes', i, 'version']), code: 'node-migrated', message: `node "${node.id}" (${spec.type}) was upgraded from params version ${node.version} to ${spec.version}` });
    }
    const ports = portsOf(spec, params);
    if (!ports) {
      problems.add(['nodes', i, 'params'], 'ports-failed', `node "${node.id}" (${spec.type}): its ports cannot be listed for these params`);
      return;
    }
    resolved.set(i, { spec, params, ports });
  });

  const edgeIndex = new Map<string, number>();
  const occupied = new Map<string, number>();
  const rawEdges = Array.isArray(tree.edges) ? tree.edges : [];
  rawEdges.forEach((raw, j) => {
    const r = GraphEdgeSchema.safeParse(raw);
    if (!r.success) return;
    const edge = r.data;
    const firstEdge = edgeIndex.get(edge.id);
    if (firstEdge !== undefined) problems.add(['edges', j, 'id'], 'duplicate-edge-id', `edge id "${edge.id}" is already used by ${formatPath(['edges', firstEdge])}; edge ids must be unique`);
    else edgeIndex.set(edge.id, j);
    for (const end of ['source', 'target'] as const) {
      const ref = edge[end];
      const want = end === 'source' ? 'out' : 'in';
      const ni = nodeIndex.get(ref.node);
      if (ni === undefined) {
        problems.add(['edges', j, end, 'node'], 'edge-unknown-node', `edge "${edge.id}": its ${end} names node "${ref.node}", which does not exist`);
        continue;
      }
      const res = resolved.get(ni);
      if (!res) continue; // the node's own problem is reported
      const port = res.ports.find((p) => p.name === ref.port && p.direction === want);
      if (port) continue;
      const other = res.ports.find((p) => p.name === ref.port);
      const what = want === 'out' ? 'output' : 'input';
      if (other) {
        problems.add(['edges', j, end, 'port'], 'port-direction', `edge "${edge.id}": port "${ref.port}" of node "${ref.node}" is an ${other.direction === 'in' ? 'input' : 'output'}, but an edge's ${end} must be an ${what}`);
      } else {
        problems.add(['edges', j, end, 'port'], 'unknown-port', `edge "${edge.id}": node "${ref.node}" (${res.spec.type}) has no ${what} port "${ref.port}"; its ${what}s are: ${portNames(res.ports, want)}`);
      }
    }
    if (nodeIndex.has(edge.target.node)) {
      const key = `${edge.target.node}\u0000${edge.target.port}`;
      const prev = occupied.get(key);
      if (prev !== undefined) {
        problems.add(['edges', j, 'target'], 'input-port-occupied', `edge "${edge.id}": input "${edge.target.port}" of node "${edge.target.node}" already has an edge (${formatPath(['edges', prev])}); an input port takes one edge`);
      } else occupied.set(key, j);
    }
  });

  if (isPlainObject(tree.weights)) {
    for (const [name, raw] of Object.entries(tree.weights)) {
      if (!WeightNameSchema.safeParse(name).success) continue;
      const owner = name.slice(0, name.indexOf('.'));
      if (!nodeIndex.has(owner)) problems.add(['weights', name], 'weight-unknown-node', `weight "${name}" belongs to node "${owner}", which does not exist`);
      const w = WeightSchema.safeParse(raw);
      if (!w.success) continue;
      const c = checkWeight(w.data);
      if (!c.ok) problems.add(['weights', name, 'data'], c.code, `weight "${name}": ${c.message}`);
    }
  }
  return { resolved, warnings };
}
