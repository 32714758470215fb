import { compile, type CompileOptions, type Plan } from '../../../src/compiler';
import { Executor } from '../../../src/engine/executor';
import type { BatchFeed, FeedArray } from '../../../src/engine/feeds';
import { Rng } from '../../../src/engine/rng';
import { WeightStore } from '../../../src/engine/weights';
import { GraphBuilder } from '../compiler/graph-builder';

/** Graphs, batches and a whole-graph finite-difference check for the executor and BPTT tests. */

export function planOf(g: GraphBuilder, options: CompileOptions = {}): Plan {
  const r = compile(g.doc(), options);
  if (!r.ok) throw new Error(`compile failed: ${r.problems.map((p) => p.message).join('; ')}`);
  return r.plan;
}

/** Elman RNN from gates: x (3) → a = Linear(x, d) → h = tanh → d = Delay(h); o = Linear(h) (4 classes) → CE. */
export function elmanGraph(reduction = 'sumTimeMeanBatch'): GraphBuilder {
  return new GraphBuilder()
    .node('x', 'Input', { role: 'sequence', size: 3 })
    .node('y', 'Input', { role: 'sequence', size: 4, dtype: 'index' })
    .node('a', 'Linear', { inputs: 2, units: 5 })
    .node('h', 'Tanh')
    .node('d', 'Delay', { size: 5 })
    .node('o', 'Linear', { units: 4 })
    .node('loss', 'CrossEntropy', { reduction })
    .edge('x.out', 'a.in0')
    .edge('d.out', 'a.in1')
    .edge('a.out', 'h.in')
    .edge('h.out', 'd.in')
    .edge('h.out', 'o.in0')
    .edge('o.out', 'loss.logits')
    .edge('y.out', 'loss.target');
}

/** n→1 classifier: x (inputSize) → RNN (hidden) → LastStep → Linear (2 classes) → CE against y (vector ids). */
export function lastStepClassifier(inputSize: number, hidden: number): GraphBuilder {
  return new GraphBuilder()
    .node('x', 'Input', { role: 'sequence', size: inputSize })
    .node('y', 'Input', { role: 'vector', size: 2, dtype: 'index' })
    .node('rnn', 'RNN', { hidden })
    .node('last', 'LastStep')
    .node('o', 'Linear', { units: 2 })
    .node('loss', 'CrossEntropy')
    .edge('x.out', 'rnn.in')
    .edge('rnn.h', 'last.in')
    .edge('last.out', 'o.in0')
    .edge('o.out', 'loss.logits')
    .edge('y.out', 'loss.target');
}

/**
 * A GRU-like cell from gates (input 2, hidden 3), with a learned initial state, regressing a
 * 2-vector per step with MSE: z = σ(Lz(x, h')), r = σ(Lr(x, h')), ĥ = tanh(Lh(x, r⊙h')),
 * h = z⊙h' + (1−z)⊙ĥ, h' = Delay(h).
 */
export function gatedGraph(): GraphBuilder {
  return new GraphBuilder()
    .node('x', 'Input', { role: 'sequence', size: 2 })
    .node('y', 'Input', { role: 'sequence', size: 2 })
    .node('hp', 'Delay', { size: 3, init: 'learned' })
    .node('lz', 'Linear', { inputs: 2, units: 3 })
    .node('z', 'Sigmoid')
    .node('lr', 'Linear', { inputs: 2, units: 3 })
    .node('r', 'Sigmoid')
    .node('rh', 'Multiply')
    .node('lh', 'Linear', { inputs: 2, units: 3 })
    .node('hc', 'Tanh')
    .node('zh', 'Multiply')
    .node('omz', 'OneMinus')
    .node('nh', 'Multiply')
    .node('h', 'Add')
    .node('o', 'Linear', { units: 2 })
    .node('loss', 'MSE')
    .edge('x.out', 'lz.in0')
    .edge('hp.out', 'lz.in1')
    .edge('lz.out', 'z.in')
    .edge('x.out', 'lr.in0')
    .edge('hp.out', 'lr.in1')
    .edge('lr.out', 'r.in')
    .edge('r.out', 'rh.in0')
    .edge('hp.out', 'rh.in1')
    .edge('x.out', 'lh.in0')
    .edge('rh.out', 'lh.in1')
    .edge('lh.out', 'hc.in')
    .edge('z.out', 'zh.in0')
    .edge('hp.out', 'zh.in1')
    .edge('z.out', 'omz.in')
    .edge('omz.out', 'nh.in0')
    .edge('hc.out', 'nh.in1')
    .edge('zh.out', 'h.in0')
    .edge('nh.out', 'h.in1')
    .edge('h.out', 'hp.in')
    .edge('h.out', 'o.in0')
    .edge('o.out', 'loss.prediction')
    .edge('y.out', 'loss.target');
}

/**
 * An encoder–decoder over token ids with additive attention: x ids (`source`) → OneHot → GRU `enc`
 * (`hidden`) → LastStep → the decoder's h0 and the query Delay's init; y_in ids (`decoderIds`, target
 * axis) → OneHot ⊕ the attention context → GRU `dec` → Linear (`classes`) → CE against y (target axis).
 */
export function tokenSeq2seq(sizes: { readonly source: number; readonly decoderIds: number; readonly classes: number; readonly hidden: number; readonly attnSize: number }): GraphBuilder {
  return new GraphBuilder()
    .node('x', 'Input', { role: 'sequence', size: sizes.source, dtype: 'index' })
    .node('y_in', 'Input', { role: 'sequence', size: sizes.decoderIds, dtype: 'index', axis: 'target' })
    .node('y', 'Input', { role: 'sequence', size: sizes.classes, dtype: 'index', axis: 'target' })
    .node('src_oh', 'OneHot', { classes: sizes.source })
    .node('enc', 'GRU', { hidden: sizes.hidden })
    .node('last', 'LastStep')
    .node('tgt_oh', 'OneHot', { classes: sizes.decoderIds })
    .node('s_prev', 'Delay', { size: sizes.hidden })
    .node('attn', 'Attention', { score: 'additive', attnSize: sizes.attnSize })
    .node('cat', 'Concat', { inputs: 2 })
    .node('dec', 'GRU', { hidden: sizes.hidden })
    .node('out', 'Linear', { units: sizes.classes })
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
}

/** Random data for every Input of `plan`: reals uniform in [−1, 1], ids uniform over the classes. */
export function randomFeed(plan: Plan, lengths: readonly number[], T: number, seed = 7, target?: { readonly lengths: readonly number[]; readonly T: number }): BatchFeed {
  const rng = new Rng(seed);
  const B = lengths.length;
  const feeds: Record<string, FeedArray> = {};
  for (const input of plan.inputs) {
    const steps = input.axis === 1 ? (target?.T ?? T) : T;
    const rows = input.role === 'sequence' ? B * steps : B;
    if (input.dtype === 'index') {
      const ids = new Int32Array(rows);
      for (let i = 0; i < rows; i++) ids[i] = rng.int(input.size);
      feeds[input.node] = ids;
    } else {
      const v = new Float64Array(rows * input.size);
      for (let i = 0; i < v.length; i++) v[i] = rng.range(-1, 1);
      feeds[input.node] = v;
    }
  }
  return { feeds, lengths: Int32Array.from(lengths), T, ...(target !== undefined ? { target: { T: target.T, lengths: Int32Array.from(target.lengths) } } : {}) };
}

/** Initialised weights, then every value moved by U(−0.5, 0.5) so that biases and h0 are not zero. */
export function randomWeights(plan: Plan, seed = 3): WeightStore {
  const store = WeightStore.initialise(plan, new Rng(seed));
  const rng = new Rng(seed + 1);
  for (const name of store.names()) {
    const w = store.get(name);
    for (let i = 0; i < w.length; i++) w[i] += rng.range(-0.5, 0.5);
  }
  return store;
}

/** Full-BPTT loss of the bound batch at the current weights. */
export function lossAt(exec: Executor): number {
  return exec.forward().total;
}

/**
 * Largest error of the executor's gradient against central differences of the loss, over every
 * weight element: `|a − n| / max(|a|, |n|, 1e-6)`.
 */
export function gradcheckPlan(plan: Plan, feed: BatchFeed, seed = 3, h = 1e-5): { worst: number; where: string; checked: number } {
  const store = randomWeights(plan, seed);
  const exec = new Executor(plan, store);
  exec.bind(feed);
  exec.forward();
  const grads = new Map([...exec.backward()].map(([k, v]) => [k, v.slice()]));
  let worst = 0;
  let where = '';
  let checked = 0;
  for (const name of store.names()) {
    const w = store.get(name);
    for (let i = 0; i < w.length; i++) {
      const keep = w[i];
      w[i] = keep + h;
      const plus = lossAt(exec);
      w[i] = keep - h;
      const minus = lossAt(exec);
      w[i] = keep;
      const numeric = (plus - minus) / (2 * h);
      const analytic = grads.get(name)![i];
      const err = Math.abs(analytic - numeric) / Math.max(Math.abs(analytic), Math.abs(numeric), 1e-6);
      checked++;
      if (err > worst) {
        worst = err;
        where = `${name}[${i}]: analytic ${analytic}, numeric ${numeric}`;
      }
    }
  }
  return { worst, where, checked };
}
