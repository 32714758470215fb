import { describe, expect, it } from 'vitest';
import { gradcheckNode } from '../../../src/engine/gradcheck';
import { fromValues, scalar, type Tensor } from '../../../src/engine/tensor';
import { BCE } from '../../../src/nodes/bce';
import { Concat } from '../../../src/nodes/concat';
import { CrossEntropy } from '../../../src/nodes/cross-entropy';
import { Diag } from '../../../src/nodes/diag';
import { Embedding } from '../../../src/nodes/embedding';
import { Linear } from '../../../src/nodes/linear';
import { MSE } from '../../../src/nodes/mse';
import { ReLU } from '../../../src/nodes/relu';
import { Scale } from '../../../src/nodes/scale';
import { Sigmoid } from '../../../src/nodes/sigmoid';
import { Softmax } from '../../../src/nodes/softmax';
import { Split } from '../../../src/nodes/split';
import { Tanh } from '../../../src/nodes/tanh';
import { unaryKernel } from '../../../src/nodes/kernel-helpers';
import type { NodeSpec } from '../../../src/nodes/types';

function run<P>(spec: NodeSpec<P>, raw: Record<string, unknown>, inputs: Record<string, Tensor>, params: Record<string, Tensor> = {}, mask?: Tensor) {
  return spec.kernel!.forward(inputs, params, spec.params.parse(raw), mask ? { mask } : undefined);
}

const values = (t: Tensor | undefined) => Array.from(t!.data);

describe('kernel values', () => {
  it('Linear: y = b + W0 x0 + W1 x1 with W stored [out, in]', () => {
    const { outputs } = run(
      Linear,
      { inputs: 2, units: 2 },
      { in0: fromValues([1, 2], [1, 1]), in1: fromValues([1, 1], [2]) },
      { W0: fromValues([2, 2], [1, 2, 3, 4]), W1: fromValues([2, 1], [10, -1]), b: fromValues([2], [0.5, -0.5]) },
    );
    expect(values(outputs.out)).toEqual([3 + 20 + 0.5, 7 - 2 - 0.5]);
  });

  it('Sigmoid and Tanh stay finite at extreme inputs', () => {
    const x = fromValues([1, 3], [-1000, 0, 1000]);
    expect(values(run(Sigmoid, {}, { in: x }).outputs.out)).toEqual([0, 0.5, 1]);
    expect(values(run(Tanh, {}, { in: x }).outputs.out)).toEqual([-1, 0, 1]);
  });

  it('Softmax: rows sum to 1, stable for large logits', () => {
    const y = run(Softmax, {}, { in: fromValues([2, 3], [1000, 1000, 0, 1, 2, 3]) }).outputs.out!;
    expect(values(y).slice(0, 3).map((v) => +v.toFixed(12))).toEqual([0.5, 0.5, 0]);
    expect(y.data[3] + y.data[4] + y.data[5]).toBeCloseTo(1, 14);
  });

  it('CrossEntropy from logits by log-sum-exp; padded rows contribute nothing', () => {
    const logits = fromValues([3, 2], [0, 0, 1000, 0, 5, 5]);
    const target = fromValues([3], [1, 1, 99]); // row 3 is padding: its id is never read
    const { outputs } = run(CrossEntropy, {}, { logits, target }, {}, fromValues([3], [1, 1, 0]));
    expect(outputs.rows!.data[0]).toBeCloseTo(Math.LN2, 14);
    expect(outputs.rows!.data[1]).toBe(1000);
    expect(outputs.rows!.data[2]).toBe(0);
    expect(outputs.loss!.data[0]).toBeCloseTo(1000 + Math.LN2, 10);
  });

  it('CrossEntropy refuses an id outside the classes of a valid row, naming the row', () => {
    expect(() => run(CrossEntropy, {}, { logits: fromValues([1, 2], [0, 0]), target: fromValues([1], [2]) })).toThrow(/target 2 in row 0/);
  });

  it('CrossEntropy backward: g (softmax − onehot), zero on padded rows', () => {
    const k = CrossEntropy.kernel!;
    const inputs = { logits: fromValues([2, 2], [0, 0, 3, 1]), target: fromValues([2], [0, 1]) };
    const f = k.forward(inputs, {}, CrossEntropy.params.parse({}), { mask: fromValues([2], [1, 0]) });
    const g = k.backward({ loss: scalar(2) }, f.saved, inputs, {}, CrossEntropy.params.parse({}));
    expect(values(g.inputs.logits)).toEqual([2 * (0.5 - 1), 2 * 0.5, 0, 0]);
    expect(g.inputs.target).toBeUndefined();
  });

  it('MSE: mean over units, summed over valid rows', () => {
    const { outputs } = run(MSE, {}, { prediction: fromValues([2, 2], [1, 2, 0, 0]), target: fromValues([2, 2], [0, 0, 9, 9]) }, {}, fromValues([2], [1, 0]));
    expect(values(outputs.rows)).toEqual([2.5, 0]);
    expect(values(outputs.loss)).toEqual([2.5]);
  });

  it('ReLU, Scale and Diag', () => {
    expect(values(run(ReLU, {}, { in: fromValues([1, 3], [-2, 0, 3]) }).outputs.out)).toEqual([0, 0, 3]);
    expect(values(run(Scale, { factor: -0.5 }, { in: fromValues([1, 2], [4, -2]) }).outputs.out)).toEqual([-2, 1]);
    expect(values(run(Diag, {}, { in: fromValues([2, 2], [1, 2, 3, 4]) }, { p: fromValues([2], [10, -1]) }).outputs.out)).toEqual([10, -2, 30, -4]);
  });

  it('Concat joins along features, Split cuts them back', () => {
    const a = fromValues([2, 1], [1, 2]);
    const b = fromValues([2, 2], [3, 4, 5, 6]);
    const y = run(Concat, {}, { in0: a, in1: b }).outputs.out!;
    expect(y.shape).toEqual([2, 3]);
    expect(values(y)).toEqual([1, 3, 4, 2, 5, 6]);
    const parts = run(Split, { sizes: [1, 2] }, { in: y }).outputs;
    expect(values(parts.out0)).toEqual(values(a));
    expect(values(parts.out1)).toEqual(values(b));
  });

  it('Embedding: token k gives column k of E [D, V]; padded rows give zeros, their ids unread', () => {
    const E = fromValues([2, 3], [1, 2, 3, 4, 5, 6]); // D = 2, V = 3
    const { outputs } = run(Embedding, { vocab: 3, size: 2 }, { index: fromValues([3], [2, 0, 99]) }, { E }, fromValues([3], [1, 1, 0]));
    expect(values(outputs.out)).toEqual([3, 6, 1, 4, 0, 0]);
    expect(() => run(Embedding, { vocab: 3, size: 2 }, { index: fromValues([1], [3]) }, { E })).toThrow(/token 3 in row 0/);
  });

  it('Embedding backward: each valid row adds its gradient to its token\'s column', () => {
    const k = Embedding.kernel!;
    const attrs = Embedding.params.parse({ vocab: 3, size: 2 });
    const inputs = { index: fromValues([3], [1, 1, 0]) };
    const E = fromValues([2, 3], [0, 0, 0, 0, 0, 0]);
    const f = k.forward(inputs, { E }, attrs);
    const g = k.backward({ out: fromValues([3, 2], [1, 2, 10, 20, 5, 7]) }, f.saved, inputs, { E }, attrs);
    expect(values(g.params.E)).toEqual([5, 11, 0, 7, 22, 0]);
  });

  it('BCE from logits: mean over units of softplus(o) − y o, stable at large |o|', () => {
    const o = fromValues([2, 2], [0, 2, 1000, -1000]);
    const y = fromValues([2, 2], [1, 0.25, 1, 0]);
    const { outputs } = run(BCE, {}, { logits: o, target: y });
    const row0 = (Math.LN2 + (Math.log1p(Math.exp(2)) - 0.25 * 2)) / 2;
    expect(outputs.rows!.data[0]).toBeCloseTo(row0, 14);
    expect(outputs.rows!.data[1]).toBe(0); // σ(1000) = 1 against 1, σ(−1000) = 0 against 0
    // The same as −[y log σ(o) + (1 − y) log(1 − σ(o))] where that is finite.
    const s = 1 / (1 + Math.exp(-2));
    expect(Math.log1p(Math.exp(2)) - 0.25 * 2).toBeCloseTo(-(0.25 * Math.log(s) + 0.75 * Math.log(1 - s)), 14);
    const masked = run(BCE, {}, { logits: o, target: y }, {}, fromValues([2], [0, 1]));
    expect(values(masked.outputs.rows)).toEqual([0, 0]);
  });

  it('kernels refuse mismatched tensors with a message naming them', () => {
    expect(() => run(Linear, { units: 2 }, { in0: fromValues([1, 3], [1, 2, 3]) }, { W0: fromValues([2, 2], [1, 2, 3, 4]), b: fromValues([2], [0, 0]) })).toThrow(
      /Linear param "W0": expected shape \[2, 3\]/,
    );
  });
});

describe('gradcheck catches wrong backward rules', () => {
  it('a tanh with the derivative of a sigmoid fails the check', () => {
    const wrong: NodeSpec<any> = { ...Tanh, kernel: unaryKernel('Tanh', Math.tanh, (_x, y) => y * (1 - y)) };
    expect(gradcheckNode(wrong).maxError).toBeGreaterThan(1e-2);
  });
  it('a Linear that forgets the bias gradient fails the check', () => {
    const k = Linear.kernel!;
    const wrong: NodeSpec<any> = {
      ...Linear,
      kernel: { ...k, backward: (...args: Parameters<typeof k.backward>) => ({ ...k.backward(...args), params: { ...k.backward(...args).params, b: fromValues([16], new Array(16).fill(0)) } }) },
    };
    const report = gradcheckNode(wrong);
    expect(report.paramTensors.b).toBeGreaterThan(0.5);
    expect(report.paramTensors.W0).toBeLessThan(1e-6);
  });
});
