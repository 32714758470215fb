import { z } from 'zod';
import { dims2, zeros, type Tensor } from '../engine/tensor';
import { checkDeclared, ELEMENTWISE_ROLES, ok, outputPort, requiredShapes, shapeError, UNKNOWN, widestRole } from './common';
import { gradOf, need } from './kernel-helpers';
import type { NodeSpec, PortDecl, PortShape, ShapeResult } from './types';

/**
 * A softmax-weighted sum over time steps, accumulated step by step and numerically stable (the
 * running maximum is subtracted, as in an online softmax). The pool is the vector `[m; S; A]`:
 * m the largest score so far, `S = Σ_j e^{α_j − m}`, `A = Σ_j e^{α_j − m} v_j`. Fed back through a
 * Delay (initial value zeros: the empty pool), its value at a sample's last valid step gives the
 * softmax read `A / S = Σ_j softmax(α)_j v_j` (`SoftmaxPoolRead`) and each step's weight
 * `e^{α_j − m} / S` (`SoftmaxPoolWeight`). An empty pool (S = 0) takes the first score as its maximum.
 */

export const SoftmaxPoolParams = z.strictObject({});
export type SoftmaxPoolParams = z.infer<typeof SoftmaxPoolParams>;

const PORTS: PortDecl[] = [
  { name: 'score', direction: 'in', roles: ELEMENTWISE_ROLES, dtype: 'real', description: 'α_t, the step’s score (size 1)' },
  { name: 'value', direction: 'in', roles: ELEMENTWISE_ROLES, dtype: 'real', description: 'v_t, the step’s value (size D)' },
  { name: 'prev', direction: 'in', roles: ELEMENTWISE_ROLES, dtype: 'real', description: 'the pool before this step, [m; S; A] (size D + 2), from a Delay' },
  outputPort('out', ELEMENTWISE_ROLES, 'the pool after this step, [m; S; A] (size D + 2)'),
];

/** Checks that `score` has size 1 and `pool` (a port) has the size of `value` + 2. */
export function poolSizes(inputs: Readonly<Record<string, PortShape | undefined>>, poolPort: string, valueSize?: number): ShapeResult | null {
  const score = inputs.score;
  if (score !== undefined && score.dim !== 1) return shapeError('dim-mismatch', 'score', `input "score" has size ${score.dim}, but a score has size 1; feed it a Dot product`);
  const pool = inputs[poolPort];
  if (pool !== undefined && pool.dim < 3) return shapeError('dim-mismatch', poolPort, `input "${poolPort}" has size ${pool.dim}, but a pool [m; S; A] has size D + 2 ≥ 3`);
  if (pool !== undefined && valueSize !== undefined && pool.dim !== valueSize + 2) {
    return shapeError('dim-mismatch', poolPort, `input "${poolPort}" has size ${pool.dim}, but "value" has size ${valueSize}; the pool has size D + 2 = ${valueSize + 2}`);
  }
  return null;
}

interface Saved {
  readonly out: Tensor; // [m'; S'; A']: (N,D+2)
  readonly q: Float64Array; // e^{α − m'}: (N)
  readonly r: Float64Array; // e^{m − m'}: (N)
  readonly newMax: Uint8Array; // 1 where m' = α: (N)
}

export const SoftmaxPool: NodeSpec<SoftmaxPoolParams> = {
  type: 'SoftmaxPool',
  version: 1,
  category: 'attention',
  title: 'Softmax pool',
  description:
    'Adds one step to a running softmax-weighted sum of values, [m; S; A] with the largest score m subtracted for stability. With a Delay it pools a whole sequence (the slots of a memory); read it at the last step.',
  params: SoftmaxPoolParams,
  ports: () => PORTS,
  shape: (_p, inputs) => {
    const bad = checkDeclared(PORTS, inputs) ?? poolSizes(inputs, 'prev', inputs.value?.dim);
    if (bad) return bad;
    const known = requiredShapes(PORTS, inputs);
    if (known === null) return UNKNOWN;
    return ok({ out: { role: widestRole(known.map((s) => s.role)), dim: inputs.prev!.dim, dtype: 'real' } });
  },
  paramTensors: () => [],
  equation: String.raw`m' = \max(m, \alpha_t),\; S' = S e^{m - m'} + e^{\alpha_t - m'},\; A' = A e^{m - m'} + e^{\alpha_t - m'} v_t`,
  kernel: {
    forward(inputs) {
      const score = need(inputs, 'score', 'SoftmaxPool'); // α: (N,1)
      const v = need(inputs, 'value', 'SoftmaxPool'); // v: (N,D)
      const prev = need(inputs, 'prev', 'SoftmaxPool'); // [m; S; A]: (N,D+2)
      const [n, d] = dims2(v, 'SoftmaxPool input "value"');
      const w = d + 2;
      if (score.shape[0] !== n || score.shape[1] !== 1) throw new Error(`SoftmaxPool: input "score" must be [${n}, 1]`);
      if (prev.shape[0] !== n || prev.shape[1] !== w) throw new Error(`SoftmaxPool: input "prev" must be [${n}, ${w}]`);
      const out = zeros([n, w]);
      const q = new Float64Array(n);
      const r = new Float64Array(n);
      const newMax = new Uint8Array(n);
      for (let row = 0; row < n; row++) {
        const a = score.data[row];
        const m = prev.data[row * w];
        const S = prev.data[row * w + 1];
        const top = S === 0 || a > m; // an empty pool takes the first score as its maximum
        const mNew = top ? a : m;
        newMax[row] = top ? 1 : 0;
        r[row] = top ? (S === 0 ? 0 : Math.exp(m - a)) : 1;
        q[row] = top ? 1 : Math.exp(a - m);
        out.data[row * w] = mNew;
        out.data[row * w + 1] = S * r[row] + q[row];
        for (let k = 0; k < d; k++) out.data[row * w + 2 + k] = prev.data[row * w + 2 + k] * r[row] + q[row] * v.data[row * d + k];
      }
      return { outputs: { out }, saved: { out, q, r, newMax } satisfies Saved };
    },
    backward(gradOutputs, saved: Saved, inputs) {
      const { q, r, newMax } = saved;
      const v = need(inputs, 'value', 'SoftmaxPool');
      const prev = need(inputs, 'prev', 'SoftmaxPool');
      const [n, d] = v.shape;
      const w = d + 2;
      const g = gradOf(gradOutputs, 'out', [n, w], 'SoftmaxPool'); // ∂L/∂[m'; S'; A']
      const dScore = zeros([n, 1]);
      const dV = zeros(v.shape);
      const dPrev = zeros(prev.shape);
      for (let row = 0; row < n; row++) {
        const gm = g.data[row * w];
        const gS = g.data[row * w + 1];
        let gq = gS; // ∂L/∂q and ∂L/∂r through S' = S r + q, A' = A r + q v
        let gr = gS * prev.data[row * w + 1];
        dPrev.data[row * w + 1] = gS * r[row];
        for (let k = 0; k < d; k++) {
          const gA = g.data[row * w + 2 + k];
          gq += gA * v.data[row * d + k];
          gr += gA * prev.data[row * w + 2 + k];
          dPrev.data[row * w + 2 + k] = gA * r[row];
          dV.data[row * d + k] = gA * q[row];
        }
        if (newMax[row] === 1) {
          // m' = α, q = 1, r = e^{m − α} (0 for an empty pool, whose m is not read)
          const t = gr * r[row];
          dPrev.data[row * w] = t;
          dScore.data[row] = gm - t;
        } else {
          // m' = m, r = 1, q = e^{α − m}
          const t = gq * q[row];
          dPrev.data[row * w] = gm - t;
          dScore.data[row] = t;
        }
      }
      return { inputs: { score: dScore, value: dV, prev: dPrev }, params: {} };
    },
    defaultDims: { score: 1, value: 3, prev: 5 },
  },
};
