import { z } from 'zod';
import { dims2, zeros } from '../engine/tensor';
import { elementwiseShape, ok, shapeError, unaryPorts } from './common';
import { need } from './kernel-helpers';
import type { NodeSpec } from './types';

export const ArgMaxParams = z.strictObject({
  /**
   * The output size, at least the input's C scores: positions C … size−1 are always 0, so class k
   * stays position k (room for ids the model is fed but never predicts, e.g. a decoder's start
   * token). Absent means C.
   */
  size: z
    .number()
    .int()
    .min(1)
    .max(1 << 16)
    .optional(),
});
export type ArgMaxParams = z.infer<typeof ArgMaxParams>;

const PORTS = unaryPorts('scores o', 'the one-hot vector of the largest score (ties: the lowest index), of size `size` (absent: the same size)');

/**
 * The one-hot arg-max of each row (ties: lowest index), padded with zeros to `size` when given.
 * Piecewise constant: no gradient flows through it.
 */
export const ArgMax: NodeSpec<ArgMaxParams> = {
  type: 'ArgMax',
  version: 1,
  category: 'output',
  title: 'Arg-max (one-hot)',
  description:
    'Picks the largest score of each row and outputs it as a one-hot vector (ties: the lowest index), e.g. the token a model feeds back to itself. A larger `size` pads it with zeros (class k stays k), to match a decoder input that also has a start token. It passes no gradient.',
  params: ArgMaxParams,
  ports: () => PORTS,
  shape: (p, inputs) => {
    const r = elementwiseShape(PORTS, inputs);
    const x = inputs.in;
    if (!r.ok || p.size === undefined || x === undefined || r.outputs.out === undefined) return r;
    if (p.size < x.dim) return shapeError('dim-mismatch', 'in', `input "in" has ${x.dim} scores, more than this ArgMax's size ${p.size}; set its size to at least ${x.dim}, or clear it`);
    return ok({ out: { ...r.outputs.out, dim: p.size } });
  },
  paramTensors: () => [],
  equation: String.raw`y = \operatorname{onehot}_S(\arg\max_{k < C} o_k) \in \{0,1\}^S,\quad S = \text{size} \ge C`,
  kernel: {
    forward(inputs, _params, p) {
      const o = need(inputs, 'in', 'ArgMax'); // o: (N,C)
      const [n, c] = dims2(o, 'ArgMax input "in"');
      const S = p.size ?? c;
      if (S < c) throw new Error(`ArgMax: input "in" has ${c} scores, more than its size ${S}`);
      const y = zeros([n, S]); // y: (N,S)
      for (let r = 0; r < n; r++) {
        let best = 0;
        for (let k = 1; k < c; k++) if (o.data[r * c + k] > o.data[r * c + best]) best = k;
        y.data[r * S + best] = 1;
      }
      return { outputs: { out: y }, saved: null };
    },
    backward(_gradOutputs, _saved, inputs) {
      return { inputs: { in: zeros(need(inputs, 'in', 'ArgMax').shape) }, params: {} };
    },
    checks: [{ params: { size: 5 }, dims: { in: 3 } }],
  },
};
