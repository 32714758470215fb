import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/compiler';
import { Executor } from '../../../src/engine/executor';
import type { BatchFeed, FeedArray } from '../../../src/engine/feeds';
import { GraphBuilder } from '../compiler/graph-builder';
import { gradcheckPlan, planOf, randomFeed, randomWeights } from './executor-fixtures';

/** x (3) → Bidirectional l0 → [LastStep when n→1 reads `h`] → Linear out (3 classes) → CE. */
function biGraph(layer: Record<string, unknown>, read: 'n->n' | 'final' = 'n->n'): GraphBuilder {
  const g = new GraphBuilder()
    .node('x', 'Input', { role: 'sequence', size: 3 })
    .node('y', 'Input', { role: read === 'n->n' ? 'sequence' : 'vector', size: 3, dtype: 'index' })
    .node('l0', 'Bidirectional', { hidden: 3, ...layer })
    .node('out', 'Linear', { units: 3 })
    .node('loss', 'CrossEntropy')
    .edge('x.out', 'l0.in')
    .edge('out.out', 'loss.logits')
    .edge('y.out', 'loss.target');
  return read === 'n->n' ? g.edge('l0.h', 'out.in0') : g.edge('l0.final', 'out.in0');
}

/** Sample `b` of a batch as a batch of its own, cut to its length; `sizes`: D per sequence Input (a vector Input is one id). */
function alone(feed: BatchFeed, b: number, sizes: Readonly<Record<string, number>>): BatchFeed {
  const tau = feed.lengths[b];
  const feeds: Record<string, FeedArray> = {};
  for (const [node, data] of Object.entries(feed.feeds)) {
    const D = sizes[node];
    feeds[node] = D === undefined ? data.slice(b, b + 1) : data.slice(b * feed.T * D, (b * feed.T + tau) * D);
  }
  return { feeds, lengths: Int32Array.from([tau]), T: tau };
}

const LAYERS: Record<string, unknown>[] = [
  { cell: 'lstm', merge: 'concat' },
  { cell: 'gru', merge: 'sum', resetAfter: true },
  { cell: 'rnn', merge: 'concat', init: 'learned' },
  { cell: 'lstm', merge: 'sum', peepholes: true, init: 'learned' },
];

describe('Bidirectional layer in a graph', () => {
  for (const layer of LAYERS) {
    for (const fused of [false, true]) {
      it(`gives exact gradients with lengths 5, 3, 1 (${JSON.stringify(layer)}, ${fused ? 'fused' : 'decomposed'})`, () => {
        for (const read of ['n->n', 'final'] as const) {
          const plan = planOf(biGraph(layer, read), { fused });
          const r = gradcheckPlan(plan, randomFeed(plan, [5, 3, 1], 5));
          expect(r.checked).toBeGreaterThan(50);
          // relative to max(|a|, |n|, 1e-6): gradients near 1e-5 see the differences' rounding (~1e-11)
          expect(r.worst, `${read}: ${r.where}`).toBeLessThan(1e-5);
        }
      });
    }
  }

  it('does not depend on padding: a short sample gives the same outputs and final state alone', () => {
    for (const read of ['n->n', 'final'] as const) {
      const plan = planOf(biGraph({ cell: 'gru' }, read));
      const store = randomWeights(plan);
      const feed = randomFeed(plan, [5, 3], 5);
      const both = new Executor(plan, store);
      both.bind(feed);
      both.forward();
      const one = new Executor(plan, store);
      one.bind(alone(feed, 1, read === 'n->n' ? { x: 3, y: 1 } : { x: 3 }));
      one.forward();
      const a = both.value('out.out');
      const b = one.value('out.out');
      const width = 3 * (read === 'n->n' ? 3 : 1); // one sample's logits: (τ,3) or (3)
      const offset = read === 'n->n' ? 5 * 3 : 3;
      for (let j = 0; j < width; j++) expect(a.data[offset + j]).toBeCloseTo(b.data[j], 12);
      if (read === 'n->n') for (let j = width; j < 5 * 3; j++) expect(a.data[offset + j] === 0).toBe(true); // padded steps
    }
  });

  it('reads [h→_τ; h←_1]: final is the forward state at τ_b and the backward state at t = 1', () => {
    const plan = planOf(biGraph({ cell: 'lstm', hidden: 2 }, 'final'));
    const exec = new Executor(plan, randomWeights(plan));
    exec.bind(randomFeed(plan, [4, 2], 4));
    exec.forward();
    const h = exec.value('l0.merge.out'); // (B,T,4): [h→_t; h←_t] at original time
    const final = exec.value('l0.final.out'); // (B,4)
    for (const [b, tau] of [
      [0, 4],
      [1, 2],
    ]) {
      for (let j = 0; j < 2; j++) {
        expect(final.data[b * 4 + j]).toBe(h.data[(b * 4 + tau - 1) * 4 + j]);
        expect(final.data[b * 4 + 2 + j]).toBe(h.data[(b * 4 + 0) * 4 + 2 + j]);
      }
    }
  });

  it('records each direction under its own name, the backward one marked as running backwards in time', () => {
    const plan = planOf(biGraph({ cell: 'lstm' }));
    expect(plan.recurrences.map((r) => [r.name, r.node, r.reversed === true])).toEqual(
      expect.arrayContaining([
        ['l0.fwd', 'l0.fwd', false],
        ['l0.fwd.c', 'l0.fwd', false],
        ['l0.bwd', 'l0.bwd', true],
        ['l0.bwd.c', 'l0.bwd', true],
      ]),
    );
    expect(plan.recurrences).toHaveLength(4);
    expect(plan.probes.filter((p) => p.node === 'l0.bwd').every((p) => p.reversed === true)).toBe(true);
    expect(plan.probes.filter((p) => p.node === 'l0.fwd').map((p) => p.name).sort()).toEqual(['f', 'g', 'i', 'o']);
    expect(plan.params.map((p) => p.name)).toEqual(expect.arrayContaining(['l0.fwd.U_i', 'l0.fwd.W_f', 'l0.bwd.b_o', 'l0.bwd.U_g']));
  });

  it('gives the same numbers with every per-step op in time loops (the Reverses stay whole)', () => {
    const batched = planOf(biGraph({ cell: 'gru' }));
    const looped = planOf(biGraph({ cell: 'gru' }), { loopEverything: true });
    expect(looped.phases.filter((p) => p.kind === 'batched').flatMap((p) => p.ops.map((k) => looped.ops[k].type))).toEqual(['Reverse', 'Reverse']);
    const feed = randomFeed(batched, [5, 2, 4], 5);
    const run = (plan: typeof batched) => {
      const exec = new Executor(plan, randomWeights(plan));
      exec.bind(feed);
      const loss = exec.forward().total;
      const grads = new Map([...exec.backward()].map(([k, v]) => [k, v.slice()]));
      return { loss, grads };
    };
    const a = run(batched);
    const b = run(looped);
    expect(b.loss).toBeCloseTo(a.loss, 12);
    for (const [name, g] of a.grads) g.forEach((v, i) => expect(b.grads.get(name)![i], name).toBeCloseTo(v, 12));
  });

  it('refuses to run in chunks', () => {
    const plan = planOf(biGraph({ cell: 'rnn' }));
    const exec = new Executor(plan, randomWeights(plan));
    exec.bind(randomFeed(plan, [4], 4));
    expect(() => exec.forward(0, 2)).toThrow(/reverses sequences in time.*cannot run in chunks/);
  });
});

describe('Reverse', () => {
  it('reverses each sample within its length and leaves padded steps zero', () => {
    const plan = planOf(
      new GraphBuilder()
        .node('x', 'Input', { role: 'sequence', size: 2 })
        .node('t', 'Input', { role: 'sequence', size: 2 })
        .node('rev', 'Reverse')
        .node('loss', 'MSE')
        .edge('x.out', 'rev.in')
        .edge('rev.out', 'loss.prediction')
        .edge('t.out', 'loss.target'),
    );
    const exec = new Executor(plan, randomWeights(plan));
    const x = Float64Array.from({ length: 2 * 3 * 2 }, (_, i) => i + 1); // (B=2,T=3,D=2)
    exec.bind({ feeds: { x, t: new Float64Array(12) }, lengths: Int32Array.from([3, 2]), T: 3 });
    exec.forward();
    expect(Array.from(exec.value('rev.out').data)).toEqual([5, 6, 3, 4, 1, 2, 9, 10, 7, 8, 0, 0]);
    exec.backward();
    // MSE's ∂/∂prediction is proportional to the prediction: the permutation sends it back where it came from
    const gx = exec.gradient('x.out').data;
    const gy = exec.gradient('rev.out').data;
    expect(Array.from(gx)).toEqual([gy[4], gy[5], gy[2], gy[3], gy[0], gy[1], gy[8], gy[9], gy[6], gy[7], 0, 0]);
  });

  it('may not sit on a cycle', () => {
    const r = compile(
      new GraphBuilder()
        .node('x', 'Input', { role: 'sequence', size: 2 })
        .node('a', 'Add')
        .node('rev', 'Reverse')
        .node('d', 'Delay', { size: 2 })
        .edge('x.out', 'a.in0')
        .edge('d.out', 'a.in1')
        .edge('a.out', 'rev.in')
        .edge('rev.out', 'd.in')
        .doc(),
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'whole-sequence-in-cycle', nodeId: 'rev' })]));
  });
});
