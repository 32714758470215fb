import { z } from 'zod';
import { dims2, expectShape, map, zeros } from '../engine/tensor';
import { elementwiseShape, unaryPorts } from './common';
import { gradOf, need } from './kernel-helpers';
import type { NodeSpec } from './types';

export const DiagParams = z.strictObject({});
export type DiagParams = z.infer<typeof DiagParams>;

const PORTS = unaryPorts('the input x', 'p ⊙ x, the same size and role as x');

/**
 * y = p ⊙ x with a learned vector p (a diagonal weight matrix): the peephole connections of an LSTM.
 * The size of p is the size of its input.
 */
export const Diag: NodeSpec<DiagParams> = {
  type: 'Diag',
  version: 1,
  category: 'primitive',
  title: 'Diagonal weight',
  description:
    'Multiplies each unit of its input by its own learned weight, p ⊙ x (a diagonal weight matrix), as the peephole connections of an LSTM do.',
  params: DiagParams,
  ports: () => PORTS,
  shape: (_p, inputs) => elementwiseShape(PORTS, inputs),
  paramTensors: (_p, inputs) => (inputs.in === undefined ? [] : [{ name: 'p', shape: [inputs.in.dim], trainable: true, init: 'ones' }]),
  equation: String.raw`y = p \odot x`,
  kernel: {
    forward(inputs, params) {
      const x = need(inputs, 'in', 'Diag'); // x: (N,D)
      const d = dims2(x, 'Diag input "in"')[1];
      const p = need(params, 'p', 'Diag'); // p: (D)
      expectShape(p, [d], 'Diag param "p"');
      return { outputs: { out: map(x, (v, i) => p.data[i % d] * v) }, saved: null };
    },
    backward(gradOutputs, _saved, inputs, params) {
      const x = need(inputs, 'in', 'Diag');
      const p = need(params, 'p', 'Diag');
      const d = x.shape[1];
      const dy = gradOf(gradOutputs, 'out', x.shape, 'Diag'); // dy: (N,D)
      const dp = zeros([d]); // dp = Σ_rows dy ⊙ x: (D)
      for (let i = 0; i < x.data.length; i++) dp.data[i % d] += dy.data[i] * x.data[i];
      return { inputs: { in: map(dy, (g, i) => g * p.data[i % d]) }, params: { p: dp } };
    },
  },
};
