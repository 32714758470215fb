import type { GraphDocument, TrainingConfig } from '../../../src/graph/document';
import { GraphBuilder } from '../compiler/graph-builder';

/** Small graphs and configs for the session tests (fast: hidden sizes of a few units). */

export type Doc = Pick<GraphDocument, 'nodes' | 'edges' | 'training'>;

/** x (2) → cell → LastStep → Linear(1) → MSE against y (1): the adding problem's n→1 shape. */
export function addingDoc(cell: 'RNN' | 'LSTM' | 'GRU', training: Partial<TrainingConfig> = {}, cellParams: Record<string, unknown> = {}): Doc {
  const g = new GraphBuilder()
    .node('x', 'Input', { role: 'sequence', size: 2 })
    .node('y', 'Input', { role: 'vector', size: 1 })
    .node('cell', cell, { hidden: 4, ...cellParams })
    .node('last', 'LastStep')
    .node('out', 'Linear', { units: 1 })
    .node('loss', 'MSE')
    .edge('x.out', 'cell.in')
    .edge('cell.h', 'last.in')
    .edge('last.out', 'out.in0')
    .edge('out.out', 'loss.prediction')
    .edge('y.out', 'loss.target');
  return {
    ...g.doc(),
    training: { task: 'adding', taskParams: { T: 8 }, optimizer: { kind: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 }, batchSize: 4, steps: 20, seed: 7, backend: 'reference', ...training },
  };
}

/** Per-step regression without recurrence: x (1) → Linear(1) → MSE against y (1), n→n. */
export function perStepDoc(training: Partial<TrainingConfig> = {}): Doc {
  const g = new GraphBuilder()
    .node('x', 'Input', { role: 'sequence', size: 1 })
    .node('y', 'Input', { role: 'sequence', size: 1 })
    .node('lin', 'Linear', { units: 1 })
    .node('loss', 'MSE')
    .edge('x.out', 'lin.in0')
    .edge('lin.out', 'loss.prediction')
    .edge('y.out', 'loss.target');
  return { ...g.doc(), training: { optimizer: { kind: 'sgd', lr: 0.1, momentum: 0 }, batchSize: 2, steps: 5, seed: 1, backend: 'reference', ...training } };
}

/** A fake clock: each call advances by `tick` ms. */
export function fakeClock(tick: number): () => number {
  let t = 0;
  return () => (t += tick);
}
