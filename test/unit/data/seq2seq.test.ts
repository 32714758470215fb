import { describe, expect, it } from 'vitest';
import { allocBatch, batchProblems, maskFromLengths, specProblems, targetShape, teacherForced, type Batch, type IOSpec } from '../../../src/data/batch';
import { DataError } from '../../../src/data/errors';
import { createTask } from '../../../src/data/registry';
import { createRng } from '../../../src/engine/rng';

/** n→m: 3 symbols in, 4 classes out (3 symbols + end), decoder inputs 5 ids (start = 4); T = 3, T' = 4. */
const spec: IOSpec = {
  input: { dtype: 'index', size: 3 },
  output: { dtype: 'index', size: 4 },
  mapping: 'n-m',
  steps: 3,
  targetSteps: 4,
  decoderInput: { size: 5, start: 4 },
  loss: 'ce',
};

function good(): Batch {
  const y = Int32Array.from([2, 1, 0, 3, 1, 3, 0, 0]); // (B,T') = (2,4): "C B A end", "B end"
  const targetLengths = Int32Array.from([4, 2]);
  return {
    B: 2,
    T: 3,
    x: Int32Array.from([0, 1, 2, 1, 0, 0]),
    y,
    lengths: Int32Array.from([3, 1]),
    mask: maskFromLengths(Int32Array.from([3, 1]), 3),
    target: { T: 4, lengths: targetLengths, mask: maskFromLengths(targetLengths, 4) },
    yIn: Int32Array.from([4, 2, 1, 0, 4, 1, 0, 0]),
  };
}

describe('n→m batches', () => {
  it('teacherForced starts with the start token and shifts y by one step, 0 past τ′', () => {
    const b = good();
    expect(Array.from(teacherForced(b.y as Int32Array, b.target!.lengths, 4, 4))).toEqual(Array.from(b.yIn!));
    expect(() => teacherForced(new Int32Array(7), b.target!.lengths, 4, 4)).toThrow(/not B·T' = 8/);
    expect(() => teacherForced(new Int32Array(8), Int32Array.from([4, 5]), 4, 4)).toThrow(/target length 5 is outside \[1, 4\]/);
  });

  it('y is (B,T′) and allocBatch sizes it from targetSteps', () => {
    expect(targetShape(spec, 2)).toEqual([2, 4]);
    const { x, y } = allocBatch(spec, 2);
    expect(x).toBeInstanceOf(Int32Array);
    expect(x.length).toBe(6);
    expect(y).toBeInstanceOf(Int32Array);
    expect(y.length).toBe(8);
  });

  it('specProblems names what an n-m spec lacks; allocBatch refuses such a spec', () => {
    expect(specProblems(spec)).toEqual([]);
    const { targetSteps: _t, decoderInput: _d, ...bare } = spec;
    expect(specProblems(bare)).toEqual(["an n-m spec needs targetSteps (T') as an integer ≥ 1, got undefined", 'an n-m spec needs decoderInput { size, start } for the teacher-forced decoder inputs']);
    expect(specProblems({ ...spec, output: { dtype: 'real', size: 4 } })).toEqual(['an n-m spec needs class-id targets (output dtype index)']);
    expect(specProblems({ ...spec, decoderInput: { size: 5, start: 5 } })).toEqual(['decoderInput.start 5 must be an id in [0, 5)']);
    try {
      allocBatch(bare, 2);
      expect.unreachable();
    } catch (e) {
      expect((e as DataError).code).toBe('batch-bad-spec');
    }
  });

  it('batchProblems accepts a well-formed batch and finds wrong target axes, masks and teacher forcing', () => {
    expect(batchProblems(good(), spec)).toEqual([]);
    const { target: _t, ...noTarget } = good();
    expect(batchProblems(noTarget, spec)).toEqual(["an n-m batch needs target { T, lengths, mask }: the target axis's padded length T', lengths τ'_b and mask"]);
    const b = good();
    expect(batchProblems({ ...b, target: { ...b.target!, T: 5 } }, spec)[0]).toBe("target.T is 5, the spec says T' = 4");
    expect(batchProblems({ ...b, target: { ...b.target!, mask: Float32Array.from([1, 1, 1, 1, 1, 1, 1, 0]) } }, spec)).toEqual(['sample 1: target mask at i = 3 should be 0']);
    expect(batchProblems({ ...b, target: { ...b.target!, lengths: Int32Array.from([4, 0]) } }, spec)).toContain('sample 1: target length 0 outside [1, 4]');
    expect(batchProblems({ ...b, yIn: Int32Array.from([4, 2, 2, 0, 4, 1, 0, 0]) }, spec)).toEqual(['sample 0: yIn at i = 3 is 2, should be y at i = 2 (1)']);
    expect(batchProblems({ ...b, yIn: Int32Array.from([0, 2, 1, 0, 4, 1, 0, 0]) }, spec)).toEqual(['sample 0: yIn at i = 1 is 0, should be the start token 4']);
    expect(batchProblems({ ...b, yIn: Int32Array.from([4, 2, 1, 0, 4, 7, 0, 0]) }, spec)).toContain('decoder input id 7 outside [0, 5)');
    expect(batchProblems({ ...b, yIn: new Int32Array(6) }, spec)).toEqual(['yIn must be an Int32Array of 8 values [2, 4]']);
    expect(batchProblems({ ...b, y: new Int32Array(6) }, spec)[0]).toMatch(/y must be a Int32Array of 8 values \[2, 4\]/);
  });

  it('an n-n or n-1 batch must not carry a target axis', () => {
    const nn: IOSpec = { input: { dtype: 'index', size: 3 }, output: { dtype: 'index', size: 4 }, mapping: 'n-n', steps: 3, loss: 'ce' };
    const b = good();
    const plain = { B: 2, T: 3, x: b.x, y: Int32Array.from([0, 1, 2, 3, 0, 0]), lengths: b.lengths, mask: b.mask };
    expect(batchProblems(plain, nn)).toEqual([]);
    expect(batchProblems({ ...plain, yIn: b.yIn! }, nn)).toEqual(['a n-n batch has one time axis: it must not carry target or yIn']);
  });
});

describe('reverse task', () => {
  it('targets are the source symbols reversed, then the end token; yIn is teacher-forced; lengths and masks per axis', () => {
    const task = createTask('reverse', { symbols: 5, minLength: 2, maxLength: 7 });
    expect(task.spec).toEqual({ input: { dtype: 'index', size: 5 }, output: { dtype: 'index', size: 6 }, mapping: 'n-m', steps: 7, targetSteps: 8, decoderInput: { size: 7, start: 6 }, loss: 'ce' });
    expect(task.inputSymbols).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(task.outputSymbols).toEqual(['A', 'B', 'C', 'D', 'E', '⟨end⟩']);
    const batch = task.batch(createRng(7), 200);
    expect(batchProblems(batch, task.spec)).toEqual([]);
    const { x, y, yIn, lengths, mask, target, B, T } = batch;
    const T1 = target!.T;
    expect(T1).toBe(8);
    const seen = new Set<number>();
    for (let b = 0; b < B; b++) {
      const tau = lengths[b];
      seen.add(tau);
      expect(tau >= 2 && tau <= 7).toBe(true);
      expect(target!.lengths[b]).toBe(tau + 1);
      const src = Array.from(x.subarray(b * T, b * T + tau));
      expect(src.every((s) => s >= 0 && s < 5)).toBe(true);
      expect(Array.from(x.subarray(b * T + tau, (b + 1) * T)).every((v) => v === 0)).toBe(true);
      expect(Array.from(y.subarray(b * T1, (b + 1) * T1))).toEqual([...src.slice().reverse(), 5, ...new Array(T1 - tau - 1).fill(0)]);
      expect(Array.from(yIn!.subarray(b * T1, (b + 1) * T1))).toEqual([6, ...src.slice().reverse(), ...new Array(T1 - tau - 1).fill(0)]);
      expect(Array.from(mask.subarray(b * T, (b + 1) * T))).toEqual(Array.from({ length: T }, (_, t) => (t < tau ? 1 : 0)));
      expect(Array.from(target!.mask.subarray(b * T1, (b + 1) * T1))).toEqual(Array.from({ length: T1 }, (_, i) => (i <= tau ? 1 : 0)));
    }
    expect([...seen].sort()).toEqual([2, 3, 4, 5, 6, 7]);
  });

  it('is deterministic given the generator, and its baseline matches a measured uniform guess with the end given', () => {
    const task = createTask('reverse', { symbols: 6, minLength: 3, maxLength: 6 });
    const a = task.batch(createRng(11), 32);
    const b = task.batch(createRng(11), 32);
    for (const k of ['x', 'y', 'yIn', 'lengths'] as const) expect(Array.from(b[k]!)).toEqual(Array.from(a[k]!));
    expect(Array.from(b.target!.lengths)).toEqual(Array.from(a.target!.lengths));
    const rng = createRng(12);
    let perSequence = 0;
    let steps = 0;
    let n = 0;
    for (let i = 0; i < 50; i++) {
      const { target, B } = task.batch(rng, 400);
      for (let s = 0; s < B; s++) {
        perSequence += (target!.lengths[s] - 1) * Math.log(6); // −ln(1/6) per symbol, −ln 1 for the end
        steps += target!.lengths[s];
        n++;
      }
    }
    expect(task.baseline.sumTimeMeanBatch).toBeCloseTo(4.5 * Math.log(6), 12);
    expect(task.baseline.meanValidSteps).toBeCloseTo((4.5 * Math.log(6)) / 5.5, 12);
    expect(Math.abs(perSequence / n - task.baseline.sumTimeMeanBatch)).toBeLessThan(0.05);
    expect(Math.abs(perSequence / steps - task.baseline.meanValidSteps)).toBeLessThan(0.01);
  });

  it('refuses bad params, naming them', () => {
    expect(() => createTask('reverse', { minLength: 5, maxLength: 3 })).toThrow(/minLength: minLength must not exceed maxLength/);
    expect(() => createTask('reverse', { symbols: 27 })).toThrow(/task "reverse": symbols: /);
    expect(() => createTask('reverse', { vocabulary: 'abc' })).toThrow(DataError);
  });
});

describe('sort task', () => {
  it('targets are the source symbols in order, then the end token', () => {
    const task = createTask('sort', { symbols: 4, minLength: 1, maxLength: 5 });
    const { x, y, yIn, lengths, target, B, T } = task.batch(createRng(13), 100);
    const T1 = target!.T;
    for (let b = 0; b < B; b++) {
      const tau = lengths[b];
      const src = Array.from(x.subarray(b * T, b * T + tau));
      const sorted = src.slice().sort((p, q) => p - q);
      expect(Array.from(y.subarray(b * T1, b * T1 + tau + 1))).toEqual([...sorted, 4]);
      expect(yIn![b * T1]).toBe(5);
      expect(Array.from(yIn!.subarray(b * T1 + 1, b * T1 + tau + 1))).toEqual(sorted);
    }
  });
});
