import { z } from 'zod';
import { clone, dims2, expectShape, zeros } from '../engine/tensor';
import { ELEMENTWISE_ROLES, elementwiseShape, numberedInputs, outputPort } from './common';
import { gradOf, need } from './kernel-helpers';
import type { NodeSpec, PortDecl } from './types';

export const AddParams = z.strictObject({
  /** Number of summands. */
  inputs: z.number().int().min(2).max(16).default(2),
});
export type AddParams = z.infer<typeof AddParams>;

const ports = (p: AddParams): PortDecl[] => [
  ...numberedInputs(p.inputs, ELEMENTWISE_ROLES, (k) => `summand ${k}`),
  outputPort('out', ELEMENTWISE_ROLES, 'the element-wise sum'),
];

/** Element-wise sum of n inputs of one size. */
export const Add: NodeSpec<AddParams> = {
  type: 'Add',
  version: 1,
  category: 'primitive',
  title: 'Add',
  description: 'The element-wise sum of its inputs, which must all have the same size (residual paths, leaky and GRU state updates).',
  params: AddParams,
  ports,
  shape: (p, inputs) => elementwiseShape(ports(p), inputs),
  paramTensors: () => [],
  equation: String.raw`y = \sum_{k} x_k`,
  kernel: {
    forward(inputs, _params, p) {
      const x0 = need(inputs, 'in0', 'Add'); // x_k: (N,D)
      dims2(x0, 'Add input "in0"');
      const y = zeros(x0.shape); // y: (N,D)
      for (let k = 0; k < p.inputs; k++) {
        const x = need(inputs, `in${k}`, 'Add');
        expectShape(x, x0.shape, `Add input "in${k}"`);
        for (let i = 0; i < y.data.length; i++) y.data[i] += x.data[i];
      }
      return { outputs: { out: y }, saved: y.shape };
    },
    backward(gradOutputs, shape: readonly number[], _inputs, _params, p) {
      const dy = gradOf(gradOutputs, 'out', shape, 'Add');
      const gi: Record<string, ReturnType<typeof clone>> = {};
      for (let k = 0; k < p.inputs; k++) gi[`in${k}`] = clone(dy);
      return { inputs: gi, params: {} };
    },
    checks: [{ params: { inputs: 3 } }],
  },
};
