import { describe, expect, it } from 'vitest';
import { InitError, constant, fans, glorotUniform, initialise, orthogonal, uniformRange, zeros } from '../../../src/engine/init';
import { createRng } from '../../../src/engine/rng';

/** Largest |(AᵀA − I)_ij| for A (rows, cols) row-major, or of A Aᵀ when `rowsOrthonormal`. */
function orthError(a: ArrayLike<number>, rows: number, cols: number, rowsOrthonormal = false): number {
  const n = rowsOrthonormal ? rows : cols;
  const at = (i: number, k: number) => (rowsOrthonormal ? a[i * cols + k] : a[k * cols + i]); // vector i, component k
  const len = rowsOrthonormal ? cols : rows;
  let worst = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let d = 0;
      for (let k = 0; k < len; k++) d += at(i, k) * at(j, k);
      worst = Math.max(worst, Math.abs(d - (i === j ? 1 : 0)));
    }
  }
  return worst;
}

describe('orthogonal', () => {
  it('gives WᵀW = I to 1e-6 for square H×H blocks (float64)', () => {
    for (const H of [1, 2, 8, 64]) {
      const w = new Float64Array(H * H);
      orthogonal(w, [H, H], createRng(H));
      expect(orthError(w, H, H)).toBeLessThan(1e-6);
      expect(orthError(w, H, H, true)).toBeLessThan(1e-6); // square: WWᵀ = I too
    }
  });

  it('is accurate far beyond 1e-6 thanks to re-orthogonalisation', () => {
    const w = new Float64Array(128 * 128);
    orthogonal(w, [128, 128], createRng(1));
    expect(orthError(w, 128, 128)).toBeLessThan(1e-13);
  });

  it('gives orthonormal columns for tall and orthonormal rows for wide matrices', () => {
    const tall = new Float64Array(12 * 5);
    orthogonal(tall, [12, 5], createRng(2));
    expect(orthError(tall, 12, 5)).toBeLessThan(1e-12);
    const wide = new Float64Array(4 * 9);
    orthogonal(wide, [4, 9], createRng(2));
    expect(orthError(wide, 4, 9, true)).toBeLessThan(1e-12);
  });

  it('scales by gain, rounds once into float32, and is deterministic per seed', () => {
    const a = new Float64Array(16);
    orthogonal(a, [4, 4], createRng(9), 2);
    let colNorm = 0;
    for (let k = 0; k < 4; k++) colNorm += a[k * 4] ** 2;
    expect(Math.sqrt(colNorm)).toBeCloseTo(2, 12);
    const f = new Float32Array(16);
    orthogonal(f, [4, 4], createRng(9), 2);
    expect(Array.from(f)).toEqual(Array.from(a, Math.fround));
    const b = new Float64Array(16);
    orthogonal(b, [4, 4], createRng(10), 2);
    expect(Array.from(b)).not.toEqual(Array.from(a));
  });

  it('is not biased towards one sign: the mean over draws of W_00 is near 0', () => {
    const r = createRng(3);
    let s = 0;
    const w = new Float64Array(9);
    for (let i = 0; i < 4000; i++) {
      orthogonal(w, [3, 3], r);
      s += w[0];
    }
    expect(Math.abs(s / 4000)).toBeLessThan(0.03);
  });

  it('refuses vectors and mismatched arrays with a coded error', () => {
    expect(() => orthogonal(new Float64Array(4), [4], createRng(1))).toThrow(InitError);
    try {
      orthogonal(new Float64Array(5), [2, 2], createRng(1));
      expect.unreachable();
    } catch (e) {
      expect((e as InitError).code).toBe('init-bad-shape');
    }
  });
});

describe('glorotUniform', () => {
  it('stays within ±√(6/(fanIn+fanOut)) with variance 2/(fanIn+fanOut)', () => {
    const [H, I] = [200, 300];
    const w = new Float64Array(H * I);
    glorotUniform(w, [H, I], createRng(4));
    const bound = Math.sqrt(6 / (I + H));
    let s = 0;
    let s2 = 0;
    let max = 0;
    for (const v of w) {
      s += v;
      s2 += v * v;
      max = Math.max(max, Math.abs(v));
    }
    const mean = s / w.length;
    expect(max).toBeLessThanOrEqual(bound);
    expect(max).toBeGreaterThan(0.99 * bound);
    expect(Math.abs(mean)).toBeLessThan(0.002);
    expect(s2 / w.length - mean * mean).toBeCloseTo(2 / (I + H), 4);
  });

  it('uses [out, in] fans by default and honours explicit fans and gain', () => {
    expect(fans([3, 7])).toEqual({ fanIn: 7, fanOut: 3 });
    expect(fans([4, 3, 5])).toEqual({ fanIn: 15, fanOut: 20 });
    const w = new Float64Array(1000);
    glorotUniform(w, [1000], createRng(1), { fanIn: 1, fanOut: 5, gain: 0.5 });
    const bound = 0.5 * Math.sqrt(6 / 6);
    expect(Math.max(...Array.from(w, Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...Array.from(w, Math.abs))).toBeGreaterThan(0.95 * bound);
    expect(() => glorotUniform(new Float64Array(3), [3], createRng(1))).toThrow(/at least 2 dimensions/);
  });

  it('is deterministic per seed', () => {
    const a = new Float32Array(20);
    const b = new Float32Array(20);
    glorotUniform(a, [4, 5], createRng(8));
    glorotUniform(b, [4, 5], createRng(8));
    expect(Array.from(a)).toEqual(Array.from(b));
  });
});

describe('zeros, constant, uniformRange, initialise', () => {
  it('fill as declared', () => {
    const w = Float64Array.from([1, 2, 3]);
    zeros(w);
    expect(Array.from(w)).toEqual([0, 0, 0]);
    constant(w, 1);
    expect(Array.from(w)).toEqual([1, 1, 1]);
    const alpha = new Float64Array(5000);
    uniformRange(alpha, 0.5, 0.99, createRng(1));
    expect(Math.min(...alpha)).toBeGreaterThanOrEqual(0.5);
    expect(Math.max(...alpha)).toBeLessThan(0.99);
    expect(alpha.reduce((a, v) => a + v, 0) / alpha.length).toBeCloseTo(0.745, 2);
    expect(() => uniformRange(alpha, 1, 0, createRng(1))).toThrow(InitError);
  });

  it('dispatches every declared init spec and names the tensor in errors', () => {
    const rng = createRng(5);
    const bf = new Float32Array(4);
    initialise(bf, [4], { constant: 1 }, rng, 'l0.b_f');
    expect(Array.from(bf)).toEqual([1, 1, 1, 1]);
    const ones = new Float64Array(3);
    initialise(ones, [3], 'ones', rng);
    expect(Array.from(ones)).toEqual([1, 1, 1]);
    const b = Float64Array.from([5, 5]);
    initialise(b, [2], 'zeros', rng);
    expect(Array.from(b)).toEqual([0, 0]);
    const a = new Float64Array(3);
    initialise(a, [3], { uniform: [0.5, 0.99] }, rng);
    expect(a.every((v) => v >= 0.5 && v < 0.99)).toBe(true);
    const W = new Float64Array(9);
    initialise(W, [3, 3], 'orthogonal', rng);
    expect(orthError(W, 3, 3)).toBeLessThan(1e-12);
    const U = new Float64Array(6);
    initialise(U, [3, 2], 'glorot', rng);
    expect(U.every((v) => Math.abs(v) <= Math.sqrt(6 / 5))).toBe(true);
    expect(() => initialise(new Float64Array(3), [3], 'glorot', rng, 'l0.b')).toThrow(/^l0\.b: /);
    expect(() => initialise(new Float64Array(3), [2, 2], 'zeros', rng, 'l0.W')).toThrow(/l0\.W: shape \[2, 2\] has 4 elements/);
  });
});
