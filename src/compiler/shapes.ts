import type { GraphNode, PortRef } from '../graph/document';
import type { EdgeId, NodeId } from '../graph/ids';
import type { NodeSpec, PortDecl, PortShape } from '../nodes/types';
import type { GraphProblem } from './problems';

/**
 * Shape inference, the pass after validation's structural checks. Nodes are visited once, in
 * topological order of the graph with the edges into cycle-closing nodes (Delay) cut. A Delay's
 * output shape comes from its own `size` param, so it is known before its input, which may lie
 * downstream inside the recurrence; its input is checked against it after the pass. A node whose
 * input is unknown (unconnected, on an illegal cycle, or after an error) gets unknown outputs and
 * no further error, so one mistake is reported once.
 */

/** A node whose kind and params are valid. */
export interface ResolvedNode {
  readonly node: GraphNode;
  readonly spec: NodeSpec<any>;
  readonly params: unknown;
  readonly ports: readonly PortDecl[];
}

/** The edge that feeds an input port. */
export interface Feed {
  readonly edgeId: EdgeId;
  readonly source: PortRef;
}

export interface ShapePassInput {
  /** Topological order (cycle-closing edges cut); nodes on illegal cycles are left out. */
  readonly order: readonly NodeId[];
  readonly resolved: ReadonlyMap<NodeId, ResolvedNode>;
  /** Per node, per input port: the one edge that feeds it. */
  readonly feeds: ReadonlyMap<NodeId, ReadonlyMap<string, Feed>>;
}

export interface ShapePassResult {
  /** `${nodeId}.${port}` → shape, for every output port whose shape is known. */
  readonly shapes: Map<string, PortShape>;
  readonly problems: GraphProblem[];
}

export function portKey(node: string, port: string): string {
  return `${node}.${port}`;
}

export function inferShapes({ order, resolved, feeds }: ShapePassInput): ShapePassResult {
  const shapes = new Map<string, PortShape>();
  const problems: GraphProblem[] = [];

  const inputsOf = (id: NodeId): Record<string, PortShape | undefined> => {
    const inputs: Record<string, PortShape | undefined> = {};
    for (const [port, feed] of feeds.get(id) ?? []) inputs[port] = shapes.get(portKey(feed.source.node, feed.source.port));
    return inputs;
  };

  const apply = (r: ResolvedNode, inputs: Record<string, PortShape | undefined>, record: boolean): void => {
    const result = r.spec.shape(r.params, inputs);
    if (!result.ok) {
      const feed = feeds.get(r.node.id)?.get(result.port);
      problems.push({
        code: result.code,
        nodeId: r.node.id,
        port: result.port,
        ...(feed ? { edgeId: feed.edgeId } : {}),
        message: `${r.spec.type} node "${r.node.id}": ${result.message}`,
      });
      return;
    }
    if (!record) return;
    for (const [port, shape] of Object.entries(result.outputs)) shapes.set(portKey(r.node.id, port), shape);
  };

  const closing: ResolvedNode[] = [];
  for (const id of order) {
    const r = resolved.get(id);
    if (r === undefined) continue;
    if (r.spec.closesCycles) {
      // Output from params alone; the input is checked once everything upstream of it is known.
      closing.push(r);
      apply(r, {}, true);
    } else {
      apply(r, inputsOf(id), true);
    }
  }
  for (const r of closing) apply(r, inputsOf(r.node.id), false);
  return { shapes, problems };
}
