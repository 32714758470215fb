import { z } from 'zod';
import { dims2, zeros } from '../engine/tensor';
import { checkDeclared, ELEMENTWISE_ROLES, ok, outputPort, requiredShapes, UNKNOWN, widestRole } from './common';
import { gradOf, need } from './kernel-helpers';
import { poolSizes } from './softmax-pool';
import type { NodeSpec, PortDecl } from './types';

export const SoftmaxPoolWeightParams = z.strictObject({});
export type SoftmaxPoolWeightParams = z.infer<typeof SoftmaxPoolWeightParams>;

const PORTS: PortDecl[] = [
  { name: 'score', direction: 'in', roles: ELEMENTWISE_ROLES, dtype: 'real', description: 'α_t, a step’s score (size 1)' },
  { name: 'pool', direction: 'in', roles: ELEMENTWISE_ROLES, dtype: 'real', description: 'the softmax pool [m; S; A] of all steps (size D + 2), read at the last step' },
  outputPort('out', ELEMENTWISE_ROLES, 'p_t = softmax(α)_t (size 1)'),
];

/** The softmax weight of one step, `p_t = e^{α_t − m} / S`, from the pool of all steps. */
export const SoftmaxPoolWeight: NodeSpec<SoftmaxPoolWeightParams> = {
  type: 'SoftmaxPoolWeight',
  version: 1,
  category: 'attention',
  title: 'Softmax pool weight',
  description: 'The softmax weight of each step, e^{α_t − m} / S, from its score and the softmax pool of the whole sequence: the attention weights of a memory, to draw or inspect.',
  params: SoftmaxPoolWeightParams,
  ports: () => PORTS,
  shape: (_p, inputs) => {
    const bad = checkDeclared(PORTS, inputs) ?? poolSizes(inputs, 'pool');
    if (bad) return bad;
    const known = requiredShapes(PORTS, inputs);
    if (known === null) return UNKNOWN;
    return ok({ out: { role: widestRole(known.map((s) => s.role)), dim: 1, dtype: 'real' } });
  },
  paramTensors: () => [],
  equation: String.raw`p_t = e^{\alpha_t - m} / S`,
  kernel: {
    forward(inputs) {
      const score = need(inputs, 'score', 'SoftmaxPoolWeight'); // α: (N,1)
      const pool = need(inputs, 'pool', 'SoftmaxPoolWeight'); // [m; S; A]: (N,D+2)
      const [n, w] = dims2(pool, 'SoftmaxPoolWeight input "pool"');
      if (score.shape[0] !== n || score.shape[1] !== 1) throw new Error(`SoftmaxPoolWeight: input "score" must be [${n}, 1]`);
      const p = zeros([n, 1]);
      for (let r = 0; r < n; r++) {
        const S = pool.data[r * w + 1];
        if (S !== 0) p.data[r] = Math.exp(score.data[r] - pool.data[r * w]) / S;
      }
      return { outputs: { out: p }, saved: p };
    },
    backward(gradOutputs, p, inputs) {
      const pool = need(inputs, 'pool', 'SoftmaxPoolWeight');
      const [n, w] = pool.shape;
      const dp = gradOf(gradOutputs, 'out', [n, 1], 'SoftmaxPoolWeight');
      const dScore = zeros([n, 1]); // ∂p/∂α = p, ∂p/∂m = −p, ∂p/∂S = −p / S
      const dPool = zeros(pool.shape);
      for (let r = 0; r < n; r++) {
        const S = pool.data[r * w + 1];
        if (S === 0) continue;
        const g = dp.data[r] * p.data[r];
        dScore.data[r] = g;
        dPool.data[r * w] = -g;
        dPool.data[r * w + 1] = -g / S;
      }
      return { inputs: { score: dScore, pool: dPool }, params: {} };
    },
    defaultDims: { score: 1, pool: 3 },
  },
};
