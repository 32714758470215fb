import { describe, expect, it } from 'vitest';
import { batchProblems, extraShape } from '../../../src/data/batch';
import { createTask } from '../../../src/data/registry';
import { WAVE_CONDITION, waveBaseline, waveCondition, WaveParams } from '../../../src/data/tasks/wave';
import { createRng } from '../../../src/engine/rng';

/** The wave a conditioning vector describes, under `params` (inverting `waveCondition`). */
function described(c: ArrayLike<number>, params: WaveParams): { A: number; omega: number; phi: number } {
  const [w1, w2] = [(2 * Math.PI) / params.maxPeriod, (2 * Math.PI) / params.minPeriod];
  const A = (params.minAmplitude + params.maxAmplitude) / 2 + (c[0] * (params.maxAmplitude - params.minAmplitude)) / 2;
  const omega = (w1 + w2) / 2 + (c[1] * (w2 - w1)) / 2;
  return { A, omega, phi: Math.atan2(c[3], c[2]) };
}

describe('wave: a sinusoid from its description (1→n)', () => {
  const params = WaveParams.parse({ T: 20 });

  it('is the same batch for the same seed, another for another', () => {
    const task = createTask('wave', { T: 20 });
    const a = task.batch(createRng(4), 16);
    const b = task.batch(createRng(4), 16);
    expect(Array.from(b.y)).toEqual(Array.from(a.y));
    expect(Array.from(b.extra![WAVE_CONDITION]!.data)).toEqual(Array.from(a.extra![WAVE_CONDITION]!.data));
    expect(Array.from(task.batch(createRng(5), 16).y)).not.toEqual(Array.from(a.y));
  });

  it('gives the condition as an extra (B,4) vector and a well-formed n→n batch', () => {
    const task = createTask('wave', { T: 20 });
    expect(task.spec).toMatchObject({ mapping: 'n-n', loss: 'mse', steps: 20, input: { dtype: 'real', size: 1 }, output: { dtype: 'real', size: 1 } });
    expect(task.spec.extra).toEqual({ [WAVE_CONDITION]: { role: 'vector', dtype: 'real', size: 4 } });
    const batch = task.batch(createRng(1), 8);
    expect(batchProblems(batch, task.spec)).toEqual([]);
    const c = batch.extra![WAVE_CONDITION]!;
    expect(c.data).toBeInstanceOf(Float32Array);
    expect(c.data.length).toBe(extraShape(c, 8, 20).reduce((p, d) => p * d, 1));
    expect(extraShape(c, 8, 20)).toEqual([8, 4]);
    expect(Array.from(batch.lengths)).toEqual(new Array(8).fill(20));
  });

  it('targets are A·sin(ωt + φ) of the wave the vector describes, within its ranges', () => {
    const task = createTask('wave', { T: 20 });
    const { y, B, T, extra } = task.batch(createRng(7), 64);
    const c = extra![WAVE_CONDITION]!.data;
    for (let b = 0; b < B; b++) {
      const row = c.subarray(b * 4, b * 4 + 4);
      expect(Math.abs(row[0])).toBeLessThanOrEqual(1);
      expect(Math.abs(row[1])).toBeLessThanOrEqual(1);
      expect(row[2] ** 2 + row[3] ** 2).toBeCloseTo(1, 5);
      const w = described(row, params);
      expect(w.A).toBeGreaterThanOrEqual(0.5 - 1e-6);
      expect(w.A).toBeLessThanOrEqual(1 + 1e-6);
      expect((2 * Math.PI) / w.omega).toBeGreaterThanOrEqual(8 - 1e-4);
      expect((2 * Math.PI) / w.omega).toBeLessThanOrEqual(24 + 1e-4);
      for (let t = 1; t <= T; t++) expect(Math.abs(y[b * T + t - 1] - w.A * Math.sin(w.omega * t + w.phi))).toBeLessThan(2e-5);
    }
  });

  it('x is y shifted by one step (x_1 = 0), or all zeros with input: none; y and the vector are the same', () => {
    const forced = createTask('wave', { T: 12 }).batch(createRng(3), 8);
    for (let b = 0; b < 8; b++) {
      expect(forced.x[b * 12]).toBe(0);
      for (let t = 1; t < 12; t++) expect(forced.x[b * 12 + t]).toBe(forced.y[b * 12 + t - 1]);
    }
    const alone = createTask('wave', { T: 12, input: 'none' }).batch(createRng(3), 8);
    expect(alone.x.every((v) => v === 0)).toBe(true);
    expect(Array.from(alone.y)).toEqual(Array.from(forced.y));
    expect(Array.from(alone.extra![WAVE_CONDITION]!.data)).toEqual(Array.from(forced.extra![WAVE_CONDITION]!.data));
  });

  it.each(['previous', 'none'] as const)('its baseline (input: %s) is what the stated predictor scores, measured', (input) => {
    const task = createTask('wave', { T: 16, input });
    const T = task.spec.steps;
    const rng = createRng(11);
    let se = 0;
    let n = 0;
    for (let k = 0; k < 40; k++) {
      const { x, y, B } = task.batch(rng, 256);
      for (let b = 0; b < B; b++) {
        for (let t = 0; t < T; t++) {
          // input previous: repeat y_{t−1} (0 at the first step); input none: always 0.
          const guess = input === 'previous' ? x[b * T + t] : 0;
          se += (y[b * T + t] - guess) ** 2;
          n++;
        }
      }
    }
    expect(task.baseline.meanValidSteps).toBeCloseTo(waveBaseline(WaveParams.parse({ T: 16, input })), 12);
    expect(task.baseline.sumTimeMeanBatch).toBeCloseTo(16 * task.baseline.meanValidSteps, 12);
    expect(Math.abs(se / n - task.baseline.meanValidSteps) / task.baseline.meanValidSteps).toBeLessThan(0.03);
  });

  it('a one-value range gives a 0 feature; bad ranges are refused, naming the param', () => {
    const fixed = WaveParams.parse({ minAmplitude: 1, maxAmplitude: 1, minPeriod: 10, maxPeriod: 10 });
    expect(waveCondition({ A: 1, omega: (2 * Math.PI) / 10, phi: 0 }, fixed)).toEqual([0, 0, 1, 0]);
    expect(waveBaseline({ ...fixed, T: 1 })).toBeCloseTo(0.5, 12);
    expect(() => createTask('wave', { minPeriod: 30, maxPeriod: 20 })).toThrow(/minPeriod: minPeriod must not exceed maxPeriod/);
    expect(() => createTask('wave', { minAmplitude: 2, maxAmplitude: 1 })).toThrow(/minAmplitude: minAmplitude must not exceed maxAmplitude/);
    expect(() => createTask('wave', { input: 'sometimes' })).toThrow(/input/);
  });
});
