import { describe, expect, it } from 'vitest';
import { ClipError, clipGradients, gradNorms } from '../../../src/engine/clip';

const grads = (...arrays: number[][]) => arrays.map((a, i) => ({ name: `n.p${i}`, grad: Float64Array.from(a) }));

describe('clipGradients by global norm', () => {
  it('scales every gradient by v/‖g‖ when the global norm exceeds v', () => {
    const g = grads([3, 0], [0, 4]);
    const report = clipGradients(g, { kind: 'norm', max: 1 });
    expect(report.preNorm).toBe(5);
    expect(report.clipped).toBe(true);
    expect(Array.from(g[0].grad)).toEqual([3 * (1 / 5), 0]);
    expect(Array.from(g[1].grad)).toEqual([0, 4 * (1 / 5)]);
    expect(report.postNorm).toBeCloseTo(1, 15);
    expect(Array.from(report.paramNorms)).toEqual([3, 4]);
  });

  it('leaves gradients untouched when ‖g‖ ≤ v (no epsilon: equality does not clip)', () => {
    const g = grads([3, 0], [0, 4]);
    const report = clipGradients(g, { kind: 'norm', max: 5 });
    expect(report.clipped).toBe(false);
    expect(report.preNorm).toBe(5);
    expect(report.postNorm).toBe(5);
    expect(Array.from(g[0].grad)).toEqual([3, 0]);
    const below = grads([1e-3]);
    clipGradients(below, { kind: 'norm', max: 1 });
    expect(below[0].grad[0]).toBe(1e-3);
  });

  it('works on float32 gradients, with the norm accumulated in float64', () => {
    const g = [{ name: 'a.W', grad: new Float32Array(1000).fill(0.1) }];
    const report = clipGradients(g, { kind: 'norm', max: 0.5 });
    expect(report.preNorm).toBeCloseTo(Math.sqrt(1000) * Math.fround(0.1), 12);
    expect(report.postNorm).toBeCloseTo(0.5, 6);
    expect(g[0].grad[0]).toBe(Math.fround(Math.fround(0.1) * (0.5 / report.preNorm)));
  });

  it('reports a non-finite norm and leaves the gradients alone', () => {
    const g = grads([1, NaN], [2]);
    const report = clipGradients(g, { kind: 'norm', max: 1 });
    expect(report.finite).toBe(false);
    expect(report.clipped).toBe(false);
    expect(g[1].grad[0]).toBe(2);
  });
});

describe('clipGradients by value', () => {
  it('clamps each component to [−v, v] and reports the pre-clip norm', () => {
    const g = grads([3, -4, 0.5], [-0.2]);
    const report = clipGradients(g, { kind: 'value', max: 1 });
    expect(Array.from(g[0].grad)).toEqual([1, -1, 0.5]);
    expect(Array.from(g[1].grad)).toEqual([-0.2]);
    expect(report.preNorm).toBeCloseTo(Math.sqrt(9 + 16 + 0.25 + 0.04), 14);
    expect(report.postNorm).toBeCloseTo(Math.sqrt(1 + 1 + 0.25 + 0.04), 14);
    expect(report.clipped).toBe(true);
    const small = grads([0.1]);
    expect(clipGradients(small, { kind: 'value', max: 1 }).clipped).toBe(false);
  });
});

describe('measuring and refusing', () => {
  it('only measures without a config', () => {
    const g = grads([6, 8]);
    const report = clipGradients(g);
    expect(report).toMatchObject({ preNorm: 10, postNorm: 10, clipped: false, finite: true });
    expect(gradNorms(g).global).toBe(10);
    expect(gradNorms([]).global).toBe(0);
  });

  it('refuses a non-positive or non-finite max with a coded error', () => {
    for (const max of [0, -1, Infinity, NaN]) {
      expect(() => clipGradients(grads([1]), { kind: 'norm', max })).toThrow(ClipError);
    }
    try {
      clipGradients(grads([1]), { kind: 'value', max: 0 });
      expect.unreachable();
    } catch (e) {
      expect((e as ClipError).code).toBe('clip-bad-config');
      expect((e as Error).message).toMatch(/value.*max must be a positive/);
    }
  });
});
