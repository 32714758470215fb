import { z } from 'zod';
import { dims2, expectShape, scalar, zeros, type Tensor } from '../engine/tensor';
import { gradOf, maskOf, need } from './kernel-helpers';
import { LOSS_OUTPUT, lossShape, Reduction } from './loss-common';
import type { NodeSpec, PortDecl } from './types';

export const MSEParams = z.strictObject({ reduction: Reduction });
export type MSEParams = z.infer<typeof MSEParams>;

const PORTS: PortDecl[] = [
  { name: 'prediction', direction: 'in', roles: ['sequence', 'vector'], dtype: 'real', description: 'the prediction o' },
  { name: 'target', direction: 'in', roles: ['sequence', 'vector'], dtype: 'real', description: 'the true values y, the same size as o' },
  LOSS_OUTPUT,
];

interface Saved {
  readonly diff: Tensor; // o − y: (N,D)
  readonly mask: Tensor; // m: (N)
}

/** `ℓ = mean_k (o_k − y_k)²` per valid step (mean over output units). */
export const MSE: NodeSpec<MSEParams> = {
  type: 'MSE',
  version: 1,
  category: 'loss',
  title: 'Mean squared error',
  description:
    'Regression loss: the squared difference between prediction and target, averaged over output units, summed over valid steps and divided by the batch size (or averaged over valid steps).',
  params: MSEParams,
  ports: () => PORTS,
  shape: (_p, inputs) => lossShape(PORTS, inputs, 'prediction', 'target', 'units'),
  paramTensors: () => [],
  equation: String.raw`\ell_{b,t} = \tfrac{1}{D}\sum_k (o_{b,t,k} - y_{b,t,k})^2,\quad L = \tfrac{1}{B}\sum_{b,t} m_{b,t}\,\ell_{b,t}`,
  kernel: {
    forward(inputs, _params, _attrs, ctx) {
      const o = need(inputs, 'prediction', 'MSE'); // o: (N,D)
      const [n, d] = dims2(o, 'MSE input "prediction"');
      const y = need(inputs, 'target', 'MSE'); // y: (N,D)
      expectShape(y, o.shape, 'MSE input "target"');
      const mask = maskOf(ctx, n, 'MSE');
      const diff = zeros([n, d]);
      const rows = zeros([n]); // m ℓ: (N)
      let sum = 0;
      for (let r = 0; r < n; r++) {
        let s = 0;
        for (let k = 0; k < d; k++) {
          const e = o.data[r * d + k] - y.data[r * d + k];
          diff.data[r * d + k] = e;
          s += e * e;
        }
        rows.data[r] = (mask.data[r] * s) / d;
        sum += rows.data[r];
      }
      return { outputs: { loss: scalar(sum), rows }, saved: { diff, mask } satisfies Saved };
    },
    backward(gradOutputs, saved: Saved) {
      const { diff, mask } = saved;
      const [n, d] = dims2(diff, 'MSE saved difference');
      const gLoss = gradOf(gradOutputs, 'loss', [], 'MSE').data[0];
      const gRows = gradOf(gradOutputs, 'rows', [n], 'MSE');
      const dO = zeros([n, d]); // ∂L/∂o = g m 2 (o − y) / D; ∂L/∂y = −∂L/∂o
      const dY = zeros([n, d]);
      for (let r = 0; r < n; r++) {
        const g = (mask.data[r] * (gLoss + gRows.data[r]) * 2) / d;
        for (let k = 0; k < d; k++) {
          dO.data[r * d + k] = g * diff.data[r * d + k];
          dY.data[r * d + k] = -dO.data[r * d + k];
        }
      }
      return { inputs: { prediction: dO, target: dY }, params: {} };
    },
  },
};
