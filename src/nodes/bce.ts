import { z } from 'zod';
import { dims2, expectShape, scalar, zeros, type Tensor } from '../engine/tensor';
import { gradOf, maskOf, need } from './kernel-helpers';
import { LOSS_OUTPUT, lossShape, Reduction } from './loss-common';
import type { NodeSpec, PortDecl } from './types';

export const BCEParams = z.strictObject({ reduction: Reduction });
export type BCEParams = z.infer<typeof BCEParams>;

const PORTS: PortDecl[] = [
  { name: 'logits', direction: 'in', roles: ['sequence', 'vector'], dtype: 'real', description: 'unnormalised scores o, one per output unit' },
  { name: 'target', direction: 'in', roles: ['sequence', 'vector'], dtype: 'real', description: 'the targets y in [0, 1], the same size as o' },
  LOSS_OUTPUT,
];

interface Saved {
  readonly o: Tensor; // logits: (N,D)
  readonly y: Tensor; // targets: (N,D)
  readonly mask: Tensor; // m: (N)
}

/** softplus(o) = log(1 + e^o), stable for large |o|. */
export function softplus(o: number): number {
  return Math.max(o, 0) + Math.log1p(Math.exp(-Math.abs(o)));
}

function sigmoid(o: number): number {
  return o >= 0 ? 1 / (1 + Math.exp(-o)) : Math.exp(o) / (1 + Math.exp(o));
}

/** `ℓ = mean_k (softplus(o_k) − y_k o_k)`: binary cross-entropy of σ(o) against y, from the logits. */
export const BCE: NodeSpec<BCEParams> = {
  type: 'BCE',
  version: 1,
  category: 'loss',
  title: 'Binary cross-entropy',
  description:
    'Loss of independent yes/no outputs (e.g. a stop unit), from logits: the cross-entropy of σ(o) against targets in [0, 1], averaged over output units, summed over valid steps and divided by the batch size (or averaged over valid steps).',
  params: BCEParams,
  ports: () => PORTS,
  shape: (_p, inputs) => lossShape(PORTS, inputs, 'logits', 'target', 'units'),
  paramTensors: () => [],
  equation: String.raw`\ell_{b,t} = \tfrac{1}{D}\sum_k \big(\log(1 + e^{o_{b,t,k}}) - y_{b,t,k}\, o_{b,t,k}\big),\quad L = \tfrac{1}{B}\sum_{b,t} m_{b,t}\,\ell_{b,t}`,
  kernel: {
    forward(inputs, _params, _attrs, ctx) {
      const o = need(inputs, 'logits', 'BCE'); // o: (N,D)
      const [n, d] = dims2(o, 'BCE input "logits"');
      const y = need(inputs, 'target', 'BCE'); // y: (N,D)
      expectShape(y, o.shape, 'BCE input "target"');
      const mask = maskOf(ctx, n, 'BCE');
      const rows = zeros([n]); // m ℓ: (N)
      let sum = 0;
      for (let r = 0; r < n; r++) {
        if (mask.data[r] === 0) continue;
        let s = 0;
        for (let k = 0; k < d; k++) s += softplus(o.data[r * d + k]) - y.data[r * d + k] * o.data[r * d + k];
        rows.data[r] = (mask.data[r] * s) / d;
        sum += rows.data[r];
      }
      return { outputs: { loss: scalar(sum), rows }, saved: { o, y, mask } satisfies Saved };
    },
    backward(gradOutputs, saved: Saved) {
      const { o, y, mask } = saved;
      const [n, d] = dims2(o, 'BCE saved logits');
      const gLoss = gradOf(gradOutputs, 'loss', [], 'BCE').data[0];
      const gRows = gradOf(gradOutputs, 'rows', [n], 'BCE');
      const dO = zeros([n, d]); // ∂L/∂o = g m (σ(o) − y) / D
      const dY = zeros([n, d]); // ∂L/∂y = −g m o / D
      for (let r = 0; r < n; r++) {
        const g = (mask.data[r] * (gLoss + gRows.data[r])) / d;
        if (g === 0) continue;
        for (let k = 0; k < d; k++) {
          const i = r * d + k;
          dO.data[i] = g * (sigmoid(o.data[i]) - y.data[i]);
          dY.data[i] = -g * o.data[i];
        }
      }
      return { inputs: { logits: dO, target: dY }, params: {} };
    },
  },
};
