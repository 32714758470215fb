/**
 * Float64 matrix products of the Pascanu regulariser's batched rules (`pascanu-gated.ts`,
 * `pascanu-cells.ts`), row-major and accumulating (`c += …`). Each is register-blocked 4×4: 16
 * running sums per inner loop, so each loaded value is used four times; every sum runs over k in
 * order from zero and is then added to `c`. The three forms are written out rather than one loop
 * with stride parameters, for the reason given for their float32 counterparts in
 * `kernels/gpujs/f32.ts` (docs/decisions.md). With weights stored `[out, in]`, `X·Wᵀ` is `addABt`,
 * `dY·W` is `addAB` and `dYᵀ·X` is `addAtB`.
 *
 * Loop order keeps one operand's panel small: in `addABt` and `addAtB` the outer loop walks b's
 * blocks, so the rows of `a` (a chunk of at most a few hundred rows) are what is re-read.
 */

/** c[n,m] += Σ_k a[n,k]·b[m,k]: a (N,K), b (M,K), c (N,M). */
export function addABt(a: Float64Array, b: Float64Array, c: Float64Array, N: number, K: number, M: number): void {
  const N4 = N - (N % 4);
  const M4 = M - (M % 4);
  for (let u = 0; u < M4; u += 4) {
    const b0 = u * K;
    const b1 = b0 + K;
    const b2 = b1 + K;
    const b3 = b2 + K;
    for (let r = 0; r < N4; r += 4) {
      const a0 = r * K;
      const a1 = a0 + K;
      const a2 = a1 + K;
      const a3 = a2 + K;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0; // prettier-ignore
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0; // prettier-ignore
      for (let k = 0; k < K; k++) {
        const x0 = a[a0 + k], x1 = a[a1 + k], x2 = a[a2 + k], x3 = a[a3 + k]; // prettier-ignore
        const y0 = b[b0 + k], y1 = b[b1 + k], y2 = b[b2 + k], y3 = b[b3 + k]; // prettier-ignore
        s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3; // prettier-ignore
        s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3; // prettier-ignore
        s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3; // prettier-ignore
        s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3; // prettier-ignore
      }
      let o = r * M + u;
      c[o] += s00; c[o + 1] += s01; c[o + 2] += s02; c[o + 3] += s03; o += M; // prettier-ignore
      c[o] += s10; c[o + 1] += s11; c[o + 2] += s12; c[o + 3] += s13; o += M; // prettier-ignore
      c[o] += s20; c[o + 1] += s21; c[o + 2] += s22; c[o + 3] += s23; o += M; // prettier-ignore
      c[o] += s30; c[o + 1] += s31; c[o + 2] += s32; c[o + 3] += s33; // prettier-ignore
    }
  }
  // edges: rows past N4 (every column), columns past M4 (rows below N4)
  for (let r = 0; r < N; r++) {
    for (let u = r < N4 ? M4 : 0; u < M; u++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += a[r * K + k] * b[u * K + k];
      c[r * M + u] += s;
    }
  }
}

/** c[n,m] += Σ_k a[n,k]·b[k,m]: a (N,K), b (K,M), c (N,M). */
export function addAB(a: Float64Array, b: Float64Array, c: Float64Array, N: number, K: number, M: number): void {
  const N4 = N - (N % 4);
  const M4 = M - (M % 4);
  for (let r = 0; r < N4; r += 4) {
    const a0 = r * K;
    const a1 = a0 + K;
    const a2 = a1 + K;
    const a3 = a2 + K;
    for (let i = 0; i < M4; i += 4) {
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0; // prettier-ignore
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0; // prettier-ignore
      for (let k = 0, bo = i; k < K; k++, bo += M) {
        const x0 = a[a0 + k], x1 = a[a1 + k], x2 = a[a2 + k], x3 = a[a3 + k]; // prettier-ignore
        const y0 = b[bo], y1 = b[bo + 1], y2 = b[bo + 2], y3 = b[bo + 3]; // prettier-ignore
        s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3; // prettier-ignore
        s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3; // prettier-ignore
        s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3; // prettier-ignore
        s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3; // prettier-ignore
      }
      let o = r * M + i;
      c[o] += s00; c[o + 1] += s01; c[o + 2] += s02; c[o + 3] += s03; o += M; // prettier-ignore
      c[o] += s10; c[o + 1] += s11; c[o + 2] += s12; c[o + 3] += s13; o += M; // prettier-ignore
      c[o] += s20; c[o + 1] += s21; c[o + 2] += s22; c[o + 3] += s23; o += M; // prettier-ignore
      c[o] += s30; c[o + 1] += s31; c[o + 2] += s32; c[o + 3] += s33; // prettier-ignore
    }
  }
  for (let r = 0; r < N; r++) {
    for (let i = r < N4 ? M4 : 0; i < M; i++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += a[r * K + k] * b[k * M + i];
      c[r * M + i] += s;
    }
  }
}

/** c[p,m] += Σ_n a[n,p]·b[n,m]: a (N,P), b (N,M), c (P,M). */
export function addAtB(a: Float64Array, b: Float64Array, c: Float64Array, N: number, P: number, M: number): void {
  const P4 = P - (P % 4);
  const M4 = M - (M % 4);
  for (let u = 0; u < P4; u += 4) {
    for (let i = 0; i < M4; i += 4) {
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0; // prettier-ignore
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0; // prettier-ignore
      for (let n = 0, ao = u, bo = i; n < N; n++, ao += P, bo += M) {
        const x0 = a[ao], x1 = a[ao + 1], x2 = a[ao + 2], x3 = a[ao + 3]; // prettier-ignore
        const y0 = b[bo], y1 = b[bo + 1], y2 = b[bo + 2], y3 = b[bo + 3]; // prettier-ignore
        s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3; // prettier-ignore
        s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3; // prettier-ignore
        s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3; // prettier-ignore
        s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3; // prettier-ignore
      }
      let o = u * M + i;
      c[o] += s00; c[o + 1] += s01; c[o + 2] += s02; c[o + 3] += s03; o += M; // prettier-ignore
      c[o] += s10; c[o + 1] += s11; c[o + 2] += s12; c[o + 3] += s13; o += M; // prettier-ignore
      c[o] += s20; c[o + 1] += s21; c[o + 2] += s22; c[o + 3] += s23; o += M; // prettier-ignore
      c[o] += s30; c[o + 1] += s31; c[o + 2] += s32; c[o + 3] += s33; // prettier-ignore
    }
  }
  for (let u = 0; u < P; u++) {
    for (let i = u < P4 ? M4 : 0; i < M; i++) {
      let s = 0;
      for (let n = 0; n < N; n++) s += a[n * P + u] * b[n * M + i];
      c[u * M + i] += s;
    }
  }
}

/** acc[m] += Σ_n a[n,m]: a (N,M) (bias gradients). */
export function addColSums(a: Float64Array, acc: Float64Array, N: number, M: number): void {
  for (let n = 0; n < N; n++) for (let m = 0; m < M; m++) acc[m] += a[n * M + m];
}

/** Row k of `out` = `b` for every row: out (N,M), b (M). */
export function fillRows(out: Float64Array, b: Float64Array, N: number): void {
  for (let n = 0; n < N; n++) out.set(b, n * b.length);
}

/** The matrices stacked by rows: `[A; B; …]`, each (R_k, C) → (ΣR_k, C). */
export function stackRows(parts: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
