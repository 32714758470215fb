import { describe, expect, it } from 'vitest';
import { ScheduleError, learningRate, scheduleFn } from '../../../src/engine/schedule';

describe('learningRate', () => {
  it('constant (and no schedule) returns the base rate at every step', () => {
    for (const step of [0, 1, 99, 10_000]) {
      expect(learningRate(undefined, 0.1, step, 100)).toBe(0.1);
      expect(learningRate({ kind: 'constant' }, 0.1, step, 100)).toBe(0.1);
    }
  });

  it('step multiplies by gamma every `every` updates', () => {
    const s = { kind: 'step', every: 10, gamma: 0.5 } as const;
    expect(learningRate(s, 0.8, 0, 100)).toBe(0.8);
    expect(learningRate(s, 0.8, 9, 100)).toBe(0.8);
    expect(learningRate(s, 0.8, 10, 100)).toBe(0.4);
    expect(learningRate(s, 0.8, 29, 100)).toBe(0.2);
    expect(learningRate(s, 0.8, 30, 100)).toBe(0.1);
  });

  it('cosine goes from the base rate to minLr over the run, through the midpoint at half way', () => {
    const s = { kind: 'cosine', minLr: 0.01 } as const;
    const f = scheduleFn(s, 0.11, 100);
    expect(f(0)).toBe(0.11);
    expect(f(50)).toBeCloseTo(0.06, 15);
    expect(f(100)).toBeCloseTo(0.01, 15);
    expect(f(500)).toBeCloseTo(0.01, 15);
    expect(f(25)).toBeCloseTo(0.01 + 0.1 * (1 + Math.cos(Math.PI / 4)) / 2, 15);
    for (let t = 1; t <= 100; t++) expect(f(t)).toBeLessThanOrEqual(f(t - 1));
  });

  it('refuses bad steps and settings with a coded error', () => {
    expect(() => learningRate(undefined, 0.1, -1, 10)).toThrow(ScheduleError);
    expect(() => learningRate(undefined, 0.1, 1.5, 10)).toThrow(/step must be an integer/);
    expect(() => learningRate({ kind: 'cosine', minLr: 0 }, 0.1, 0, 0)).toThrow(/total number of steps/);
    expect(() => learningRate({ kind: 'step', every: 0, gamma: 0.5 }, 0.1, 0, 10)).toThrow(/every must be/);
    try {
      learningRate({ kind: 'step', every: 1, gamma: 0 }, 0.1, 0, 10);
      expect.unreachable();
    } catch (e) {
      expect((e as ScheduleError).code).toBe('schedule-bad-config');
    }
  });
});
