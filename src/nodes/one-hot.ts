import { z } from 'zod';
import { zeros, type Tensor } from '../engine/tensor';
import { idsToVectorsShape, outputPort } from './common';
import { maskOf, need } from './kernel-helpers';
import type { NodeSpec, PortDecl } from './types';

export const OneHotParams = z.strictObject({
  /** Number of classes V; the input's class count must equal it. */
  classes: z.number().int().min(1).max(1 << 16).default(16),
});
export type OneHotParams = z.infer<typeof OneHotParams>;

const ports = (p: OneHotParams): PortDecl[] => [
  { name: 'index', direction: 'in', roles: ['sequence', 'vector'], dtype: 'index', description: `class or token ids k in 0…${p.classes - 1}` },
  outputPort('out', ['sequence', 'vector'], `onehot(k): a real vector of size ${p.classes}, 1 at k and 0 elsewhere`),
];

/**
 * Token id k ↦ the one-hot vector `e_k` of size V: the one-hot token input of models.md (an
 * Embedding with `E = I`, with nothing to learn). Ids carry no gradient. Padded rows (mask 0) give
 * zeros and their ids are never read.
 */
export const OneHot: NodeSpec<OneHotParams> = {
  type: 'OneHot',
  version: 1,
  category: 'primitive',
  title: 'One-hot',
  description: 'Turns class or token ids into one-hot vectors: id k among V classes gives a vector of size V with a 1 at position k. No parameters.',
  params: OneHotParams,
  ports,
  shape: (p, inputs) => idsToVectorsShape(ports(p), inputs, 'OneHot', 'classes', p.classes, p.classes),
  paramTensors: () => [],
  equation: String.raw`y = \operatorname{onehot}(k) = e_k \in \{0,1\}^{V}`,
  kernel: {
    forward(inputs, _params, p, ctx) {
      const ids = need(inputs, 'index', 'OneHot'); // k: (N)
      if (ids.shape.length !== 1) throw new Error(`OneHot input "index": expected ids [N], got [${ids.shape.join(', ')}]`);
      const n = ids.shape[0];
      const mask = maskOf(ctx, n, 'OneHot');
      const y: Tensor = zeros([n, p.classes]); // y: (N,V)
      for (let r = 0; r < n; r++) {
        if (mask.data[r] === 0) continue;
        const k = ids.data[r];
        if (!Number.isInteger(k) || k < 0 || k >= p.classes) throw new Error(`OneHot: id ${k} in row ${r} is not a class in 0…${p.classes - 1}`);
        y.data[r * p.classes + k] = 1;
      }
      return { outputs: { out: y }, saved: undefined };
    },
    backward() {
      return { inputs: {}, params: {} };
    },
    defaultDims: { index: 16 },
    checks: [{ params: { classes: 3 }, dims: { index: 3 } }],
  },
};
