import { z } from 'zod';
import { dims2, zeros, type Tensor } from '../engine/tensor';
import { checkDeclared, ELEMENTWISE_ROLES, numberedInputs, ok, outputPort, requiredShapes, UNKNOWN, widestRole } from './common';
import { gradOf, need } from './kernel-helpers';
import type { NodeSpec, PortDecl } from './types';

export const ConcatParams = z.strictObject({
  /** Number of parts. */
  inputs: z.number().int().min(2).max(16).default(2),
});
export type ConcatParams = z.infer<typeof ConcatParams>;

const ports = (p: ConcatParams): PortDecl[] => [
  ...numberedInputs(p.inputs, ELEMENTWISE_ROLES, (k) => `part ${k}`),
  outputPort('out', ELEMENTWISE_ROLES, 'the parts one after another: [x_0; x_1; …]'),
];

/** `[x_0; x_1; …]` along the feature axis; sizes add up, the role is the widest of the inputs. */
export const Concat: NodeSpec<ConcatParams> = {
  type: 'Concat',
  version: 1,
  category: 'primitive',
  title: 'Concat',
  description:
    'Joins its inputs along the feature axis, [x_0; x_1; …]; the output size is the sum of the input sizes (a decoder input [y_{i−1}; c_i], bidirectional states).',
  params: ConcatParams,
  ports,
  shape: (p, inputs) => {
    const all = ports(p);
    const bad = checkDeclared(all, inputs);
    if (bad) return bad;
    const known = requiredShapes(all, inputs);
    if (known === null) return UNKNOWN;
    const dim = known.reduce((s, k) => s + k.dim, 0);
    return ok({ out: { role: widestRole(known.map((s) => s.role)), dim, dtype: 'real' } });
  },
  paramTensors: () => [],
  equation: String.raw`y = [x_0; x_1; \dots; x_{K-1}]`,
  kernel: {
    forward(inputs, _params, p) {
      const parts: Tensor[] = [];
      let width = 0;
      const n = dims2(need(inputs, 'in0', 'Concat'), 'Concat input "in0"')[0];
      for (let k = 0; k < p.inputs; k++) {
        const x = need(inputs, `in${k}`, 'Concat'); // x_k: (N,D_k)
        const [rows, d] = dims2(x, `Concat input "in${k}"`);
        if (rows !== n) throw new Error(`Concat: input "in${k}" has ${rows} rows, "in0" has ${n}`);
        parts.push(x);
        width += d;
      }
      const y = zeros([n, width]); // y: (N,ΣD_k)
      let off = 0;
      for (const x of parts) {
        const d = x.shape[1];
        for (let r = 0; r < n; r++) for (let i = 0; i < d; i++) y.data[r * width + off + i] = x.data[r * d + i];
        off += d;
      }
      return { outputs: { out: y }, saved: [n, width] };
    },
    backward(gradOutputs, shape: readonly number[], inputs, _params, p) {
      const [n, width] = shape;
      const dy = gradOf(gradOutputs, 'out', shape, 'Concat');
      const gi: Record<string, Tensor> = {};
      let off = 0;
      for (let k = 0; k < p.inputs; k++) {
        const d = need(inputs, `in${k}`, 'Concat').shape[1];
        const dx = zeros([n, d]); // dx_k: the columns of dy that x_k filled
        for (let r = 0; r < n; r++) for (let i = 0; i < d; i++) dx.data[r * d + i] = dy.data[r * width + off + i];
        gi[`in${k}`] = dx;
        off += d;
      }
      return { inputs: gi, params: {} };
    },
    checks: [{ params: { inputs: 3 }, dims: { in0: 1, in1: 4, in2: 2 } }],
  },
};
