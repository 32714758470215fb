import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GraphDocument, TrainingConfig } from '../../../src/graph/document';
import { restore } from '../../../src/graph/restore';
import { GraphBuilder } from '../compiler/graph-builder';

/** Small encoder–decoder graphs for the n→m tests. */

export type Doc = Pick<GraphDocument, 'nodes' | 'edges' | 'training'>;

/** The example graph `examples/seq2seq-attention-reverse.unroll.json`, restored. */
export function reverseExample(): GraphDocument {
  const r = restore(readFileSync(join(__dirname, '..', '..', '..', 'examples', 'seq2seq-attention-reverse.unroll.json'), 'utf8'));
  if (!r.ok) throw new Error(r.problems.map((p) => p.message).join('; '));
  return r.doc;
}

export interface EncDecIds {
  readonly x?: string;
  readonly y?: string;
  readonly yIn?: string;
  /** Loss reduction (default sumTimeMeanBatch). */
  readonly reduction?: 'sumTimeMeanBatch' | 'meanValidSteps';
  /** K of the reverse task the sizes are made for (default 3). */
  readonly K?: number;
}

/**
 * A GRU encoder (4) → GRU decoder (4) with additive attention for the reverse task with K symbols:
 * source ids (K) → OneHot → enc; decoder inputs (K + 2, target axis) → OneHot, with the context →
 * Concat → dec → Linear (K + 1) → CE ← target ids (K + 1, target axis). Input ids are configurable.
 */
export function encDecDoc(ids: EncDecIds = {}, training: Partial<TrainingConfig> = {}): Doc {
  const { x = 'x', y = 'y', yIn = 'y_in', reduction = 'sumTimeMeanBatch', K = 3 } = ids;
  const g = new GraphBuilder()
    .node(x, 'Input', { role: 'sequence', size: K, dtype: 'index' })
    .node('x_oh', 'OneHot', { classes: K })
    .node(yIn, 'Input', { role: 'sequence', size: K + 2, dtype: 'index', axis: 'target' })
    .node('y_in_oh', 'OneHot', { classes: K + 2 })
    .node(y, 'Input', { role: 'sequence', size: K + 1, dtype: 'index', axis: 'target' })
    .node('enc', 'GRU', { hidden: 4 })
    .node('last', 'LastStep')
    .node('s_prev', 'Delay', { size: 4 })
    .node('attn', 'Attention', { score: 'additive', attnSize: 3 })
    .node('cat', 'Concat', { inputs: 2 })
    .node('dec', 'GRU', { hidden: 4 })
    .node('out', 'Linear', { units: K + 1 })
    .node('loss', 'CrossEntropy', { reduction })
    .edge(`${x}.out`, 'x_oh.index')
    .edge('x_oh.out', 'enc.in')
    .edge('enc.h', 'attn.memory')
    .edge('enc.h', 'last.in')
    .edge('last.out', 'dec.h0')
    .edge('last.out', 's_prev.init')
    .edge('dec.h', 's_prev.in')
    .edge('s_prev.out', 'attn.query')
    .edge(`${yIn}.out`, 'y_in_oh.index')
    .edge('y_in_oh.out', 'cat.in0')
    .edge('attn.context', 'cat.in1')
    .edge('cat.out', 'dec.in')
    .edge('dec.h', 'out.in0')
    .edge('out.out', 'loss.logits')
    .edge(`${y}.out`, 'loss.target');
  return {
    ...g.doc(),
    training: {
      task: 'reverse',
      taskParams: { symbols: K, minLength: 2, maxLength: 5 },
      optimizer: { kind: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
      batchSize: 4,
      steps: 3,
      seed: 3,
      backend: 'reference',
      ...training,
    },
  };
}
