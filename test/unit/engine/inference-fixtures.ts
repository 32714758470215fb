import { readFileSync } from 'node:fs';
import type { GraphDocument } from '../../../src/graph/document';
import { restore } from '../../../src/graph/restore';
import { GraphBuilder } from '../compiler/graph-builder';

/** Documents the inference tests run: the examples as files, an encoder–decoder built here. */

/** An example of `examples/`, restored. */
export function exampleDoc(id: string): GraphDocument {
  const r = restore(JSON.parse(readFileSync(new URL(`../../../examples/${id}.unroll.json`, import.meta.url), 'utf8')));
  if (!r.ok) throw new Error(`${id} does not restore: ${r.problems.map((p) => p.message).join('; ')}`);
  return r.doc;
}

/**
 * The reverse task over K = 3 symbols (A, B, C) as an encoder–decoder with additive attention:
 * x ids (3) → OneHot → GRU → LastStep → decoder h0 and s_prev.init; y_in ids (K + 2 = 5: the
 * symbols, end, start) → OneHot ⊕ attention context → decoder GRU → Linear (K + 1 = 4) → CE ← y.
 */
export function reverseDoc(): GraphDocument {
  const g = new GraphBuilder()
    .node('x', 'Input', { role: 'sequence', size: 3, dtype: 'index' })
    .node('y_in', 'Input', { role: 'sequence', size: 5, dtype: 'index', axis: 'target' })
    .node('y', 'Input', { role: 'sequence', size: 4, dtype: 'index', axis: 'target' })
    .node('src_oh', 'OneHot', { classes: 3 })
    .node('enc', 'GRU', { hidden: 6 })
    .node('last', 'LastStep')
    .node('tgt_oh', 'OneHot', { classes: 5 })
    .node('s_prev', 'Delay', { size: 6 })
    .node('attn', 'Attention', { score: 'additive', attnSize: 4 })
    .node('cat', 'Concat', { inputs: 2 })
    .node('dec', 'GRU', { hidden: 6 })
    .node('out', 'Linear', { units: 4 })
    .node('loss', 'CrossEntropy')
    .edge('x.out', 'src_oh.index')
    .edge('src_oh.out', 'enc.in')
    .edge('enc.h', 'last.in')
    .edge('last.out', 'dec.h0')
    .edge('last.out', 's_prev.init')
    .edge('enc.h', 'attn.memory')
    .edge('dec.h', 's_prev.in')
    .edge('s_prev.out', 'attn.query')
    .edge('y_in.out', 'tgt_oh.index')
    .edge('tgt_oh.out', 'cat.in0')
    .edge('attn.context', 'cat.in1')
    .edge('cat.out', 'dec.in')
    .edge('dec.h', 'out.in0')
    .edge('out.out', 'loss.logits')
    .edge('y.out', 'loss.target');
  const doc = {
    format: 'unroll.graph',
    version: 1,
    meta: { name: 'reverse' },
    ...g.doc(),
    training: { task: 'reverse', taskParams: { symbols: 3, minLength: 2, maxLength: 4 }, optimizer: { kind: 'adam', lr: 0.02 }, batchSize: 16, steps: 10, seed: 5 },
  };
  const r = restore(doc);
  if (!r.ok) throw new Error(`reverseDoc does not restore: ${r.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  return r.doc;
}
