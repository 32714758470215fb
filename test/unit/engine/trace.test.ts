import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../src/compiler/plan';
import { Executor } from '../../../src/engine/executor';
import type { BatchFeed } from '../../../src/engine/feeds';
import { Rng } from '../../../src/engine/rng';
import { traceBatch } from '../../../src/engine/trace';
import type { WeightStore } from '../../../src/engine/weights';
import { GraphBuilder } from '../compiler/graph-builder';
import { elmanGraph, lastStepClassifier, planOf, randomFeed, randomWeights } from './executor-fixtures';

/** ‖x_t‖ over the batch of a batch-major `[B,T,w]` array, the way a test computes it. */
function normAt(data: Float64Array, B: number, T: number, w: number, t: number): number {
  let s = 0;
  for (let b = 0; b < B; b++) for (let j = 0; j < w; j++) s += data[(b * T + t) * w + j] ** 2;
  return Math.sqrt(s);
}

function reference(plan: Plan, weights: WeightStore, feed: BatchFeed): Executor {
  const exec = new Executor(plan, weights);
  exec.bind(feed);
  exec.forward();
  exec.backward(0);
  return exec;
}

describe('traceBatch', () => {
  it('gives per-step value and gradient norms equal to exec.value / exec.gradient (Elman from gates, masked lengths)', () => {
    const g = elmanGraph();
    const plan = planOf(g);
    const weights = randomWeights(plan);
    const feed = randomFeed(plan, [5, 3, 4], 5);
    const trace = traceBatch(plan, g.doc(), weights, feed, { lead: 2, sample: 1 });
    const exec = reference(plan, weights, feed);
    expect(trace.T).toBe(5);
    expect(trace.targetT).toBe(0);
    expect(trace.B).toBe(3);
    expect(Array.from(trace.lengths)).toEqual([5, 3, 4]);
    expect(trace.loss).toBeCloseTo(exec.forward().total, 12);
    expect(trace.ports.map((p) => `${p.node}.${p.port}`).sort()).toEqual(['a.out', 'd.out', 'h.out', 'o.out', 'x.out', 'y.out']);
    for (const p of trace.ports.filter((q) => q.dtype === 'real')) {
      const v = exec.value(p.value).data;
      const gr = exec.gradient(p.value).data;
      expect(p.norms).toHaveLength(5);
      for (let t = 0; t < 5; t++) {
        expect(p.norms[t]).toBeCloseTo(normAt(v, 3, 5, p.dim, t), 12);
        expect(p.grads[t]).toBeCloseTo(normAt(gr, 3, 5, p.dim, t), 12);
      }
      // sample 1, first two features, step by step
      for (let t = 0; t < 5; t++) for (let j = 0; j < 2; j++) expect(p.lead[t * 2 + j]).toBe(v[(1 * 5 + t) * p.dim + j]);
    }
    // sample 1 is 3 steps long: nothing at its padded steps, and the hidden state's gradient is not all zero
    const h = trace.ports.find((p) => p.node === 'h')!;
    expect(h.lead[3 * 2]).toBe(0);
    expect(h.grads.some((x) => x > 0)).toBe(true);
    // ids: their leading value is the id itself (of sample 1)
    const y = trace.ports.find((p) => p.node === 'y')!;
    expect(y.dtype).toBe('index');
    expect(Array.from(y.lead)).toEqual(Array.from(exec.value('y.out').data.slice(5, 10))); // sample 1
    // every edge names the value it carries
    expect(trace.edges.find((e) => g.edges.find((x) => x.id === e.edge)?.source.node === 'h')?.value).toBe('h.out');
  });

  it('reads a composite cell at the inner value that gives its output, and vectors once', () => {
    const g = lastStepClassifier(3, 4);
    const plan = planOf(g);
    const weights = randomWeights(plan);
    const feed = randomFeed(plan, [4, 2], 4);
    const trace = traceBatch(plan, g.doc(), weights, feed);
    const exec = reference(plan, weights, feed);
    const cell = g.nodes.find((n) => n.type === 'RNN')!.id;
    const h = trace.ports.find((p) => p.node === cell)!;
    expect(h.value).toBe(`${cell}.h.out`);
    expect(h.perStep).toBe(true);
    expect(trace.ports.some((p) => p.node.startsWith(`${cell}.`))).toBe(false);
    const v = exec.value(h.value).data;
    const gr = exec.gradient(h.value).data;
    for (let t = 0; t < 4; t++) {
      expect(h.norms[t]).toBeCloseTo(normAt(v, 2, 4, 4, t), 12);
      expect(h.grads[t]).toBeCloseTo(normAt(gr, 2, 4, 4, t), 12);
    }
    const last = trace.ports.find((p) => g.nodes.find((n) => n.id === p.node)?.type === 'LastStep')!;
    expect(last.perStep).toBe(false);
    expect(last.norms).toHaveLength(1);
    expect(last.norms[0]).toBeCloseTo(normAt(exec.value(last.value).data, 2, 1, 4, 0), 12);
    expect(last.lead).toHaveLength(3);
  });

  it('traces an encoder–decoder on both axes (T and T′)', () => {
    const g = new GraphBuilder()
      .node('x', 'Input', { role: 'sequence', size: 3 })
      .node('dec_x', 'Input', { role: 'sequence', size: 2, axis: 'target' })
      .node('y', 'Input', { role: 'sequence', size: 3, axis: 'target' })
      .node('enc', 'RNN', { hidden: 4 })
      .node('last', 'LastStep')
      .node('dec', 'RNN', { hidden: 4 })
      .node('out', 'Linear', { units: 3 })
      .node('loss', 'MSE')
      .edge('x.out', 'enc.in')
      .edge('enc.h', 'last.in')
      .edge('last.out', 'dec.h0')
      .edge('dec_x.out', 'dec.in')
      .edge('dec.h', 'out.in0')
      .edge('out.out', 'loss.prediction')
      .edge('y.out', 'loss.target');
    const plan = planOf(g);
    const weights = randomWeights(plan);
    const feed = randomFeed(plan, [4, 3], 4, 7, { lengths: [2, 3], T: 3 });
    const trace = traceBatch(plan, g.doc(), weights, feed);
    expect([trace.T, trace.targetT]).toEqual([4, 3]);
    const dec = trace.ports.find((p) => p.node === 'dec')!;
    expect(dec.axis).toBe(1);
    expect(dec.norms).toHaveLength(3);
    const exec = reference(plan, weights, feed);
    for (let t = 0; t < 3; t++) expect(dec.grads[t]).toBeCloseTo(normAt(exec.gradient(dec.value).data, 2, 3, 4, t), 12);
    expect(trace.ports.find((p) => p.node === 'enc')!.norms).toHaveLength(4);
  });
});

describe('traceBatch with teacher forcing at a ratio', () => {
  it('draws teacher or own as the first training step of the seed does, where it used to refuse', () => {
    const g = new GraphBuilder()
      .node('x', 'Input', { role: 'sequence', size: 1 })
      .node('y', 'Input', { role: 'sequence', size: 2, dtype: 'index' })
      .node('y1', 'OneHot', { classes: 2 })
      .node('j', 'Jordan', { hidden: 4, size: 2, teacherForcing: true, teacherRatio: 0.5 })
      .node('loss', 'CrossEntropy')
      .edge('x.out', 'j.in')
      .edge('y.out', 'y1.index')
      .edge('y1.out', 'j.teacher')
      .edge('j.o', 'loss.logits')
      .edge('y.out', 'loss.target');
    const plan = planOf(g);
    const weights = randomWeights(plan);
    const feed = randomFeed(plan, [6, 4, 5], 6);
    const first = (seed: number) => {
      const exec = new Executor(plan, weights);
      exec.bind(feed);
      return exec.forward(0, feed.T, { random: { rng: new Rng(seed).fork('teacher 1'), step: 0 } }).total;
    };
    const bare = new Executor(plan, weights);
    bare.bind(feed);
    expect(() => bare.forward()).toThrow(/a ratio of 0.5 draws per sample and step/);
    const trace = traceBatch(plan, g.doc(), weights, feed, { seed: 7 });
    expect(trace.loss).toBe(first(7));
    expect(traceBatch(plan, g.doc(), weights, feed).loss).toBe(first(1));
    expect(first(7)).not.toBe(first(1));
    for (const p of trace.ports) expect(Array.from(p.grads).every(Number.isFinite)).toBe(true);
  });
});
