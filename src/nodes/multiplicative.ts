import { z } from 'zod';
import { dims2, expectShape, zeros } from '../engine/tensor';
import { checkDeclared, ELEMENTWISE_ROLES, ok, outputPort, UNKNOWN, widestRole } from './common';
import { gradOf, need } from './kernel-helpers';
import type { NodeSpec, PortDecl } from './types';

export const MultiplicativeParams = z.strictObject({
  /** Output size O. */
  size: z.number().int().min(1).max(4096).default(16),
});
export type MultiplicativeParams = z.infer<typeof MultiplicativeParams>;

const PORTS: PortDecl[] = [
  { name: 'x', direction: 'in', roles: ELEMENTWISE_ROLES, dtype: 'real', description: 'x, the input the computed weights are applied to (size I)' },
  { name: 'z', direction: 'in', roles: ELEMENTWISE_ROLES, dtype: 'real', description: 'z, the context that computes the weights (size Z)' },
  outputPort('y', ELEMENTWISE_ROLES, 'y = W(z) x, of size `size`'),
];

/**
 * The multiplicative module (hypernetwork) of models.md: `W(z)_{ij} = Σ_k U_{ijk} z_k`, `y = W(z) x`,
 * with `U [O, I, Z]` and no bias. The output has the widest role of `x` and `z`.
 */
export const Multiplicative: NodeSpec<MultiplicativeParams> = {
  type: 'Multiplicative',
  version: 1,
  category: 'primitive',
  title: 'Multiplicative (hypernetwork)',
  description:
    'A linear map whose weight matrix is computed from a context z: W(z) = Σ_k U[:, :, k] z_k, then y = W(z) x. The context decides how the input is mixed.',
  params: MultiplicativeParams,
  ports: () => PORTS,
  shape: (p, inputs) => {
    const bad = checkDeclared(PORTS, inputs);
    if (bad) return bad;
    const { x, z: ctx } = inputs;
    if (x === undefined || ctx === undefined) return UNKNOWN;
    return ok({ y: { role: widestRole([x.role, ctx.role]), dim: p.size, dtype: 'real' } });
  },
  paramTensors: (p, inputs) => {
    const { x, z: ctx } = inputs;
    if (x === undefined || ctx === undefined) return [];
    return [{ name: 'U', shape: [p.size, x.dim, ctx.dim], trainable: true, init: 'glorot' }];
  },
  equation: String.raw`W(z)_{ij} = \sum_k U_{ijk}\, z_k,\quad y = W(z)\, x`,
  kernel: {
    forward(inputs, params, p) {
      const x = need(inputs, 'x', 'Multiplicative'); // x: (N,I)
      const ctx = need(inputs, 'z', 'Multiplicative'); // z: (N,Z)
      const [n, I] = dims2(x, 'Multiplicative input "x"');
      const [nz, Z] = dims2(ctx, 'Multiplicative input "z"');
      if (nz !== n) throw new Error(`Multiplicative: input "z" has ${nz} rows, "x" has ${n}`);
      const u = need(params, 'U', 'Multiplicative'); // U: (O,I,Z)
      expectShape(u, [p.size, I, Z], 'Multiplicative param "U"');
      const O = p.size;
      const y = zeros([n, O]); // y_o = Σ_i x_i Σ_k U_oik z_k: (N,O)
      for (let r = 0; r < n; r++) {
        for (let o = 0; o < O; o++) {
          let s = 0;
          for (let i = 0; i < I; i++) {
            let w = 0; // W(z)_oi
            for (let k = 0; k < Z; k++) w += u.data[(o * I + i) * Z + k] * ctx.data[r * Z + k];
            s += w * x.data[r * I + i];
          }
          y.data[r * O + o] = s;
        }
      }
      return { outputs: { y }, saved: null };
    },
    backward(gradOutputs, _saved, inputs, params, p) {
      const x = need(inputs, 'x', 'Multiplicative');
      const ctx = need(inputs, 'z', 'Multiplicative');
      const u = need(params, 'U', 'Multiplicative');
      const [n, I] = x.shape;
      const Z = ctx.shape[1];
      const O = p.size;
      const dy = gradOf(gradOutputs, 'y', [n, O], 'Multiplicative'); // dy: (N,O)
      const dx = zeros(x.shape); // dx_i = Σ_o dy_o W(z)_oi
      const dz = zeros(ctx.shape); // dz_k = Σ_o dy_o Σ_i U_oik x_i
      const dU = zeros(u.shape); // dU_oik = Σ_rows dy_o x_i z_k
      for (let r = 0; r < n; r++) {
        for (let o = 0; o < O; o++) {
          const g = dy.data[r * O + o];
          if (g === 0) continue;
          for (let i = 0; i < I; i++) {
            const xi = x.data[r * I + i];
            let w = 0;
            for (let k = 0; k < Z; k++) {
              const at = (o * I + i) * Z + k;
              const zk = ctx.data[r * Z + k];
              w += u.data[at] * zk;
              dz.data[r * Z + k] += g * u.data[at] * xi;
              dU.data[at] += g * xi * zk;
            }
            dx.data[r * I + i] += g * w;
          }
        }
      }
      return { inputs: { x: dx, z: dz }, params: { U: dU } };
    },
    checks: [{ params: { size: 2 }, dims: { x: 4, z: 2 } }],
  },
};
