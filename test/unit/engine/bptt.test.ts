import { describe, expect, it } from 'vitest';
import { bpttGradients, chunkRanges, tbpttChunks, tbpttGradients, TbpttError } from '../../../src/engine/bptt';
import { ExecError, Executor } from '../../../src/engine/executor';
import { elmanGraph, gatedGraph, lastStepClassifier, planOf, randomFeed, randomWeights } from './executor-fixtures';

describe('chunkRanges', () => {
  it('cuts T = 10 with (k1, k2) = (4, 6) into ((n−1)k1, e_n] with windows (max(0, e_n − k2), e_n]', () => {
    expect(chunkRanges(10, { k1: 4, k2: 6 })).toEqual([
      { index: 1, from: 0, to: 4, windowFrom: 0 },
      { index: 2, from: 4, to: 8, windowFrom: 2 },
      { index: 3, from: 8, to: 10, windowFrom: 4 },
    ]);
    expect(chunkRanges(3, { k1: 5, k2: 5 })).toEqual([{ index: 1, from: 0, to: 3, windowFrom: 0 }]);
  });

  it('refuses k2 < k1 and non-integer sizes', () => {
    expect(() => chunkRanges(10, { k1: 4, k2: 3 })).toThrow(TbpttError);
    expect(() => chunkRanges(10, { k1: 0, k2: 3 })).toThrow(/k1/);
  });
});

describe('truncated BPTT', () => {
  for (const [name, graph] of [
    ['Elman', elmanGraph],
    ['gated (learned h0)', gatedGraph],
  ] as const) {
    it(`${name}: with k2 ≥ T the chunks' losses and gradients sum to full BPTT (variable lengths)`, () => {
      const plan = planOf(graph());
      const store = randomWeights(plan);
      const feed = randomFeed(plan, [7, 3, 5, 1], 7);
      const full = bpttGradients(new Executor(plan, store), feed);
      const chunks = tbpttGradients(new Executor(plan, store), feed, { k1: 3, k2: 7 });
      expect(chunks.map((c) => [c.chunk.from, c.chunk.to, c.chunk.windowFrom])).toEqual([
        [0, 3, 0],
        [3, 6, 0],
        [6, 7, 0],
      ]);
      expect(chunks.reduce((s, c) => s + c.loss.total, 0)).toBeCloseTo(full.loss.total, 12);
      for (const [w, g] of full.grads) {
        const sum = new Float64Array(g.length);
        for (const c of chunks) c.grads.get(w)!.forEach((v, i) => (sum[i] += v));
        g.forEach((v, i) => expect(sum[i], `${w}[${i}]`).toBeCloseTo(v, 12));
      }
    });
  }

  it('with k1 = k2 a chunk’s gradient is that of its own steps run from the carried state as a constant', () => {
    const plan = planOf(gatedGraph());
    const store = randomWeights(plan);
    const T = 6;
    const feed = randomFeed(plan, [6, 6], T);
    const chunks = tbpttGradients(new Executor(plan, store), feed, { k1: 2, k2: 2 });
    // Replay chunk 3 (steps 5–6) on its own, starting from the state carried out of step 4.
    const probe = new Executor(plan, store);
    probe.bind(feed);
    probe.forward(0, 4);
    const carried = probe.finalStates();
    const slice = (a: Float64Array | Float32Array | Int32Array, D: number) => {
      const out = new Float64Array(2 * 2 * D);
      for (let b = 0; b < 2; b++) for (let t = 0; t < 2; t++) for (let k = 0; k < D; k++) out[(b * 2 + t) * D + k] = a[(b * T + 4 + t) * D + k];
      return out;
    };
    const sub = { feeds: { x: slice(feed.feeds.x, 2), y: slice(feed.feeds.y, 2) }, lengths: Int32Array.of(2, 2), T: 2 };
    const replay = bpttGradients(new Executor(plan, store), sub, { initialStates: carried });
    const third = chunks[2];
    expect(third.loss.total).toBeCloseTo(replay.loss.total, 13);
    for (const [w, g] of replay.grads) {
      const expected = w === 'hp.h0' ? new Float64Array(g.length) : g; // h0 is before the window
      expect(Array.from(third.grads.get(w)!).map((v) => +v.toFixed(12)), w).toEqual(Array.from(expected).map((v) => +v.toFixed(12)));
    }
    // the truncation is real: full BPTT differs
    const full = bpttGradients(new Executor(plan, store), feed);
    const total = (k: string) => chunks.reduce((s, c) => s + c.grads.get(k)![0], 0);
    expect(Math.abs(total('lz.W1') - full.grads.get('lz.W1')![0])).toBeGreaterThan(1e-6);
  });

  it('records ‖∂L/∂h_t‖ of a chunk only inside its window', () => {
    const plan = planOf(elmanGraph());
    const chunks = tbpttGradients(new Executor(plan, randomWeights(plan)), randomFeed(plan, [8, 8], 8), { k1: 3, k2: 5 });
    const second = chunks[1]; // steps 4–6, window 2–6 (1-based)
    const norms = second.norms[0].perStep;
    expect(Array.from(norms).map((v) => v > 0)).toEqual([false, true, true, true, true, true, false, false]);
  });

  it('training mode: weights updated between chunks are used from the next chunk on, earlier steps are not recomputed', () => {
    const plan = planOf(elmanGraph());
    const store = randomWeights(plan);
    const feed = randomFeed(plan, [6, 4], 6);
    const fixed = tbpttGradients(new Executor(plan, store.clone()), feed, { k1: 2, k2: 4 });
    const exec = new Executor(plan, store);
    const losses: number[] = [];
    let firstSteps: number[] = [];
    for (const c of tbpttChunks(exec, feed, { k1: 2, k2: 4 })) {
      losses.push(c.loss.total);
      if (c.chunk.index === 1) firstSteps = Array.from(exec.value('h.out').data.subarray(0, 2 * 5));
      for (const [w, g] of c.grads) {
        const v = store.get(w);
        for (let i = 0; i < v.length; i++) v[i] -= 0.5 * g[i];
      }
    }
    expect(losses[0]).toBe(fixed[0].loss.total);
    expect(losses[1]).not.toBeCloseTo(fixed[1].loss.total, 6);
    expect(Array.from(exec.value('h.out').data.subarray(0, 2 * 5))).toEqual(firstSteps);
  });

  it('runs a LastStep readout in the last chunk; refuses chunks when a LastStep value feeds later steps', () => {
    const n1 = lastStepClassifier(2, 3);
    const plan = planOf(n1);
    const store = randomWeights(plan);
    const feed = randomFeed(plan, [5, 4], 5);
    const full = bpttGradients(new Executor(plan, store), feed);
    const chunks = tbpttGradients(new Executor(plan, store), feed, { k1: 2, k2: 5 });
    expect(chunks.map((c) => c.loss.total === 0)).toEqual([true, true, false]);
    expect(chunks[2].loss.total).toBeCloseTo(full.loss.total, 13);
    full.grads.forEach((g, w) => g.forEach((v, i) => expect(chunks[2].grads.get(w)![i]).toBeCloseTo(v, 13)));

    // τ_b before the last chunk's window: that sample's readout gradient is cut there
    const short = randomFeed(plan, [5, 1], 5);
    const hAtStep1 = (k2: number) => {
      const exec = new Executor(plan, store);
      for (const _ of tbpttChunks(exec, short, { k1: 2, k2 })) void _;
      const g = exec.gradient('rnn.h.out'); // (B,T,H)
      return Array.from(g.data.subarray(5 * 3, 5 * 3 + 3)).some((v) => v !== 0);
    };
    expect(hAtStep1(5)).toBe(true);
    expect(hAtStep1(2)).toBe(false);

    const feedback = n1.node('ctx', 'Linear', { units: 2 }).node('s', 'Add').edge('last.out', 'ctx.in0').edge('ctx.out', 's.in0').edge('o.out', 's.in1');
    feedback.edges.splice(feedback.edges.findIndex((e) => e.target.node === 'loss' && e.target.port === 'logits'), 1);
    feedback.node('x2', 'Input', { role: 'sequence', size: 2 }).node('o2', 'Linear', { units: 2 }).node('s2', 'Add').edge('x2.out', 'o2.in0').edge('o2.out', 's2.in0').edge('ctx.out', 's2.in1').edge('s.out', 'loss.logits');
    const back = planOf(feedback);
    const exec = new Executor(back, randomWeights(back));
    exec.bind(randomFeed(back, [3, 3], 3));
    expect(() => exec.forward(0, 2)).toThrow(ExecError);
    expect(() => exec.forward(0, 2)).toThrow(/LastStep/);
    expect(exec.forward(0, 3).total).toBeGreaterThan(0);
  });
});
