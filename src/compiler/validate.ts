import type { GraphDocument, GraphNode } from '../graph/document';
import type { NodeId } from '../graph/ids';
import { getNodeSpec } from '../nodes/registry';
import type { PortShape } from '../nodes/types';
import type { GraphProblem } from './problems';
import { stronglyConnectedComponents } from './scc';
import { inferShapes, type Feed, type ResolvedNode } from './shapes';

/**
 * Whole-graph validation, the first compiler pass. Pure and linear in nodes + edges, so the editor
 * runs it on every change. It checks, in order: node ids, kinds and params; every edge's nodes and
 * ports; one edge per input; required inputs; cycles (each must pass through a Delay); then infers
 * shapes (`./shapes.ts`), which reports role, dtype and size mismatches.
 */

export interface GraphValidation {
  /** `${nodeId}.${port}` → shape, for every output port whose shape could be inferred. */
  readonly shapes: Map<string, PortShape>;
  /** Every problem found, in a stable order; empty for a valid graph. */
  readonly problems: GraphProblem[];
  /** The nodes in topological order, edges into Delays cut; nodes on illegal cycles are left out. */
  readonly order: NodeId[];
}

function list(names: readonly string[]): string {
  return names.length === 0 ? 'none' : names.map((n) => `"${n}"`).join(', ');
}

export function validateGraph(doc: Pick<GraphDocument, 'nodes' | 'edges'>): GraphValidation {
  const problems: GraphProblem[] = [];
  const index = new Map<NodeId, number>();
  const nodes: GraphNode[] = [];
  const resolved = new Map<NodeId, ResolvedNode>();

  // Nodes: unique ids, known kinds, valid params.
  for (const node of doc.nodes) {
    if (index.has(node.id)) {
      problems.push({ code: 'duplicate-node-id', nodeId: node.id, message: `Node id "${node.id}" is used more than once; give each node its own id` });
      continue;
    }
    index.set(node.id, nodes.length);
    nodes.push(node);
    const spec = getNodeSpec(node.type);
    if (spec === undefined) {
      problems.push({ code: 'unknown-node-type', nodeId: node.id, message: `Node "${node.id}" has the unknown type "${node.type}"; replace it with a known node kind` });
      continue;
    }
    const parsed = spec.params.safeParse(node.params);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
      problems.push({ code: 'invalid-params', nodeId: node.id, message: `${spec.type} node "${node.id}" has invalid params (${issues})` });
      continue;
    }
    resolved.set(node.id, { node, spec, params: parsed.data, ports: spec.ports(parsed.data) });
  }

  // Edges: existing nodes, existing ports in the right direction, one edge per input.
  const feeds = new Map<NodeId, Map<string, Feed>>();
  const successors: number[][] = nodes.map(() => []);
  for (const edge of doc.edges) {
    const src = index.get(edge.source.node);
    const dst = index.get(edge.target.node);
    if (src === undefined || dst === undefined) {
      const missing = src === undefined ? edge.source.node : edge.target.node;
      problems.push({ code: 'unknown-node', nodeId: missing, edgeId: edge.id, message: `Edge "${edge.id}" connects node "${missing}", which is not in the graph; delete the edge` });
      continue;
    }
    // Cycle structure: every edge between existing nodes, except edges into a cycle-closing node's
    // delayed input `in` (its `init` is read before the first step, so a cycle through it is a real one).
    if (!(getNodeSpec(nodes[dst].type)?.closesCycles && edge.target.port === 'in')) successors[src].push(dst);

    // Each end is checked on its own; a valid target end counts as connected even when the source
    // end is wrong (that is reported once, on the edge), so no missing-input follows.
    let targetOk = true;
    for (const [end, dir] of [[edge.source, 'out'], [edge.target, 'in']] as const) {
      const r = resolved.get(end.node);
      const decl = r?.ports.find((p) => p.name === end.port);
      if (r === undefined || decl?.direction === dir) {
        if (r === undefined && dir === 'in') targetOk = false; // unknown kind or invalid params: already reported
        continue;
      }
      if (dir === 'in') targetOk = false;
      const names = r.ports.filter((p) => p.direction === dir).map((p) => p.name);
      const what = dir === 'out' ? 'output' : 'input';
      const why = decl ? `"${end.port}" is an ${decl.direction === 'in' ? 'input' : 'output'}; an edge runs from an output to an input` : `it has no ${what} "${end.port}"`;
      problems.push({
        code: 'unknown-port',
        nodeId: end.node,
        port: end.port,
        edgeId: edge.id,
        message: `Edge "${edge.id}" does not fit ${r.spec.type} node "${end.node}": ${why} (its ${what}s: ${list(names)})`,
      });
    }
    if (!targetOk) continue;

    const nodeFeeds = feeds.get(edge.target.node) ?? new Map<string, Feed>();
    feeds.set(edge.target.node, nodeFeeds);
    const first = nodeFeeds.get(edge.target.port);
    if (first !== undefined) {
      problems.push({
        code: 'duplicate-input',
        nodeId: edge.target.node,
        port: edge.target.port,
        edgeId: edge.id,
        message: `Input "${edge.target.port}" of node "${edge.target.node}" is fed by edges "${first.edgeId}" and "${edge.id}"; an input takes one edge: delete one, or add an Add node`,
      });
      continue;
    }
    nodeFeeds.set(edge.target.port, { edgeId: edge.id, source: edge.source });
  }

  // Required inputs.
  for (const r of resolved.values()) {
    for (const p of r.ports) {
      if (p.direction !== 'in' || p.optional || feeds.get(r.node.id)?.has(p.name)) continue;
      problems.push({
        code: 'missing-input',
        nodeId: r.node.id,
        port: p.name,
        message: `${r.spec.type} node "${r.node.id}" needs an edge into its input "${p.name}" (${p.description})`,
      });
    }
  }

  // Cycles: a strongly connected component of more than one node, or a node feeding itself, has no Delay.
  const order: NodeId[] = [];
  const components = stronglyConnectedComponents(nodes.length, successors);
  for (let c = components.length - 1; c >= 0; c--) {
    const comp = components[c];
    const v = comp[0];
    if (comp.length === 1 && !successors[v].includes(v)) {
      order.push(nodes[v].id);
      continue;
    }
    const ids = comp.sort((a, b) => a - b).map((i) => nodes[i].id);
    problems.push({
      code: 'cycle-without-delay',
      nodeId: ids[0],
      nodes: ids,
      message: `Nodes ${list(ids)} form a cycle without a Delay, so each step's value would depend on itself; put a Delay on one edge of the cycle`,
    });
  }

  const inferred = inferShapes({ order, resolved, feeds });
  problems.push(...inferred.problems);
  return { shapes: inferred.shapes, problems, order };
}
