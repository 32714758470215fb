import { describe, expect, it } from 'vitest';
import { referenceBackend, withKernels } from '../../../kernels/reference';
import { Executor } from '../../../src/engine/executor';
import { map } from '../../../src/engine/tensor';
import type { NodeKernel } from '../../../src/nodes/kernel-types';
import { getNodeSpec, NODE_SPECS } from '../../../src/nodes/registry';
import { elmanGraph, planOf, randomFeed, randomWeights } from '../engine/executor-fixtures';

describe('the reference backend', () => {
  it('is float64 and runs exactly the kinds that have a kernel', () => {
    expect(referenceBackend).toMatchObject({ name: 'reference', precision: 'float64' });
    for (const s of NODE_SPECS) expect(referenceBackend.supports(s.type), s.type).toBe(s.kernel !== undefined);
    expect(referenceBackend.supports('NoSuchKind')).toBe(false);
  });

  it('is the node kernels as they are', () => {
    const x = { shape: [2, 3], data: Float64Array.from([0.1, -2, 3, 0.5, 0, -0.7]) };
    const op = { type: 'Tanh', node: 't', attrs: {} };
    const own = getNodeSpec('Tanh')!.kernel!.forward({ in: x }, {}, {});
    expect(Array.from(referenceBackend.forward(op, { in: x }, {}).outputs.out.data)).toEqual(Array.from(own.outputs.out.data));
  });
});

describe('withKernels: override some kinds, fall back for the rest', () => {
  // tanh written as 2σ(2x) − 1: another implementation of the same op, with its own saved data.
  let calls = 0;
  const tanhViaSigmoid: NodeKernel<unknown, { y: Float64Array }> = {
    forward(inputs) {
      calls++;
      const y = map(inputs.in, (v) => 2 / (1 + Math.exp(-2 * v)) - 1);
      return { outputs: { out: y }, saved: { y: y.data } };
    },
    backward(gradOutputs, saved) {
      const dy = gradOutputs.out!;
      return { inputs: { in: map(dy, (g, i) => g * (1 - saved.y[i] * saved.y[i])) }, params: {} };
    },
  };

  it('gives the reference numbers, running the override for its kind only', () => {
    const backend = withKernels(referenceBackend, { Tanh: tanhViaSigmoid }, { name: 'test-tanh', precision: 'float64' });
    expect(backend).toMatchObject({ name: 'test-tanh', precision: 'float64' });
    expect(backend.supports('Linear') && backend.supports('Tanh')).toBe(true);
    const plan = planOf(elmanGraph());
    const store = randomWeights(plan);
    const feed = randomFeed(plan, [4, 2], 4);
    const run = (e: Executor) => {
      e.bind(feed);
      const loss = e.forward().total;
      return { loss, grads: new Map([...e.backward()].map(([k, v]) => [k, Array.from(v)])) };
    };
    const ref = run(new Executor(plan, store));
    calls = 0;
    const mine = run(new Executor(plan, store, backend));
    expect(calls).toBe(4); // one Tanh per step of the loop
    expect(mine.loss).toBeCloseTo(ref.loss, 13);
    for (const [k, g] of ref.grads) g.forEach((v, i) => expect(mine.grads.get(k)![i]).toBeCloseTo(v, 12));
  });

  it('an executor refuses a backend that cannot run one of the plan’s kinds', () => {
    const plan = planOf(elmanGraph());
    const partial = { ...referenceBackend, name: 'partial', supports: (t: string) => t !== 'Tanh' };
    expect(() => new Executor(plan, randomWeights(plan), partial)).toThrow(/backend "partial" cannot run Tanh node "h"/);
  });
});
