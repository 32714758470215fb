/**
 * The gpu.js kernels of the backend, as source text: one kernel per (op, shape), sizes baked in as
 * literals so every loop has a constant bound (gpu.js needs it). A kernel is a `KernelSpec`: a cache
 * key, its source, its output size (`[x]` or `[x, y]`) and how its arguments are laid out.
 *
 * Matrix products run one thread per output element, `this.thread.x` the column and `this.thread.y`
 * the row, reading 2-D inputs `[row][col]`; the three forms match the float32 loops in `f32.ts`.
 */

/** An argument: flat float32 data, read as `[rows][cols]` when `size` (`[cols, rows]`) is given. */
export interface KernelArg {
  readonly data: Float32Array;
  readonly size?: readonly [number, number];
}

export interface KernelSpec {
  readonly key: string;
  readonly source: string;
  /** gpu.js output: `[length]` or `[columns, rows]`. */
  readonly output: readonly number[];
}

export type MatmulForm = 'abt' | 'ab' | 'atb';

/**
 * `abt`: c (N,M) = a (N,K) · b (M,K)ᵀ; `ab`: c (N,M) = a (N,K) · b (K,M); `atb`: c (K,M) = a (N,K)ᵀ · b (N,M)
 * (for `atb` the second size is the output's row count and the first the summed one).
 */
export function matmulSpec(form: MatmulForm, N: number, K: number, M: number): KernelSpec {
  const term = { abt: 'a[this.thread.y][k] * b[this.thread.x][k]', ab: 'a[this.thread.y][k] * b[k][this.thread.x]', atb: 'a[k][this.thread.y] * b[k][this.thread.x]' }[form];
  const bound = form === 'atb' ? N : K;
  const rows = form === 'atb' ? K : N;
  return {
    key: `${form}:${N}x${K}x${M}`,
    source: `function (a, b) { let s = 0; for (let k = 0; k < ${bound}; k++) { s += ${term}; } return s; }`,
    output: [M, rows],
  };
}

/** The two arguments of a matrix product, shaped for `matmulSpec(form, N, K, M)`. */
export function matmulArgs(form: MatmulForm, a: Float32Array, b: Float32Array, N: number, K: number, M: number): [KernelArg, KernelArg] {
  if (form === 'abt') return [{ data: a, size: [K, N] }, { data: b, size: [K, M] }];
  if (form === 'ab') return [{ data: a, size: [K, N] }, { data: b, size: [M, K] }];
  return [{ data: a, size: [K, N] }, { data: b, size: [M, N] }];
}

/** Element-wise kernels: one thread per element, inputs `a` (and `b`) flat. */
export const ELEMENTWISE = {
  sigmoid: { arity: 1, body: 'const x = a[this.thread.x]; if (x >= 0) { return 1 / (1 + Math.exp(-x)); } const e = Math.exp(x); return e / (1 + e);' },
  tanh: { arity: 1, body: 'const e = Math.exp(-2 * Math.abs(a[this.thread.x])); const t = (1 - e) / (1 + e); if (a[this.thread.x] < 0) { return -t; } return t;' },
  relu: { arity: 1, body: 'return Math.max(a[this.thread.x], 0);' },
  oneMinus: { arity: 1, body: 'return 1 - a[this.thread.x];' },
  negate: { arity: 1, body: 'return -a[this.thread.x];' },
  multiply: { arity: 2, body: 'return a[this.thread.x] * b[this.thread.x];' },
  add: { arity: 2, body: 'return a[this.thread.x] + b[this.thread.x];' },
  /** dy ⊙ y(1−y), a = y, b = dy. */
  sigmoidBack: { arity: 2, body: 'const y = a[this.thread.x]; return b[this.thread.x] * y * (1 - y);' },
  /** dy ⊙ (1−y²), a = y, b = dy. */
  tanhBack: { arity: 2, body: 'const y = a[this.thread.x]; return b[this.thread.x] * (1 - y * y);' },
  /** dy where x > 0, a = x, b = dy. */
  reluBack: { arity: 2, body: 'if (a[this.thread.x] > 0) { return b[this.thread.x]; } return 0;' },
} as const;

export type ElementwiseOp = keyof typeof ELEMENTWISE;

export function elementwiseSpec(op: ElementwiseOp, n: number): KernelSpec {
  const e = ELEMENTWISE[op];
  return { key: `${op}:${n}`, source: `function (${e.arity === 1 ? 'a' : 'a, b'}) { ${e.body} }`, output: [n] };
}
