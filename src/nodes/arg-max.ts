import { z } from 'zod';
import { dims2, zeros } from '../engine/tensor';
import { elementwiseShape, unaryPorts } from './common';
import { need } from './kernel-helpers';
import type { NodeSpec } from './types';

export const ArgMaxParams = z.strictObject({});
export type ArgMaxParams = z.infer<typeof ArgMaxParams>;

const PORTS = unaryPorts('scores o', 'the one-hot vector of the largest score (ties: the lowest index), the same size');

/** The one-hot arg-max of each row (ties: lowest index). Piecewise constant: no gradient flows through it. */
export const ArgMax: NodeSpec<ArgMaxParams> = {
  type: 'ArgMax',
  version: 1,
  category: 'output',
  title: 'Arg-max (one-hot)',
  description:
    'Picks the largest score of each row and outputs it as a one-hot vector (ties: the lowest index), e.g. the token a model feeds back to itself. It passes no gradient.',
  params: ArgMaxParams,
  ports: () => PORTS,
  shape: (_p, inputs) => elementwiseShape(PORTS, inputs),
  paramTensors: () => [],
  equation: String.raw`y = \operatorname{onehot}(\arg\max_k o_k)`,
  kernel: {
    forward(inputs) {
      const o = need(inputs, 'in', 'ArgMax'); // o: (N,C)
      const [n, c] = dims2(o, 'ArgMax input "in"');
      const y = zeros(o.shape); // y: (N,C)
      for (let r = 0; r < n; r++) {
        let best = 0;
        for (let k = 1; k < c; k++) if (o.data[r * c + k] > o.data[r * c + best]) best = k;
        y.data[r * c + best] = 1;
      }
      return { outputs: { out: y }, saved: null };
    },
    backward(_gradOutputs, _saved, inputs) {
      return { inputs: { in: zeros(need(inputs, 'in', 'ArgMax').shape) }, params: {} };
    },
  },
};
