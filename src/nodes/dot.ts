import { z } from 'zod';
import { dims2, expectShape, zeros } from '../engine/tensor';
import { ELEMENTWISE_ROLES, elementwiseShape, numberedInputs, ok, outputPort } from './common';
import { gradOf, need } from './kernel-helpers';
import type { NodeSpec, PortDecl } from './types';

export const DotParams = z.strictObject({});
export type DotParams = z.infer<typeof DotParams>;

const PORTS: PortDecl[] = [
  ...numberedInputs(2, ELEMENTWISE_ROLES, (k) => (k === 0 ? 'a' : 'b, the same size as a')),
  outputPort('out', ELEMENTWISE_ROLES, 'aᵀb, of size 1'),
];

/** The dot product of two inputs of one size, per row: a score of size 1 (e.g. `k_jᵀ x` of a memory). */
export const Dot: NodeSpec<DotParams> = {
  type: 'Dot',
  version: 1,
  category: 'primitive',
  title: 'Dot product',
  description: 'The dot product aᵀb of two inputs of one size, per sample and step: one number, e.g. how well a key matches a query.',
  params: DotParams,
  ports: () => PORTS,
  shape: (_p, inputs) => {
    const r = elementwiseShape(PORTS, inputs);
    if (!r.ok || r.outputs.out === undefined) return r;
    return ok({ out: { ...r.outputs.out, dim: 1 } });
  },
  paramTensors: () => [],
  equation: String.raw`y = a^\top b`,
  kernel: {
    forward(inputs) {
      const a = need(inputs, 'in0', 'Dot'); // a: (N,D)
      const b = need(inputs, 'in1', 'Dot'); // b: (N,D)
      const [n, d] = dims2(a, 'Dot input "in0"');
      expectShape(b, a.shape, 'Dot input "in1"');
      const y = zeros([n, 1]); // y: (N,1)
      for (let r = 0; r < n; r++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += a.data[r * d + k] * b.data[r * d + k];
        y.data[r] = s;
      }
      return { outputs: { out: y }, saved: null };
    },
    backward(gradOutputs, _saved, inputs) {
      const a = need(inputs, 'in0', 'Dot');
      const b = need(inputs, 'in1', 'Dot');
      const [n, d] = a.shape;
      const dy = gradOf(gradOutputs, 'out', [n, 1], 'Dot'); // dy: (N,1)
      const da = zeros(a.shape); // da = dy b
      const db = zeros(b.shape); // db = dy a
      for (let r = 0; r < n; r++) {
        const g = dy.data[r];
        for (let k = 0; k < d; k++) {
          da.data[r * d + k] = g * b.data[r * d + k];
          db.data[r * d + k] = g * a.data[r * d + k];
        }
      }
      return { inputs: { in0: da, in1: db }, params: {} };
    },
  },
};
