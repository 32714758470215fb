/**
 * Layout helpers of the executor, as pure functions over its time-major storage: a per-step value is
 * `[T, B, D]` (row `t·B + b`), a batch is `[B, T, D]`; a Delay's carried history is `[d, B, D]`, oldest
 * first. Masks are `[T, B]`.
 */

/** `[T,B,D]` → `[B,T,D]` (a copy). */
export function toBatchMajor(src: Float64Array, B: number, T: number, w: number): Float64Array {
  const data = new Float64Array(B * T * w);
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) data.set(src.subarray((t * B + b) * w, (t * B + b + 1) * w), (b * T + t) * w);
  return data;
}

/** `[B,T,D]` data into `[T,B,D]` `dst`, each row multiplied by its mask (zero at padded steps). */
export function fromBatchMajor(dst: Float64Array, data: ArrayLike<number>, mask: Float64Array, B: number, T: number, w: number): void {
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const m = mask[t * B + b];
      for (let k = 0; k < w; k++) dst[(t * B + b) * w + k] = m * data[(b * T + t) * w + k];
    }
  }
}

/**
 * Row of step t's mirror within sample b's valid prefix of length `tau` (`τ_b − 1 − t`, 0-based), or
 * −1 at a padded step: `y_t = x_{mirror(t)}`, and so `∂x_{mirror(t)} += ∂y_t`.
 */
export function mirrorRow(t: number, b: number, tau: number, B: number): number {
  return t < tau ? (tau - 1 - t) * B + b : -1;
}

/** Each sample's valid prefix in reverse, `y_{b,t} = x_{b,τ_b−1−t}`, zero at padded steps: `[T,B,D]`. */
export function reverseSteps(x: Float64Array, lengths: Int32Array, B: number, T: number, w: number): Float64Array {
  const y = new Float64Array(T * B * w);
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      const r = mirrorRow(t, b, lengths[b], B);
      if (r >= 0) y.set(x.subarray(r * w, (r + 1) * w), (t * B + b) * w);
    }
  }
  return y;
}

/**
 * A Delay's history after valid step t of each sample: shifted one slot older, `x_t` appended as the
 * newest; a padded step leaves a sample's history as it is (frozen past τ_b).
 */
export function delayShiftForward(carry: Float64Array, x: Float64Array, mask: Float64Array, t: number, B: number, d: number): void {
  const slot = carry.length / d;
  const w = slot / B;
  for (let b = 0; b < B; b++) {
    if (mask[t * B + b] === 0) continue;
    for (let s = 0; s + 1 < d; s++) carry.copyWithin(s * slot + b * w, (s + 1) * slot + b * w, (s + 1) * slot + (b + 1) * w);
    const src = (t * B + b) * w;
    const at = (d - 1) * slot + b * w;
    for (let j = 0; j < w; j++) carry[at + j] = x[src + j];
  }
}

/**
 * The same shift backwards at step t: `g` (`∂L/∂s_t`, `[d,B,D]`) sends its newest slot to `∂x_t` in
 * `gx` and moves every other slot one newer (what `s_{t−1}` held); the oldest slot of `s_{t−1}` gets 0,
 * as the step's own read adds to it. Padded steps pass `g` on unchanged.
 */
export function delayShiftBack(g: Float64Array, gx: Float64Array, mask: Float64Array, t: number, B: number, d: number): void {
  const slot = g.length / d;
  const w = slot / B;
  for (let b = 0; b < B; b++) {
    if (mask[t * B + b] === 0) continue;
    const newest = (d - 1) * slot + b * w;
    for (let j = 0; j < w; j++) gx[(t * B + b) * w + j] += g[newest + j];
    for (let s = d - 1; s >= 1; s--) g.copyWithin(s * slot + b * w, (s - 1) * slot + b * w, (s - 1) * slot + (b + 1) * w);
    g.fill(0, b * w, (b + 1) * w);
  }
}
