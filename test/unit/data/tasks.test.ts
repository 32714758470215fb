import { describe, expect, it } from 'vitest';
import { batchProblems } from '../../../src/data/batch';
import { DataError } from '../../../src/data/errors';
import { TASKS, createTask, getTask } from '../../../src/data/registry';
import { aesopCorpus } from '../../../src/data/tasks/charlm';
import { createRng } from '../../../src/engine/rng';

describe('every built-in task', () => {
  it.each(TASKS.map((t) => [t.id]))('%s: defaults, well-formed batches, determinism from the seed', (id) => {
    const def = getTask(id)!;
    expect(def.params.safeParse({}).success).toBe(true);
    const task = createTask(id);
    expect(task.id).toBe(id);
    expect(task.baseline.meanValidSteps).toBeGreaterThan(0);
    const a = task.batch(createRng(1), 8);
    expect(batchProblems(a, task.spec)).toEqual([]);
    const b = task.batch(createRng(1), 8);
    expect(Array.from(b.x)).toEqual(Array.from(a.x));
    expect(Array.from(b.y)).toEqual(Array.from(a.y));
    const c = task.batch(createRng(2), 8);
    expect(Array.from(c.x)).not.toEqual(Array.from(a.x));
  });

  it('createTask refuses unknown ids and bad params, naming them', () => {
    expect(() => createTask('nope')).toThrow(/unknown task "nope"; the built-in tasks are adding, copy, sine, parity, charlm/);
    try {
      createTask('adding', { T: 'long' });
      expect.unreachable();
    } catch (e) {
      expect((e as DataError).code).toBe('task-bad-params');
      expect((e as Error).message).toMatch(/task "adding": T: /);
    }
    expect(() => createTask('adding', { T: 10, minT: 20 })).toThrow(/minT: minT must not exceed T/);
    expect(() => createTask('adding', { T: 10, extra: 1 })).toThrow(DataError);
    expect(() => createTask('adding').batch(createRng(1), 0)).toThrow(/batch size/);
  });
});

describe('adding problem', () => {
  it('has two markers, one in each half, and the target is the sum of the marked values', () => {
    const task = createTask('adding', { T: 30 });
    const { x, y, B, T } = task.batch(createRng(3), 64);
    for (let b = 0; b < B; b++) {
      const marked: number[] = [];
      for (let t = 0; t < T; t++) {
        const v = x[(b * T + t) * 2];
        expect(v >= 0 && v < 1).toBe(true);
        if (x[(b * T + t) * 2 + 1] === 1) marked.push(t);
      }
      expect(marked.length).toBe(2);
      expect(marked[0]).toBeLessThan(15);
      expect(marked[1]).toBeGreaterThanOrEqual(15);
      expect(y[b]).toBe(Math.fround(x[(b * T + marked[0]) * 2] + x[(b * T + marked[1]) * 2]));
    }
  });

  it('always answering 1.0 scores MSE ≈ 1/6 ≈ 0.167 (the reported baseline), measured', () => {
    const task = createTask('adding', { T: 20 });
    const rng = createRng(123);
    let se = 0;
    let n = 0;
    for (let i = 0; i < 100; i++) {
      const { y } = task.batch(rng, 500);
      for (const v of y) {
        se += (v - 1) ** 2;
        n++;
      }
    }
    expect(task.baseline.meanValidSteps).toBeCloseTo(1 / 6, 12);
    expect(Math.abs(se / n - 1 / 6)).toBeLessThan(0.003);
  });

  it('with minT, draws lengths in [minT, T], keeps markers inside τ_b and zeros the padding', () => {
    const task = createTask('adding', { T: 12, minT: 4 });
    const { x, lengths, mask, B, T } = task.batch(createRng(4), 200);
    const seen = new Set<number>();
    for (let b = 0; b < B; b++) {
      const tau = lengths[b];
      seen.add(tau);
      expect(tau >= 4 && tau <= 12).toBe(true);
      for (let t = tau; t < T; t++) {
        expect(x[(b * T + t) * 2]).toBe(0);
        expect(x[(b * T + t) * 2 + 1]).toBe(0);
        expect(mask[b * T + t]).toBe(0);
      }
      let markers = 0;
      for (let t = 0; t < tau; t++) markers += x[(b * T + t) * 2 + 1];
      expect(markers).toBe(2);
    }
    expect(seen.size).toBe(9);
  });
});

describe('copy task', () => {
  it('recalls the L symbols after GO and is blank elsewhere', () => {
    const task = createTask('copy', { length: 3, delay: 4, symbols: 5 });
    const { x, y, B, T } = task.batch(createRng(5), 16);
    expect(T).toBe(10);
    expect(task.spec).toMatchObject({ input: { dtype: 'index', size: 7 }, output: { dtype: 'index', size: 6 }, mapping: 'n-n' });
    for (let b = 0; b < B; b++) {
      const xs = Array.from(x.subarray(b * T, b * T + T));
      const ys = Array.from(y.subarray(b * T, b * T + T));
      expect(xs.slice(0, 3).every((s) => s >= 1 && s <= 5)).toBe(true);
      expect(xs.slice(3)).toEqual([0, 0, 0, 6, 0, 0, 0]);
      expect(ys).toEqual([0, 0, 0, 0, 0, 0, 0, ...xs.slice(0, 3)]);
    }
    expect(task.inputSymbols).toEqual(['·', 'A', 'B', 'C', 'D', 'E', 'GO']);
  });

  it('the memoryless baseline L·ln K per sequence matches a measured cross-entropy', () => {
    const task = createTask('copy', { length: 4, delay: 6, symbols: 8 });
    const rng = createRng(6);
    const { y, B, T } = task.batch(rng, 200);
    // Predictor: blank with probability 1 before GO; uniform over the K symbols after it.
    let total = 0;
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const k = y[b * T + t];
        const p = t < 10 ? (k === 0 ? 1 : 0) : k >= 1 ? 1 / 8 : 0;
        total -= Math.log(p);
      }
    }
    expect(total / B).toBeCloseTo(task.baseline.sumTimeMeanBatch, 10);
    expect(task.baseline.meanValidSteps).toBeCloseTo((4 * Math.log(8)) / 14, 12);
  });
});

describe('sine forecasting', () => {
  it('targets are the next input value, and answering 0 scores 0.5 + σ²', () => {
    const task = createTask('sine', { T: 40, noise: 0.1 });
    const rng = createRng(7);
    let se = 0;
    let n = 0;
    let mismatches = 0;
    for (let i = 0; i < 20; i++) {
      const { x, y, B, T } = task.batch(rng, 200);
      for (let b = 0; b < B; b++) for (let t = 0; t + 1 < T; t++) if (y[b * T + t] !== x[b * T + t + 1]) mismatches++;
      for (const v of y) {
        se += v * v;
        n++;
      }
    }
    expect(mismatches).toBe(0);
    expect(task.baseline.meanValidSteps).toBeCloseTo(0.51, 12);
    expect(task.baseline.sumTimeMeanBatch).toBeCloseTo(40 * 0.51, 10);
    expect(Math.abs(se / n - 0.51)).toBeLessThan(0.01);
  });

  it('without noise, values follow a sine of the drawn period', () => {
    const { x, T } = createTask('sine', { T: 30, minPeriod: 12, maxPeriod: 12 }).batch(createRng(8), 1);
    // sin(a + 2πk/12) satisfies s_{t+1} = 2 cos(2π/12) s_t − s_{t−1}
    for (let t = 1; t + 1 < T; t++) expect(x[t + 1]).toBeCloseTo(2 * Math.cos((2 * Math.PI) / 12) * x[t] - x[t - 1], 5);
  });
});

describe('parity', () => {
  it('final: the class is the parity of the valid bits', () => {
    const task = createTask('parity', { T: 10, minT: 3 });
    expect(task.spec.mapping).toBe('n-1');
    const { x, y, lengths, B, T } = task.batch(createRng(9), 100);
    let odd = 0;
    for (let b = 0; b < B; b++) {
      let sum = 0;
      for (let t = 0; t < T; t++) {
        if (t >= lengths[b]) expect(x[b * T + t]).toBe(0);
        sum += x[b * T + t];
      }
      expect(y[b]).toBe(sum % 2);
      odd += y[b];
    }
    expect(odd).toBeGreaterThan(30);
    expect(odd).toBeLessThan(70);
    expect(task.baseline.meanValidSteps).toBeCloseTo(Math.LN2, 12);
  });

  it('running: every step carries the parity so far (0 past τ_b)', () => {
    const task = createTask('parity', { T: 8, minT: 2, mode: 'running' });
    expect(task.spec.mapping).toBe('n-n');
    expect(task.baseline.sumTimeMeanBatch).toBeCloseTo(5 * Math.LN2, 12);
    const { x, y, lengths, B, T } = task.batch(createRng(10), 50);
    for (let b = 0; b < B; b++) {
      let p = 0;
      for (let t = 0; t < T; t++) {
        if (t < lengths[b]) {
          p ^= x[b * T + t];
          expect(y[b * T + t]).toBe(p);
        } else expect(y[b * T + t]).toBe(0);
      }
    }
  });
});

describe('character language model (built-in corpus)', () => {
  it('windows of T characters with targets shifted by one', () => {
    const corpus = aesopCorpus();
    expect(corpus.text.length).toBeGreaterThan(4000);
    expect(corpus.text).toContain('Slow and steady wins the race.');
    const task = createTask('charlm', { T: 32 });
    expect(task.spec).toMatchObject({ input: { dtype: 'index', size: corpus.symbols.length }, mapping: 'n-n', steps: 32 });
    const { x, y, B, T } = task.batch(createRng(11), 20);
    for (let b = 0; b < B; b++) {
      const xs = corpus.decode(x.subarray(b * T, b * T + T));
      const ys = corpus.decode(y.subarray(b * T, b * T + T));
      expect(ys.slice(0, T - 1)).toBe(xs.slice(1));
      expect(corpus.text).toContain(xs + ys[T - 1]);
    }
    expect(task.baseline.meanValidSteps).toBeCloseTo(corpus.unigramEntropy, 12);
    expect(corpus.unigramEntropy).toBeGreaterThan(2.5);
    expect(corpus.unigramEntropy).toBeLessThan(Math.log(corpus.symbols.length));
  });
});
