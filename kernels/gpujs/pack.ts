import { dims2, expectShape, type Tensor } from '../../src/engine/tensor';

/**
 * Layout helpers of the fused cell kernels: all gates of a cell become one matrix product by
 * packing their weights side by side. A gate's row `u` of the packed `[G·H, I+H]` matrix is
 * `[U_g[u, :], W_g[u, :]]`, and the step's input is `[x | h_{t−1}]` `(N, I+H)`; so
 * `[x | h]·packedᵀ` gives every gate's pre-activation at once, `(N, G·H)`, gate g in columns
 * `[g·H, (g+1)·H)`. Packing converts to float32 as it copies, so it costs no more than the
 * conversion every float64 argument needs anyway.
 */

/** A param `[rows, cols]` of exactly that shape, by name. */
export function param(params: Readonly<Record<string, Tensor>>, name: string, shape: readonly number[], kind: string): Tensor {
  const t = params[name];
  if (t === undefined) throw new Error(`${kind}: missing param "${name}"`);
  expectShape(t, shape, `${kind} param "${name}"`);
  return t;
}

/** A step input `(N, D)`, checking N (when given) and D (when given). */
export function stepInput(inputs: Readonly<Record<string, Tensor>>, name: string, kind: string, rows?: number, cols?: number): Tensor {
  const t = inputs[name];
  if (t === undefined) throw new Error(`${kind}: missing step input "${name}"`);
  const [n, d] = dims2(t, `${kind} step input "${name}"`);
  if (rows !== undefined && n !== rows) throw new Error(`${kind}: step input "${name}" has ${n} rows, "in" has ${rows}`);
  if (cols !== undefined && d !== cols) throw new Error(`${kind}: step input "${name}" has size ${d}, expected ${cols}`);
  return t;
}

/** `[a | b]` row by row, float32: a (N,A), b (N,B) → (N,A+B). */
export function concatRows(a: Float64Array, b: Float64Array, N: number, A: number, B: number): Float32Array {
  const out = new Float32Array(N * (A + B));
  for (let r = 0; r < N; r++) {
    const o = r * (A + B);
    for (let j = 0; j < A; j++) out[o + j] = a[r * A + j];
    for (let j = 0; j < B; j++) out[o + A + j] = b[r * B + j];
  }
  return out;
}

/** Packs gates `[[U_g, W_g], …]` (each `[H, I]`, `[H, H]`) into float32 `[G·H, I+H]`. */
export function packGates(gates: readonly (readonly [Tensor, Tensor])[], H: number, I: number): Float32Array {
  const W = I + H;
  const out = new Float32Array(gates.length * H * W);
  gates.forEach(([u, w], g) => {
    for (let r = 0; r < H; r++) {
      const o = (g * H + r) * W;
      for (let j = 0; j < I; j++) out[o + j] = u.data[r * I + j];
      for (let j = 0; j < H; j++) out[o + I + j] = w.data[r * H + j];
    }
  });
  return out;
}

/** The inverse of `packGates` for a gradient `[G·H, I+H]`: float64 `[H, I]` and `[H, H]` per gate. */
export function unpackGates(packed: Float32Array, G: number, H: number, I: number): { U: Tensor; W: Tensor }[] {
  const Wd = I + H;
  const out: { U: Tensor; W: Tensor }[] = [];
  for (let g = 0; g < G; g++) {
    const U = new Float64Array(H * I);
    const W = new Float64Array(H * H);
    for (let r = 0; r < H; r++) {
      const o = (g * H + r) * Wd;
      for (let j = 0; j < I; j++) U[r * I + j] = packed[o + j];
      for (let j = 0; j < H; j++) W[r * H + j] = packed[o + I + j];
    }
    out.push({ U: { shape: [H, I], data: U }, W: { shape: [H, H], data: W } });
  }
  return out;
}

/** Splits rows `(N, A+B)` into float64 `(N, A)` and `(N, B)`. */
export function splitRows(src: Float32Array, N: number, A: number, B: number): [Tensor, Tensor] {
  const a = new Float64Array(N * A);
  const b = new Float64Array(N * B);
  for (let r = 0; r < N; r++) {
    const o = r * (A + B);
    for (let j = 0; j < A; j++) a[r * A + j] = src[o + j];
    for (let j = 0; j < B; j++) b[r * B + j] = src[o + A + j];
  }
  return [
    { shape: [N, A], data: a },
    { shape: [N, B], data: b },
  ];
}

/** Column sums of columns `[c0, c0+H)` of g (N, W): a float64 bias gradient `[H]`. */
export function biasGrad(g: Float32Array, N: number, W: number, c0: number, H: number): Tensor {
  const out = new Float64Array(H);
  for (let r = 0; r < N; r++) for (let u = 0; u < H; u++) out[u] += g[r * W + c0 + u];
  return { shape: [H], data: out };
}

/** The gradient `name` as float32, or zeros when the caller passed none. */
export function gradF32(gradOutputs: Readonly<Record<string, Tensor | undefined>>, name: string, n: number, kind: string): Float32Array {
  const g = gradOutputs[name];
  if (g === undefined) return new Float32Array(n);
  if (g.data.length !== n) throw new Error(`${kind}: gradient of "${name}" has ${g.data.length} values, expected ${n}`);
  return Float32Array.from(g.data);
}
