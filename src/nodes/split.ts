import { z } from 'zod';
import { dims2, zeros, type Tensor } from '../engine/tensor';
import { checkDeclared, ELEMENTWISE_ROLES, ok, outputPort, shapeError, UNKNOWN } from './common';
import { gradOf, need } from './kernel-helpers';
import type { NodeSpec, PortDecl, PortShape } from './types';

export const SplitParams = z.strictObject({
  /** Size of each part, in order; they must add up to the input size. */
  sizes: z.array(z.number().int().min(1).max(1 << 16)).min(2).max(16).default([1, 1]),
});
export type SplitParams = z.infer<typeof SplitParams>;

const ports = (p: SplitParams): PortDecl[] => [
  { name: 'in', direction: 'in', roles: ELEMENTWISE_ROLES, dtype: 'real', description: 'x, of size Σ sizes' },
  ...p.sizes.map((d, k) => outputPort(`out${k}`, ELEMENTWISE_ROLES, `part ${k}: the next ${d} features of x`)),
];

/** The inverse of Concat: consecutive slices of the feature axis, of sizes `sizes`. */
export const Split: NodeSpec<SplitParams> = {
  type: 'Split',
  version: 1,
  category: 'primitive',
  title: 'Split',
  description: 'Cuts its input along the feature axis into consecutive parts of the given sizes, which must add up to the input size.',
  params: SplitParams,
  ports,
  shape: (p, inputs) => {
    const bad = checkDeclared(ports(p), inputs);
    if (bad) return bad;
    const x = inputs.in;
    if (x === undefined) return UNKNOWN;
    const total = p.sizes.reduce((s, d) => s + d, 0);
    if (x.dim !== total) {
      return shapeError('dim-mismatch', 'in', `input "in" has size ${x.dim}, but the sizes [${p.sizes.join(', ')}] add up to ${total}; make them add up to ${x.dim}`);
    }
    const outputs: Record<string, PortShape> = {};
    p.sizes.forEach((d, k) => (outputs[`out${k}`] = { role: x.role, dim: d, dtype: 'real' }));
    return ok(outputs);
  },
  paramTensors: () => [],
  equation: String.raw`[y_0; y_1; \dots] = x,\quad \dim y_k = \text{sizes}_k`,
  kernel: {
    forward(inputs, _params, p) {
      const x = need(inputs, 'in', 'Split'); // x: (N,D)
      const [n, width] = dims2(x, 'Split input "in"');
      const total = p.sizes.reduce((s, d) => s + d, 0);
      if (width !== total) throw new Error(`Split: input "in" has ${width} columns, but the sizes add up to ${total}`);
      const outputs: Record<string, Tensor> = {};
      let off = 0;
      p.sizes.forEach((d, k) => {
        const y = zeros([n, d]); // y_k: (N,sizes_k)
        for (let r = 0; r < n; r++) for (let i = 0; i < d; i++) y.data[r * d + i] = x.data[r * width + off + i];
        outputs[`out${k}`] = y;
        off += d;
      });
      return { outputs, saved: [n, width] };
    },
    backward(gradOutputs, shape: readonly number[], _inputs, _params, p) {
      const [n, width] = shape;
      const dx = zeros([n, width]); // dx: each part's gradient in its columns
      let off = 0;
      p.sizes.forEach((d, k) => {
        const dy = gradOf(gradOutputs, `out${k}`, [n, d], 'Split');
        for (let r = 0; r < n; r++) for (let i = 0; i < d; i++) dx.data[r * width + off + i] = dy.data[r * d + i];
        off += d;
      });
      return { inputs: { in: dx }, params: {} };
    },
    defaultDims: { in: 2 },
    checks: [{ params: { sizes: [2, 3, 1] }, dims: { in: 6 } }],
  },
};
