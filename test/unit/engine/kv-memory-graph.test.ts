import { describe, expect, it } from 'vitest';
import { Executor } from '../../../src/engine/executor';
import { GraphBuilder } from '../compiler/graph-builder';
import { gradcheckPlan, planOf, randomFeed, randomWeights } from './executor-fixtures';

/**
 * A key–value memory over the slots of a sequence, read by a classifier (the memory-network wiring).
 * The key projection has no bias: a bias adds the same bᵀx to every score, which the softmax ignores,
 * so its gradient is exactly 0 and central differences only see rounding.
 */
function memoryGraph(hops: number): GraphBuilder {
  return new GraphBuilder()
    .node('q', 'Input', { role: 'vector', size: 3 })
    .node('m', 'Input', { role: 'sequence', size: 2 })
    .node('y', 'Input', { role: 'vector', size: 3, dtype: 'index' })
    .node('qp', 'Linear', { units: 4 })
    .node('kp', 'Linear', { units: 4, bias: false })
    .node('vp', 'Linear', { units: 4 })
    .node('mem', 'KVMemory', { size: 4, hops })
    .node('out', 'Linear', { inputs: 2, units: 3 })
    .node('loss', 'CrossEntropy')
    .edge('q.out', 'qp.in0')
    .edge('m.out', 'kp.in0')
    .edge('m.out', 'vp.in0')
    .edge('qp.out', 'mem.x')
    .edge('kp.out', 'mem.keys')
    .edge('vp.out', 'mem.values')
    .edge('mem.read', 'out.in0')
    .edge('mem.query', 'out.in1')
    .edge('out.out', 'loss.logits')
    .edge('y.out', 'loss.target');
}

describe('KVMemory in a graph: the slots are the steps of a sequence', () => {
  it('gives exact gradients for every projection, through every hop, with slot counts 5, 2 and 1', () => {
    for (const hops of [1, 2]) {
      const plan = planOf(memoryGraph(hops));
      const r = gradcheckPlan(plan, randomFeed(plan, [5, 2, 1], 5));
      expect(r.worst, r.where).toBeLessThan(1e-6);
    }
  });

  it('weights only the valid slots: p sums to 1 over them per hop and is 0 past them', () => {
    const plan = planOf(memoryGraph(2));
    const exec = new Executor(plan, randomWeights(plan));
    exec.bind(randomFeed(plan, [5, 2], 5));
    exec.forward();
    const p = exec.value('mem.p.out'); // (B, M, hops)
    for (const [b, n] of [
      [0, 5],
      [1, 2],
    ]) {
      for (let h = 0; h < 2; h++) {
        let sum = 0;
        for (let m = 0; m < 5; m++) {
          const v = p.data[(b * 5 + m) * 2 + h];
          if (m >= n) expect(v).toBe(0);
          sum += v;
        }
        expect(sum).toBeCloseTo(1, 14);
      }
    }
  });

  it('refuses to run in chunks (the second hop reads what the first read at the last slot)', () => {
    const plan = planOf(memoryGraph(2));
    const exec = new Executor(plan, randomWeights(plan));
    exec.bind(randomFeed(plan, [4], 4));
    expect(() => exec.forward(0, 2)).toThrow(/cannot run in chunks/);
  });
});
