import { z } from 'zod';
import { dims2, expectShape, zeros, type Tensor } from '../engine/tensor';
import { checkDeclared, ELEMENTWISE_ROLES, numberedInputs, ok, outputPort, requiredShapes, UNKNOWN, widestRole } from './common';
import { gradOf, need } from './kernel-helpers';
import type { ParamTensorDecl, NodeSpec, PortDecl } from './types';

export const LinearParams = z.strictObject({
  /** Number of inputs K: `y = b + W0 x0 + … + W{K−1} x{K−1}`. */
  inputs: z.number().int().min(1).max(16).default(1),
  /** Output size. */
  units: z.number().int().min(1).max(1 << 16).default(16),
  bias: z.boolean().default(true),
});
export type LinearParams = z.infer<typeof LinearParams>;

const ports = (p: LinearParams): PortDecl[] => [
  ...numberedInputs(p.inputs, ELEMENTWISE_ROLES, (k) => `x${k}, multiplied by W${k} [units, size of x${k}]`),
  outputPort('out', ELEMENTWISE_ROLES, 'y, of size `units`'),
];

/**
 * `y = b + Σ_k W_k x_k` with every `W_k` stored `[out, in_k]` (models.md). A recurrent square block
 * (input from a Delay, same size as the output) is initialised orthogonal, other weights Glorot.
 */
export const Linear: NodeSpec<LinearParams> = {
  type: 'Linear',
  version: 1,
  category: 'primitive',
  title: 'Linear',
  description: 'An affine map of one or more inputs: y = b + W0 x0 + W1 x1 + …; the building block of gates, cells and output layers.',
  params: LinearParams,
  ports,
  shape: (p, inputs) => {
    const all = ports(p);
    const bad = checkDeclared(all, inputs);
    if (bad) return bad;
    const known = requiredShapes(all, inputs);
    if (known === null) return UNKNOWN;
    return ok({ out: { role: widestRole(known.map((s) => s.role)), dim: p.units, dtype: 'real' } });
  },
  paramTensors: (p, inputs) => {
    const out: ParamTensorDecl[] = [];
    for (let k = 0; k < p.inputs; k++) {
      const s = inputs[`in${k}`];
      if (s === undefined) continue;
      const recurrent = s.role === 'state' && s.dim === p.units;
      out.push({ name: `W${k}`, shape: [p.units, s.dim], trainable: true, init: recurrent ? 'orthogonal' : 'glorot' });
    }
    if (p.bias) out.push({ name: 'b', shape: [p.units], trainable: true, init: 'zeros' });
    return out;
  },
  equation: String.raw`y = b + \sum_{k} W_k\, x_k`,
  kernel: {
    forward(inputs, params, p) {
      const n = dims2(need(inputs, 'in0', 'Linear'), 'Linear input "in0"')[0];
      const out = zeros([n, p.units]); // y: (N,O)
      const o = out.data;
      for (let k = 0; k < p.inputs; k++) {
        const x = need(inputs, `in${k}`, 'Linear'); // x: (N,I)
        const [rows, in_] = dims2(x, `Linear input "in${k}"`);
        if (rows !== n) throw new Error(`Linear: input "in${k}" has ${rows} rows, "in0" has ${n}`);
        const w = need(params, `W${k}`, 'Linear'); // W: (O,I)
        expectShape(w, [p.units, in_], `Linear param "W${k}"`);
        for (let r = 0; r < n; r++) {
          for (let u = 0; u < p.units; u++) {
            let s = 0;
            for (let i = 0; i < in_; i++) s += w.data[u * in_ + i] * x.data[r * in_ + i];
            o[r * p.units + u] += s;
          }
        }
      }
      if (p.bias) {
        const b = need(params, 'b', 'Linear'); // b: (O)
        expectShape(b, [p.units], 'Linear param "b"');
        for (let r = 0; r < n; r++) for (let u = 0; u < p.units; u++) o[r * p.units + u] += b.data[u];
      }
      return { outputs: { out }, saved: n };
    },
    backward(gradOutputs, n: number, inputs, params, p) {
      const dy = gradOf(gradOutputs, 'out', [n, p.units], 'Linear'); // dy: (N,O)
      const gi: Record<string, Tensor> = {};
      const gp: Record<string, Tensor> = {};
      for (let k = 0; k < p.inputs; k++) {
        const x = need(inputs, `in${k}`, 'Linear');
        const w = need(params, `W${k}`, 'Linear');
        const in_ = x.shape[1];
        const dx = zeros(x.shape); // dx = dy W: (N,I)
        const dw = zeros(w.shape); // dW = dyᵀ x: (O,I)
        for (let r = 0; r < n; r++) {
          for (let u = 0; u < p.units; u++) {
            const g = dy.data[r * p.units + u];
            if (g === 0) continue;
            for (let i = 0; i < in_; i++) {
              dx.data[r * in_ + i] += g * w.data[u * in_ + i];
              dw.data[u * in_ + i] += g * x.data[r * in_ + i];
            }
          }
        }
        gi[`in${k}`] = dx;
        gp[`W${k}`] = dw;
      }
      if (p.bias) {
        const db = zeros([p.units]); // db = Σ_rows dy: (O)
        for (let r = 0; r < n; r++) for (let u = 0; u < p.units; u++) db.data[u] += dy.data[r * p.units + u];
        gp.b = db;
      }
      return { inputs: gi, params: gp };
    },
    checks: [
      { params: { inputs: 2, units: 4 }, dims: { in0: 3, in1: 4 } },
      { params: { inputs: 3, units: 2, bias: false }, dims: { in0: 1, in1: 5, in2: 2 } },
    ],
  },
};
