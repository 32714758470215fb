/**
 * Weight initialisers (models.md "Initialisation"). Every function fills a row-major array in place:
 * a weight is stored `[out, in]`, so its fan-in is `in` and its fan-out is `out`. Arithmetic is
 * float64; a Float32Array target rounds once on store.
 *
 * Defaults per models.md: orthogonal for each recurrent `H×H` block (one call per gate), Glorot
 * uniform for input and output weights (fan-in `I`, fan-out `H` for a `[H, I]` gate), zeros for
 * biases, constant 1.0 for the LSTM forget bias `b_f`, uniform `[0.5, 0.99]` for a leaky unit's `α`.
 */
import type { ParamTensorDecl } from '../nodes/types';
import type { Rng } from './rng';

export type FloatArray = Float32Array | Float64Array;

/** How a parameter is initialised (the `init` field of a node's parameter declaration). */
export type InitSpec = ParamTensorDecl['init'];

export type InitErrorCode = 'init-bad-shape' | 'init-bad-range' | 'init-bad-fan';

/** A refused initialisation; `code` is stable, the message names the tensor when one is given. */
export class InitError extends Error {
  constructor(
    readonly code: InitErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'InitError';
  }
}

function numel(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function checkTarget(w: FloatArray, shape: readonly number[], what: string): void {
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new InitError('init-bad-shape', `${what}: invalid shape [${shape.join(', ')}]`);
  if (numel(shape) !== w.length) {
    throw new InitError('init-bad-shape', `${what}: shape [${shape.join(', ')}] has ${numel(shape)} elements but the array holds ${w.length}`);
  }
}

/**
 * Fan-in and fan-out of a weight `[out, in, ...rest]` as PyTorch computes them: `in·∏rest` and
 * `out·∏rest`. A 1-D tensor has no fans (Glorot refuses it).
 */
export function fans(shape: readonly number[], what = 'weight'): { fanIn: number; fanOut: number } {
  if (shape.length < 2) {
    throw new InitError('init-bad-shape', `${what}: Glorot needs a weight with at least 2 dimensions [out, in], got [${shape.join(', ')}]`);
  }
  const receptive = numel(shape.slice(2));
  return { fanIn: shape[1] * receptive, fanOut: shape[0] * receptive };
}

export function zeros(w: FloatArray): void {
  w.fill(0);
}

export function constant(w: FloatArray, value: number): void {
  if (!Number.isFinite(value)) throw new InitError('init-bad-range', `constant init: value must be finite, got ${value}`);
  w.fill(value);
}

/** Each element uniform in `[lo, hi)` (leaky units' `α` default `[0.5, 0.99]`). */
export function uniformRange(w: FloatArray, lo: number, hi: number, rng: Rng): void {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) {
    throw new InitError('init-bad-range', `uniform init: need finite lo ≤ hi, got [${lo}, ${hi}]`);
  }
  for (let i = 0; i < w.length; i++) w[i] = rng.range(lo, hi);
}

export interface GlorotOptions {
  /** Defaults to `in` (times the receptive field) of `shape`. */
  readonly fanIn?: number;
  /** Defaults to `out` (times the receptive field) of `shape`. */
  readonly fanOut?: number;
  /** Multiplies the bound (PyTorch's `gain`), default 1. */
  readonly gain?: number;
}

/** Glorot/Xavier uniform: `U(−a, a)` with `a = gain·√(6/(fanIn + fanOut))`, variance `a²/3`. */
export function glorotUniform(w: FloatArray, shape: readonly number[], rng: Rng, options: GlorotOptions = {}): void {
  checkTarget(w, shape, 'glorot init');
  // Explicit fans make the shape's own (and its ≥ 2 dimensions) unnecessary.
  const own = options.fanIn !== undefined && options.fanOut !== undefined ? undefined : fans(shape, 'glorot init');
  const fanIn = options.fanIn ?? own?.fanIn ?? 0;
  const fanOut = options.fanOut ?? own?.fanOut ?? 0;
  if (!(fanIn > 0 && fanOut > 0)) throw new InitError('init-bad-fan', `glorot init: fan-in and fan-out must be positive, got ${fanIn} and ${fanOut}`);
  const a = (options.gain ?? 1) * Math.sqrt(6 / (fanIn + fanOut));
  for (let i = 0; i < w.length; i++) w[i] = rng.range(-a, a);
}

/**
 * Orthogonal init (Saxe et al.; as PyTorch's `orthogonal_`): a Gaussian matrix `[rows, cols]`
 * (`cols` = the product of the other dimensions) is orthonormalised by modified Gram–Schmidt, run
 * twice for float64 accuracy, along its shorter side. The result has orthonormal columns when
 * `rows ≥ cols` (`WᵀW = I`) and orthonormal rows otherwise (`WWᵀ = I`); a square `H×H` block is
 * orthogonal. The QR sign convention `diag(R) > 0` makes the draw uniform (Haar) over orthogonal matrices.
 */
export function orthogonal(w: FloatArray, shape: readonly number[], rng: Rng, gain = 1): void {
  checkTarget(w, shape, 'orthogonal init');
  if (shape.length < 2) throw new InitError('init-bad-shape', `orthogonal init needs a matrix [out, in], got [${shape.join(', ')}]`);
  const rows = shape[0];
  const cols = w.length / Math.max(rows, 1);
  if (rows === 0 || cols === 0) return;
  // Work on the tall orientation: n vectors of length m (m ≥ n), stored as n rows of q.
  const tall = rows >= cols;
  const m = tall ? rows : cols;
  const n = tall ? cols : rows;
  const g = new Float64Array(rows * cols); // g: (rows, cols)
  for (let i = 0; i < g.length; i++) g[i] = rng.normal();
  const q = new Float64Array(n * m); // q: (n, m), vector j = column j (tall) or row j (wide) of g
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < m; k++) q[j * m + k] = tall ? g[k * cols + j] : g[j * cols + k];
  }
  for (let j = 0; j < n; j++) {
    const vj = j * m;
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < j; p++) {
        const vp = p * m;
        let d = 0;
        for (let k = 0; k < m; k++) d += q[vp + k] * q[vj + k];
        for (let k = 0; k < m; k++) q[vj + k] -= d * q[vp + k];
      }
    }
    let norm = 0;
    for (let k = 0; k < m; k++) norm += q[vj + k] * q[vj + k];
    norm = Math.sqrt(norm);
    // A Gaussian matrix is rank-deficient with probability 0; guard anyway with a fresh draw.
    if (norm < 1e-12) {
      for (let k = 0; k < m; k++) q[vj + k] = rng.normal();
      j--;
      continue;
    }
    for (let k = 0; k < m; k++) q[vj + k] /= norm;
  }
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < m; k++) {
      const idx = tall ? k * cols + j : j * cols + k;
      w[idx] = gain * q[j * m + k];
    }
  }
}

/**
 * Fills `w` (shape `shape`) as `spec` says. `ones` and `{constant}` fill; `{uniform: [lo, hi]}`
 * draws per element; `glorot` and `orthogonal` need a matrix. `what` names the tensor in errors.
 */
export function initialise(w: FloatArray, shape: readonly number[], spec: InitSpec, rng: Rng, what = 'weight'): void {
  checkTarget(w, shape, what);
  try {
    if (spec === 'zeros') zeros(w);
    else if (spec === 'ones') constant(w, 1);
    else if (spec === 'glorot') glorotUniform(w, shape, rng);
    else if (spec === 'orthogonal') orthogonal(w, shape, rng);
    else if ('constant' in spec) constant(w, spec.constant);
    else uniformRange(w, spec.uniform[0], spec.uniform[1], rng);
  } catch (e) {
    if (e instanceof InitError) throw new InitError(e.code, `${what}: ${e.message}`);
    throw e;
  }
}
