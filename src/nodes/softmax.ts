import { z } from 'zod';
import { dims2, map, zeros } from '../engine/tensor';
import { elementwiseShape, unaryPorts } from './common';
import { gradOf, need } from './kernel-helpers';
import type { NodeSpec } from './types';

export const SoftmaxParams = z.strictObject({});
export type SoftmaxParams = z.infer<typeof SoftmaxParams>;

const PORTS = unaryPorts('logits o', 'probabilities softmax(o), the same size and role');

/** Softmax over the feature axis, per row (stable: the row maximum is subtracted first). */
export const Softmax: NodeSpec<SoftmaxParams> = {
  type: 'Softmax',
  version: 1,
  category: 'output',
  title: 'Softmax',
  description:
    'Turns logits into class probabilities, per sample and step. A CrossEntropy loss takes the logits themselves, not this output.',
  params: SoftmaxParams,
  ports: () => PORTS,
  shape: (_p, inputs) => elementwiseShape(PORTS, inputs),
  paramTensors: () => [],
  equation: String.raw`y_k = \frac{e^{o_k}}{\sum_j e^{o_j}}`,
  kernel: {
    forward(inputs) {
      const o = need(inputs, 'in', 'Softmax'); // o: (N,C)
      const [n, c] = dims2(o, 'Softmax input "in"');
      const y = zeros(o.shape); // y: (N,C)
      for (let r = 0; r < n; r++) {
        let m = -Infinity;
        for (let k = 0; k < c; k++) m = Math.max(m, o.data[r * c + k]);
        let s = 0;
        for (let k = 0; k < c; k++) {
          const e = Math.exp(o.data[r * c + k] - m);
          y.data[r * c + k] = e;
          s += e;
        }
        for (let k = 0; k < c; k++) y.data[r * c + k] /= s;
      }
      return { outputs: { out: y }, saved: y };
    },
    backward(gradOutputs, y) {
      const [n, c] = dims2(y, 'Softmax saved output');
      const dy = gradOf(gradOutputs, 'out', y.shape, 'Softmax');
      // dx = y ⊙ (dy − Σ_k dy_k y_k), per row
      const inner = new Float64Array(n);
      for (let r = 0; r < n; r++) for (let k = 0; k < c; k++) inner[r] += dy.data[r * c + k] * y.data[r * c + k];
      const dx = map(y, (yi, i) => yi * (dy.data[i] - inner[Math.floor(i / c)]));
      return { inputs: { in: dx }, params: {} };
    },
  },
};
