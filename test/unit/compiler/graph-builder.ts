import type { GraphDocument, GraphEdge, GraphNode } from '../../../src/graph/document';
import { edgeId, nodeId } from '../../../src/graph/ids';

/** Builds the nodes and edges of a document for compiler tests: `.node(id, type, params)`, `.edge('a.out', 'b.in0')`. */
export class GraphBuilder {
  readonly nodes: GraphNode[] = [];
  readonly edges: GraphEdge[] = [];

  node(id: string, type: string, params: Record<string, unknown> = {}): this {
    this.nodes.push({ id: nodeId(id), type, version: 1, position: { x: 0, y: 0 }, params });
    return this;
  }

  edge(from: string, to: string, id = `e${this.edges.length}`): this {
    const [sn, sp] = from.split('.');
    const [tn, tp] = to.split('.');
    this.edges.push({ id: edgeId(id), source: { node: nodeId(sn), port: sp }, target: { node: nodeId(tn), port: tp } });
    return this;
  }

  doc(): Pick<GraphDocument, 'nodes' | 'edges'> {
    return { nodes: this.nodes, edges: this.edges };
  }
}

/**
 * An Elman RNN from gates: `h_t = tanh(b + U x_t + W h_{t−1})`, logits `V h_t + c`, cross-entropy
 * against class ids. Input size 3, hidden 5, 4 classes. With `delay: false` the recurrent edge
 * skips the Delay (an illegal cycle).
 */
export function elman({ delay = true } = {}): GraphBuilder {
  const g = new GraphBuilder()
    .node('x', 'Input', { role: 'sequence', size: 3 })
    .node('y', 'Input', { role: 'sequence', size: 4, dtype: 'index' })
    .node('a', 'Linear', { inputs: 2, units: 5 })
    .node('h', 'Tanh')
    .node('o', 'Linear', { units: 4 })
    .node('loss', 'CrossEntropy')
    .edge('x.out', 'a.in0')
    .edge('a.out', 'h.in')
    .edge('h.out', 'o.in0')
    .edge('o.out', 'loss.logits')
    .edge('y.out', 'loss.target');
  if (delay) g.node('d', 'Delay', { size: 5 }).edge('h.out', 'd.in').edge('d.out', 'a.in1');
  else g.edge('h.out', 'a.in1');
  return g;
}
