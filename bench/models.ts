import { compile, type Plan } from '../src/compiler';
import type { Backend } from '../src/engine/backend';
import { Executor } from '../src/engine/executor';
import type { BatchFeed } from '../src/engine/feeds';
import { createOptimizer } from '../src/engine/optim';
import { Rng } from '../src/engine/rng';
import { WeightStore } from '../src/engine/weights';
import type { GraphDocument, GraphEdge, GraphNode } from '../src/graph/document';
import { edgeId, nodeId } from '../src/graph/ids';

/** The benchmark cases: a one-hot sequence into a cell, a Linear readout, cross-entropy at every step. */

export interface BenchCase {
  readonly name: string;
  readonly cell: 'LSTM' | 'GRU' | 'RNN';
  readonly B: number;
  readonly T: number;
  /** Input size (one-hot) and number of classes. */
  readonly I: number;
  readonly H: number;
  readonly C: number;
}

export const CASES: readonly BenchCase[] = [
  { name: 'LSTM B32 T32 I64 H128 C64', cell: 'LSTM', B: 32, T: 32, I: 64, H: 128, C: 64 },
  { name: 'GRU B32 T32 I64 H128 C64', cell: 'GRU', B: 32, T: 32, I: 64, H: 128, C: 64 },
  { name: 'RNN(tanh) B32 T32 I64 H256 C64', cell: 'RNN', B: 32, T: 32, I: 64, H: 256, C: 64 },
  { name: 'LSTM B1 T16 I16 H32 C16', cell: 'LSTM', B: 1, T: 16, I: 16, H: 32, C: 16 },
];

export function graphOf(c: BenchCase): Pick<GraphDocument, 'nodes' | 'edges'> {
  const node = (id: string, type: string, params: Record<string, unknown>): GraphNode => ({ id: nodeId(id), type, version: 1, position: { x: 0, y: 0 }, params });
  const edge = (i: number, from: string, to: string): GraphEdge => {
    const [sn, sp] = from.split('.');
    const [tn, tp] = to.split('.');
    return { id: edgeId(`e${i}`), source: { node: nodeId(sn), port: sp }, target: { node: nodeId(tn), port: tp } };
  };
  return {
    nodes: [
      node('x', 'Input', { role: 'sequence', size: c.I }),
      node('y', 'Input', { role: 'sequence', size: c.C, dtype: 'index' }),
      node('l0', c.cell, { hidden: c.H }),
      node('o', 'Linear', { units: c.C }),
      node('loss', 'CrossEntropy', {}),
    ],
    edges: [edge(0, 'x.out', 'l0.in'), edge(1, 'l0.h', 'o.in0'), edge(2, 'o.out', 'loss.logits'), edge(3, 'y.out', 'loss.target')],
  };
}

/** Random class ids for inputs `(B,T)` and targets `(B,T)`; the same data for every framework. */
export function dataOf(c: BenchCase, seed = 1): { xs: Int32Array; ys: Int32Array } {
  const rng = new Rng(seed);
  const xs = new Int32Array(c.B * c.T).map(() => rng.int(c.I));
  const ys = new Int32Array(c.B * c.T).map(() => rng.int(c.C));
  return { xs, ys };
}

/** One training step of Unroll (forward, cross-entropy, full BPTT, SGD) on a backend. */
export function unrollStep(c: BenchCase, backend: Backend): () => number {
  const r = compile(graphOf(c), { fused: true });
  if (!r.ok) throw new Error(`bench graph ${c.name} does not compile: ${r.problems.map((p) => p.message).join('; ')}`);
  const plan: Plan = r.plan;
  const store = WeightStore.initialise(plan, new Rng(3));
  const exec = new Executor(plan, store, backend);
  const { xs, ys } = dataOf(c);
  const x = new Float64Array(c.B * c.T * c.I);
  xs.forEach((id, i) => (x[i * c.I + id] = 1)); // one-hot (B,T,I)
  const feed: BatchFeed = { feeds: { x, y: ys }, lengths: new Int32Array(c.B).fill(c.T), T: c.T };
  const sgd = createOptimizer({ kind: 'sgd', lr: 0.01, momentum: 0 });
  const trainable = plan.params.filter((p) => p.trainable).map((p) => p.name);
  return () => {
    exec.bind(feed);
    const loss = exec.forward().total;
    const grads = exec.backward();
    sgd.step(trainable.map((name) => ({ name, param: store.get(name), grad: grads.get(name)! })));
    return loss;
  };
}
