import { z } from 'zod';
import { dims2, zeros } from '../engine/tensor';
import { checkDeclared, ELEMENTWISE_ROLES, ok, outputPort, UNKNOWN } from './common';
import { gradOf, need } from './kernel-helpers';
import { poolSizes } from './softmax-pool';
import type { NodeSpec, PortDecl } from './types';

export const SoftmaxPoolReadParams = z.strictObject({});
export type SoftmaxPoolReadParams = z.infer<typeof SoftmaxPoolReadParams>;

const PORTS: PortDecl[] = [
  { name: 'pool', direction: 'in', roles: ELEMENTWISE_ROLES, dtype: 'real', description: 'a softmax pool [m; S; A] (size D + 2), e.g. read at the last step' },
  outputPort('out', ELEMENTWISE_ROLES, 'A / S = Σ_j softmax(α)_j v_j (size D)'),
];

/** The softmax-weighted sum a `SoftmaxPool` holds: `A / S` (zero for an empty pool). */
export const SoftmaxPoolRead: NodeSpec<SoftmaxPoolReadParams> = {
  type: 'SoftmaxPoolRead',
  version: 1,
  category: 'attention',
  title: 'Softmax pool read',
  description: 'Reads the softmax-weighted sum of values out of a softmax pool [m; S; A]: A / S. Fed the pool at the last step, it is the read of an attention or memory.',
  params: SoftmaxPoolReadParams,
  ports: () => PORTS,
  shape: (_p, inputs) => {
    const bad = checkDeclared(PORTS, inputs) ?? poolSizes(inputs, 'pool');
    if (bad) return bad;
    const pool = inputs.pool;
    return pool === undefined ? UNKNOWN : ok({ out: { role: pool.role, dim: pool.dim - 2, dtype: 'real' } });
  },
  paramTensors: () => [],
  equation: String.raw`s = A / S = \sum_j \operatorname{softmax}(\alpha)_j\, v_j`,
  kernel: {
    forward(inputs) {
      const pool = need(inputs, 'pool', 'SoftmaxPoolRead'); // [m; S; A]: (N,D+2)
      const [n, w] = dims2(pool, 'SoftmaxPoolRead input "pool"');
      const d = w - 2;
      const s = zeros([n, d]); // A / S: (N,D)
      for (let r = 0; r < n; r++) {
        const S = pool.data[r * w + 1];
        if (S === 0) continue;
        for (let k = 0; k < d; k++) s.data[r * d + k] = pool.data[r * w + 2 + k] / S;
      }
      return { outputs: { out: s }, saved: null };
    },
    backward(gradOutputs, _saved, inputs) {
      const pool = need(inputs, 'pool', 'SoftmaxPoolRead');
      const [n, w] = pool.shape;
      const d = w - 2;
      const ds = gradOf(gradOutputs, 'out', [n, d], 'SoftmaxPoolRead');
      const dPool = zeros(pool.shape); // ∂/∂A = ds / S, ∂/∂S = −Σ ds A / S²
      for (let r = 0; r < n; r++) {
        const S = pool.data[r * w + 1];
        if (S === 0) continue;
        let gS = 0;
        for (let k = 0; k < d; k++) {
          const g = ds.data[r * d + k];
          dPool.data[r * w + 2 + k] = g / S;
          gS -= (g * pool.data[r * w + 2 + k]) / (S * S);
        }
        dPool.data[r * w + 1] = gS;
      }
      return { inputs: { pool: dPool }, params: {} };
    },
  },
};
