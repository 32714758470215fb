import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/engine/rng';
import { addAB, addABt, addAtB, addColSums, fillRows, stackRows } from '../../../src/engine/pascanu-linalg';

/** The float64 products of the batched Pascanu rules against plain triple loops, on shapes on and off the 4×4 blocks. */

const rng = new Rng(5);
const rand = (n: number) => Float64Array.from({ length: n }, () => rng.range(-1, 1));
const SHAPES: readonly [number, number, number][] = [
  [1, 1, 1],
  [4, 4, 4],
  [7, 5, 6],
  [9, 13, 10],
  [16, 3, 12],
  [5, 8, 3],
];

/** c + a·b with a[n,k] = A(n,k), b[k,m] = Bv(k,m), by the definition. */
function naive(c: Float64Array, N: number, K: number, M: number, A: (n: number, k: number) => number, Bv: (k: number, m: number) => number): Float64Array {
  const out = c.slice();
  for (let n = 0; n < N; n++) for (let m = 0; m < M; m++) for (let k = 0; k < K; k++) out[n * M + m] += A(n, k) * Bv(k, m);
  return out;
}

function expectClose(got: Float64Array, want: Float64Array): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i]), `[${i}]`).toBeLessThan(1e-13);
}

describe('Pascanu matrix products', () => {
  for (const [N, K, M] of SHAPES) {
    it(`(${N},${K})·(${K},${M}) in all three forms add to what c held`, () => {
      const c0 = rand(N * M);
      const a = rand(N * K); // (N,K)
      const bt = rand(M * K); // (M,K)
      const b = rand(K * M); // (K,M)
      const c1 = c0.slice();
      addABt(a, bt, c1, N, K, M);
      expectClose(c1, naive(c0, N, K, M, (n, k) => a[n * K + k], (k, m) => bt[m * K + k]));
      const c2 = c0.slice();
      addAB(a, b, c2, N, K, M);
      expectClose(c2, naive(c0, N, K, M, (n, k) => a[n * K + k], (k, m) => b[k * M + m]));
      // aᵀ·b with a (K,N) as the stacked rows: c (N,M) += Σ_k a[k,n] b[k,m]
      const at = rand(K * N);
      const c3 = c0.slice();
      addAtB(at, b, c3, K, N, M);
      expectClose(c3, naive(c0, N, K, M, (n, k) => at[k * N + n], (k, m) => b[k * M + m]));
    });
  }

  it('column sums, row fill and stacking', () => {
    const a = Float64Array.from([1, 2, 3, 4, 5, 6]); // (3,2)
    const acc = Float64Array.from([10, 20]);
    addColSums(a, acc, 3, 2);
    expect([...acc]).toEqual([19, 32]);
    const out = new Float64Array(8).fill(-1);
    fillRows(out, Float64Array.from([7, 8]), 3);
    expect([...out]).toEqual([7, 8, 7, 8, 7, 8, -1, -1]);
    expect([...stackRows([Float64Array.from([1, 2]), Float64Array.from([]), Float64Array.from([3])])]).toEqual([1, 2, 3]);
  });
});
