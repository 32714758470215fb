import { z } from 'zod';
import { dims2, expectShape, map } from '../engine/tensor';
import { ELEMENTWISE_ROLES, elementwiseShape, numberedInputs, outputPort } from './common';
import { gradOf, need } from './kernel-helpers';
import type { NodeSpec, PortDecl } from './types';

export const MultiplyParams = z.strictObject({});
export type MultiplyParams = z.infer<typeof MultiplyParams>;

const PORTS: PortDecl[] = [
  ...numberedInputs(2, ELEMENTWISE_ROLES, (k) => (k === 0 ? 'a' : 'b, the same size as a')),
  outputPort('out', ELEMENTWISE_ROLES, 'a ⊙ b'),
];

/** The element-wise (Hadamard) product of two inputs: gating. */
export const Multiply: NodeSpec<MultiplyParams> = {
  type: 'Multiply',
  version: 1,
  category: 'primitive',
  title: 'Multiply',
  description: 'The element-wise product a ⊙ b of two inputs of one size; how a gate scales a value.',
  params: MultiplyParams,
  ports: () => PORTS,
  shape: (_p, inputs) => elementwiseShape(PORTS, inputs),
  paramTensors: () => [],
  equation: String.raw`y = a \odot b`,
  kernel: {
    forward(inputs) {
      const a = need(inputs, 'in0', 'Multiply'); // a: (N,D)
      const b = need(inputs, 'in1', 'Multiply'); // b: (N,D)
      dims2(a, 'Multiply input "in0"');
      expectShape(b, a.shape, 'Multiply input "in1"');
      return { outputs: { out: map(a, (x, i) => x * b.data[i]) }, saved: null };
    },
    backward(gradOutputs, _saved, inputs) {
      const a = need(inputs, 'in0', 'Multiply');
      const b = need(inputs, 'in1', 'Multiply');
      const dy = gradOf(gradOutputs, 'out', a.shape, 'Multiply');
      return {
        inputs: { in0: map(b, (x, i) => x * dy.data[i]), in1: map(a, (x, i) => x * dy.data[i]) },
        params: {},
      };
    },
  },
};
