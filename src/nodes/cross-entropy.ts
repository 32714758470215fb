import { z } from 'zod';
import { dims2, expectShape, scalar, zeros, type Tensor } from '../engine/tensor';
import { gradOf, maskOf, need } from './kernel-helpers';
import { LOSS_OUTPUT, lossShape, Reduction } from './loss-common';
import type { NodeSpec, PortDecl } from './types';

export const CrossEntropyParams = z.strictObject({ reduction: Reduction });
export type CrossEntropyParams = z.infer<typeof CrossEntropyParams>;

const PORTS: PortDecl[] = [
  { name: 'logits', direction: 'in', roles: ['sequence', 'vector'], dtype: 'real', description: 'unnormalised scores o, one per class' },
  { name: 'target', direction: 'in', roles: ['sequence', 'vector'], dtype: 'index', description: 'the true class ids y' },
  LOSS_OUTPUT,
];

interface Saved {
  readonly p: Tensor; // softmax(o): (N,C)
  readonly target: Tensor; // y: (N)
  readonly mask: Tensor; // m: (N)
}

/** `ℓ = −log softmax(o)[y]`, computed from the logits by log-sum-exp. */
export const CrossEntropy: NodeSpec<CrossEntropyParams> = {
  type: 'CrossEntropy',
  version: 1,
  category: 'loss',
  title: 'Cross-entropy',
  description:
    'Classification loss from logits and true class ids: the negative log-probability of the true class, summed over valid steps and divided by the batch size (or averaged over valid steps).',
  params: CrossEntropyParams,
  ports: () => PORTS,
  shape: (_p, inputs) => lossShape(PORTS, inputs, 'logits', 'target', 'classes'),
  paramTensors: () => [],
  equation: String.raw`\ell_{b,t} = -\log \operatorname{softmax}(o_{b,t})_{y_{b,t}},\quad L = \tfrac{1}{B}\sum_{b,t} m_{b,t}\,\ell_{b,t}`,
  kernel: {
    forward(inputs, _params, _attrs, ctx) {
      const o = need(inputs, 'logits', 'CrossEntropy'); // o: (N,C)
      const [n, c] = dims2(o, 'CrossEntropy input "logits"');
      const y = need(inputs, 'target', 'CrossEntropy'); // y: (N)
      expectShape(y, [n], 'CrossEntropy input "target"');
      const mask = maskOf(ctx, n, 'CrossEntropy');
      const p = zeros([n, c]);
      const rows = zeros([n]); // m ℓ: (N)
      let sum = 0;
      for (let r = 0; r < n; r++) {
        let m = -Infinity;
        for (let k = 0; k < c; k++) m = Math.max(m, o.data[r * c + k]);
        let s = 0;
        for (let k = 0; k < c; k++) {
          const e = Math.exp(o.data[r * c + k] - m);
          p.data[r * c + k] = e;
          s += e;
        }
        for (let k = 0; k < c; k++) p.data[r * c + k] /= s;
        if (mask.data[r] === 0) continue;
        const cls = y.data[r];
        if (!Number.isInteger(cls) || cls < 0 || cls >= c) {
          throw new Error(`CrossEntropy: target ${cls} in row ${r} is not a class id in 0…${c - 1}`);
        }
        const l = m + Math.log(s) - o.data[r * c + cls]; // logsumexp(o) − o_y
        rows.data[r] = mask.data[r] * l;
        sum += rows.data[r];
      }
      return { outputs: { loss: scalar(sum), rows }, saved: { p, target: y, mask } satisfies Saved };
    },
    backward(gradOutputs, saved: Saved) {
      const { p, target, mask } = saved;
      const [n, c] = dims2(p, 'CrossEntropy saved probabilities');
      const gLoss = gradOf(gradOutputs, 'loss', [], 'CrossEntropy').data[0];
      const gRows = gradOf(gradOutputs, 'rows', [n], 'CrossEntropy');
      const dO = zeros([n, c]); // ∂L/∂o = g m (softmax(o) − onehot(y)): (N,C)
      for (let r = 0; r < n; r++) {
        const g = mask.data[r] * (gLoss + gRows.data[r]);
        if (g === 0) continue;
        for (let k = 0; k < c; k++) dO.data[r * c + k] = g * p.data[r * c + k];
        dO.data[r * c + target.data[r]] -= g;
      }
      return { inputs: { logits: dO }, params: {} };
    },
  },
};
