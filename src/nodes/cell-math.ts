import { dims2, expectShape, zeros, type Tensor } from '../engine/tensor';
import { need } from './kernel-helpers';

/**
 * Float64 helpers of the fused cell kernels (`rnn.ts`, `lstm.ts`, `gru.ts`): the per-gate affine maps
 * `a += W x` with W stored `[out, in]`, their backward, and the activations. Gate math is written
 * element-wise in each cell's own loop.
 */

/** Stable logistic sigmoid (the same formula as the Sigmoid node). */
export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** `acc += x Wᵀ`: acc (N,H), x (N,I), W (H,I). */
export function matAdd(acc: Tensor, x: Tensor, w: Tensor): void {
  const [n, h] = acc.shape;
  const i_ = x.shape[1];
  const a = acc.data;
  const xd = x.data;
  const wd = w.data;
  for (let r = 0; r < n; r++) {
    for (let u = 0; u < h; u++) {
      let s = 0;
      for (let i = 0; i < i_; i++) s += wd[u * i_ + i] * xd[r * i_ + i];
      a[r * h + u] += s;
    }
  }
}

/** `acc += b` on every row: acc (N,H), b (H). */
export function biasAdd(acc: Tensor, b: Tensor): void {
  const h = b.data.length;
  for (let i = 0; i < acc.data.length; i++) acc.data[i] += b.data[i % h];
}

/** Backward of `a = x Wᵀ`: `dx += g W` (when dx is given) and `dW += gᵀ x`; g (N,H). */
export function matBack(g: Tensor, x: Tensor, w: Tensor, dx: Tensor | null, dw: Tensor): void {
  const [n, h] = g.shape;
  const i_ = x.shape[1];
  for (let r = 0; r < n; r++) {
    for (let u = 0; u < h; u++) {
      const gv = g.data[r * h + u];
      if (gv === 0) continue;
      for (let i = 0; i < i_; i++) {
        if (dx !== null) dx.data[r * i_ + i] += gv * w.data[u * i_ + i];
        dw.data[u * i_ + i] += gv * x.data[r * i_ + i];
      }
    }
  }
}

/** `db += Σ_rows g`: g (N,H), db (H). */
export function biasBack(g: Tensor, db: Tensor): void {
  const h = db.data.length;
  for (let i = 0; i < g.data.length; i++) db.data[i % h] += g.data[i];
}

/** The step input `name` as (N,D) with N = `rows` (when given) and D = `cols`. */
export function stepInput(inputs: Readonly<Record<string, Tensor>>, name: string, cols: number | null, kind: string, rows?: number): Tensor {
  const t = need(inputs, name, kind);
  const [n, d] = dims2(t, `${kind} step input "${name}"`);
  if (rows !== undefined && n !== rows) throw new Error(`${kind}: step input "${name}" has ${n} rows, "in" has ${rows}`);
  if (cols !== null && d !== cols) throw new Error(`${kind}: step input "${name}" has size ${d}, expected ${cols}`);
  return t;
}

/** The param tensor `name` of exactly `shape`. */
export function stepParam(params: Readonly<Record<string, Tensor>>, name: string, shape: readonly number[], kind: string): Tensor {
  const t = need(params, name, kind);
  expectShape(t, shape, `${kind} param "${name}"`);
  return t;
}

/** Fresh zero gradients for the named params, keyed by name. */
export function zeroGrads(params: Readonly<Record<string, Tensor>>, names: readonly string[]): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const n of names) out[n] = zeros(params[n].shape);
  return out;
}
