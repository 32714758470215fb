import { describe, expect, it } from 'vitest';
import { tbpttGradients, bpttGradients } from '../../../src/engine/bptt';
import { Executor } from '../../../src/engine/executor';
import { GraphBuilder } from '../compiler/graph-builder';
import { gradcheckPlan, planOf, randomFeed, randomWeights } from './executor-fixtures';

/** x (2) → Delay of `steps` (init zeros | learned) → Linear(x_{t−d}, x_t) (2) → MSE, with no cycle. */
function shiftGraph(steps: number, init: 'zeros' | 'learned' = 'zeros'): GraphBuilder {
  return new GraphBuilder()
    .node('x', 'Input', { role: 'sequence', size: 2 })
    .node('y', 'Input', { role: 'sequence', size: 2 })
    .node('d', 'Delay', { size: 2, steps, init })
    .node('o', 'Linear', { inputs: 2, units: 2 })
    .node('loss', 'MSE')
    .edge('x.out', 'd.in')
    .edge('d.out', 'o.in0')
    .edge('x.out', 'o.in1')
    .edge('o.out', 'loss.prediction')
    .edge('y.out', 'loss.target');
}

/** An Elman cell from gates with a skip connection through time: a = L(x, h_{t−1}, h_{t−d}), h = tanh(a). */
function skipGraph(d: number): GraphBuilder {
  return new GraphBuilder()
    .node('x', 'Input', { role: 'sequence', size: 3 })
    .node('y', 'Input', { role: 'sequence', size: 4, dtype: 'index' })
    .node('a', 'Linear', { inputs: 3, units: 4 })
    .node('h', 'Tanh')
    .node('p', 'Delay', { size: 4, init: 'learned' })
    .node('s', 'Delay', { size: 4, steps: d })
    .node('o', 'Linear', { units: 4 })
    .node('loss', 'CrossEntropy')
    .edge('x.out', 'a.in0')
    .edge('p.out', 'a.in1')
    .edge('s.out', 'a.in2')
    .edge('a.out', 'h.in')
    .edge('h.out', 'p.in')
    .edge('h.out', 's.in')
    .edge('h.out', 'o.in0')
    .edge('o.out', 'loss.logits')
    .edge('y.out', 'loss.target');
}

describe('Delay of d steps: y_t = x_{t−d}, the initial value while t ≤ d', () => {
  it('shifts each sample by d valid steps, holds its history past τ_b, and zeroes padded steps', () => {
    const plan = planOf(shiftGraph(3, 'learned'));
    const store = randomWeights(plan);
    const h0 = store.get('d.h0');
    const exec = new Executor(plan, store);
    const feed = randomFeed(plan, [7, 4], 7);
    exec.bind(feed);
    exec.forward();
    const y = exec.value('d.out'); // (B,T,2)
    const x = feed.feeds.x as Float64Array; // (B,T,2)
    for (const [b, tau] of [
      [0, 7],
      [1, 4],
    ]) {
      for (let t = 0; t < 7; t++) {
        for (let j = 0; j < 2; j++) {
          const got = y.data[(b * 7 + t) * 2 + j];
          const want = t >= tau ? 0 : t < 3 ? h0[j] : x[(b * 7 + t - 3) * 2 + j];
          expect(got, `b ${b} t ${t}`).toBe(want);
        }
      }
    }
    // final state: the newest value, x at τ_b; the history: the last three valid values, oldest first
    const fin = exec.finalStates().get('d')!;
    expect(Array.from(fin)).toEqual([x[6 * 2], x[6 * 2 + 1], x[(7 + 3) * 2], x[(7 + 3) * 2 + 1]]);
    const hist = exec.finalHistories().get('d')!;
    expect(hist.length).toBe(3 * 2 * 2);
    expect(Array.from(hist.subarray(0, 4))).toEqual([x[4 * 2], x[4 * 2 + 1], x[(7 + 1) * 2], x[(7 + 1) * 2 + 1]]);
  });

  it('steps 1 is the plain Delay (the default)', () => {
    const one = planOf(shiftGraph(1));
    expect(one.ops.find((o) => o.node === 'd')!.attrs.steps).toBe(1);
    const exec = new Executor(one, randomWeights(one));
    const feed = randomFeed(one, [3, 2], 3);
    exec.bind(feed);
    exec.forward();
    const y = exec.value('d.out').data;
    const x = feed.feeds.x as Float64Array;
    expect(y[2]).toBe(x[0]); // sample 0, t = 2 reads x_1
  });

  it('gives exact gradients through a d-step Delay on no cycle, and through a skip connection on a cycle', () => {
    for (const d of [2, 3]) {
      const shift = planOf(shiftGraph(d, 'learned'));
      const a = gradcheckPlan(shift, randomFeed(shift, [6, 3, 1], 6));
      expect(a.worst, a.where).toBeLessThan(1e-6);
      const skip = planOf(skipGraph(d));
      const b = gradcheckPlan(skip, randomFeed(skip, [6, 4, 2], 6));
      expect(b.worst, b.where).toBeLessThan(1e-6);
    }
  });

  it('passes ∂L/∂s_0 of every slot to h0 and to initialStateGradients, summed over the slots', () => {
    const plan = planOf(shiftGraph(2, 'learned'));
    const exec = new Executor(plan, randomWeights(plan));
    const feed = randomFeed(plan, [4, 1], 4);
    exec.bind(feed);
    exec.forward();
    const grads = exec.backward();
    const s0 = exec.initialStateGradients().get('d')!; // (B,2)
    const h0 = grads.get('d.h0')!;
    for (let j = 0; j < 2; j++) expect(h0[j]).toBeCloseTo(s0[j] + s0[2 + j], 14);
    // sample 1 has one valid step: it reads h0 once (slot 0); sample 0 reads it at t = 1 and t = 2
    expect(Math.abs(s0[2]) + Math.abs(s0[3])).toBeGreaterThan(0);
  });

  it('takes a given history [d,B,D] or one value [B,D] for every slot, and refuses other sizes', () => {
    const plan = planOf(shiftGraph(2));
    const exec = new Executor(plan, randomWeights(plan));
    exec.bind(randomFeed(plan, [3], 3));
    exec.forward(0, 3, { initialStates: new Map([['d', Float64Array.of(1, 2, 3, 4)]]) });
    expect(Array.from(exec.value('d.out').data.subarray(0, 4))).toEqual([1, 2, 3, 4]);
    exec.forward(0, 3, { initialStates: new Map([['d', Float64Array.of(5, 6)]]) });
    expect(Array.from(exec.value('d.out').data.subarray(0, 4))).toEqual([5, 6, 5, 6]);
    expect(() => exec.forward(0, 3, { initialStates: new Map([['d', Float64Array.of(1, 2, 3)]]) })).toThrow(/needs B·D = 2 or d·B·D = 4/);
  });

  it('truncated BPTT carries the history across chunks: with k2 ≥ T the chunks sum to full BPTT', () => {
    const plan = planOf(skipGraph(3));
    const store = randomWeights(plan);
    const exec = new Executor(plan, store);
    const feed = randomFeed(plan, [8, 5, 8], 8);
    const full = bpttGradients(exec, feed);
    const full0 = new Map([...full.grads].map(([k, v]) => [k, v.slice()]));
    const chunks = tbpttGradients(exec, feed, { k1: 3, k2: 8 });
    let loss = 0;
    const sum = new Map<string, Float64Array>();
    for (const c of chunks) {
      loss += c.loss.total;
      for (const [k, v] of c.grads) {
        const acc = sum.get(k) ?? new Float64Array(v.length);
        v.forEach((x, i) => (acc[i] += x));
        sum.set(k, acc);
      }
    }
    expect(loss).toBeCloseTo(full.loss.total, 12);
    for (const [k, v] of full0) v.forEach((x, i) => expect(sum.get(k)![i], `${k}[${i}]`).toBeCloseTo(x, 12));
  });
});
