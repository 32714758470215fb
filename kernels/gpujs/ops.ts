import { mmAB, mmABt, mmAtB } from './f32';
import type { KernelRunner } from './runner';
import { elementwiseSpec, matmulArgs, matmulSpec, type ElementwiseOp, type MatmulForm } from './sources';

/**
 * The float32 operations the kernels are written in, each run either as a gpu.js kernel or as a
 * plain float32 loop: an op runs on gpu.js when its work reaches the threshold (multiply-adds for a
 * matrix product, elements for an element-wise op), as a loop otherwise. Thresholds are per backend
 * (see `defaultThresholds` and docs/performance.md); `0` sends every op to gpu.js, `Infinity` none.
 */

export interface Thresholds {
  /** Smallest matrix product (N·K·M multiply-adds) run on gpu.js. */
  readonly matmul: number;
  /** Smallest element-wise op (elements) run on gpu.js. */
  readonly elementwise: number;
}

/** Counts of calls per path, for tests and the benchmark. */
export interface OpCounts {
  gpujs: number;
  loops: number;
}

const LOOP: Record<ElementwiseOp, (a: Float32Array, b: Float32Array | undefined, o: Float32Array) => void> = {
  sigmoid: (a, _b, o) => {
    for (let i = 0; i < o.length; i++) {
      const x = a[i];
      if (x >= 0) o[i] = 1 / (1 + Math.exp(-x));
      else {
        const e = Math.exp(x);
        o[i] = e / (1 + e);
      }
    }
  },
  tanh: (a, _b, o) => {
    for (let i = 0; i < o.length; i++) o[i] = Math.tanh(a[i]);
  },
  relu: (a, _b, o) => {
    for (let i = 0; i < o.length; i++) o[i] = a[i] > 0 ? a[i] : 0;
  },
  oneMinus: (a, _b, o) => {
    for (let i = 0; i < o.length; i++) o[i] = 1 - a[i];
  },
  negate: (a, _b, o) => {
    for (let i = 0; i < o.length; i++) o[i] = -a[i];
  },
  multiply: (a, b, o) => {
    for (let i = 0; i < o.length; i++) o[i] = a[i] * b![i];
  },
  add: (a, b, o) => {
    for (let i = 0; i < o.length; i++) o[i] = a[i] + b![i];
  },
  sigmoidBack: (y, dy, o) => {
    for (let i = 0; i < o.length; i++) o[i] = dy![i] * y[i] * (1 - y[i]);
  },
  tanhBack: (y, dy, o) => {
    for (let i = 0; i < o.length; i++) o[i] = dy![i] * (1 - y[i] * y[i]);
  },
  reluBack: (x, dy, o) => {
    for (let i = 0; i < o.length; i++) o[i] = x[i] > 0 ? dy![i] : 0;
  },
};

const MATMUL = { abt: mmABt, ab: mmAB, atb: mmAtB };

export class F32Ops {
  readonly counts: OpCounts = { gpujs: 0, loops: 0 };

  constructor(
    readonly runner: KernelRunner,
    readonly thresholds: Thresholds,
  ) {}

  /**
   * A matrix product (see `matmulSpec` for the forms): `abt` a (N,K)·b (M,K)ᵀ → (N,M); `ab`
   * a (N,K)·b (K,M) → (N,M); `atb` a (N,K)ᵀ·b (N,M) → (K,M).
   */
  matmul(form: MatmulForm, a: Float32Array, b: Float32Array, N: number, K: number, M: number): Float32Array {
    if (N * K * M >= this.thresholds.matmul && N * K * M > 0) {
      this.counts.gpujs++;
      return this.runner.run(matmulSpec(form, N, K, M), matmulArgs(form, a, b, N, K, M));
    }
    this.counts.loops++;
    return MATMUL[form](a, b, N, K, M);
  }

  /** An element-wise op over `a` (and `b`, same length). */
  map(op: ElementwiseOp, a: Float32Array, b?: Float32Array): Float32Array {
    const n = a.length;
    if (n >= this.thresholds.elementwise && n > 0) {
      this.counts.gpujs++;
      return this.runner.run(elementwiseSpec(op, n), b === undefined ? [{ data: a }] : [{ data: a }, { data: b }]);
    }
    this.counts.loops++;
    const o = new Float32Array(n);
    LOOP[op](a, b, o);
    return o;
  }
}
