import { describe, expect, it } from 'vitest';
import { batchProblems, maskFromLengths, padSequences, padTokens, type IOSpec } from '../../../src/data/batch';
import { DataError } from '../../../src/data/errors';

describe('masks and padding', () => {
  it('maskFromLengths gives m_{b,t} = 1[t ≤ τ_b]', () => {
    const mask = maskFromLengths(Int32Array.from([3, 1, 4]), 4);
    expect(Array.from(mask)).toEqual([1, 1, 1, 0, 1, 0, 0, 0, 1, 1, 1, 1]);
    expect(() => maskFromLengths(Int32Array.from([5]), 4)).toThrow(/sample 0: length 5 is outside \[1, 4\]/);
    expect(() => maskFromLengths(Int32Array.from([0]), 4)).toThrow(DataError);
  });

  it('padSequences pads (τ_b, D) sequences with zeros into (B,T,D), T = the longest by default', () => {
    const { x, lengths, mask, T } = padSequences([[1, 2, 3, 4], [5, 6]], 2);
    expect(T).toBe(2);
    expect(Array.from(x)).toEqual([1, 2, 3, 4, 5, 6, 0, 0]);
    expect(Array.from(lengths)).toEqual([2, 1]);
    expect(Array.from(mask)).toEqual([1, 1, 1, 0]);
    const wide = padSequences([[1, 2]], 2, 3);
    expect(Array.from(wide.x)).toEqual([1, 2, 0, 0, 0, 0]);
    expect(() => padSequences([[1, 2, 3]], 2)).toThrow(/sequence 0 has 3 values, not a positive multiple of D = 2/);
    expect(() => padSequences([[1, 2, 3, 4]], 2, 1)).toThrow(/more than the padded length T = 1/);
    expect(() => padSequences([], 2)).toThrow(/batch size/);
  });

  it('padTokens pads id sequences with 0 into (B,T)', () => {
    const { tokens, lengths, mask, T } = padTokens([[3, 1, 2], [7]]);
    expect(T).toBe(3);
    expect(Array.from(tokens)).toEqual([3, 1, 2, 7, 0, 0]);
    expect(Array.from(lengths)).toEqual([3, 1]);
    expect(Array.from(mask)).toEqual([1, 1, 1, 1, 0, 0]);
    expect(() => padTokens([[1], []])).toThrow(/sequence 1 is empty/);
  });
});

describe('batchProblems', () => {
  const spec: IOSpec = { input: { dtype: 'index', size: 4 }, output: { dtype: 'index', size: 4 }, mapping: 'n-n', steps: 3, loss: 'ce' };
  const good = () => ({
    B: 2,
    T: 3,
    x: Int32Array.from([1, 2, 3, 0, 1, 0]),
    y: Int32Array.from([2, 3, 0, 1, 0, 0]),
    lengths: Int32Array.from([3, 2]),
    mask: Float32Array.from([1, 1, 1, 1, 1, 0]),
  });

  it('accepts a well-formed batch', () => {
    expect(batchProblems(good(), spec)).toEqual([]);
  });

  it('finds wrong types, sizes, masks and ids', () => {
    expect(batchProblems({ ...good(), x: new Float32Array(6) }, spec)[0]).toMatch(/x must be a Int32Array of 6 values \[2, 3\]/);
    expect(batchProblems({ ...good(), y: new Int32Array(2) }, spec)[0]).toMatch(/y must be/);
    expect(batchProblems({ ...good(), mask: Float32Array.from([1, 1, 1, 1, 1, 1]) }, spec)).toEqual(['sample 1: mask at t = 3 should be 0']);
    expect(batchProblems({ ...good(), y: Int32Array.from([2, 3, 0, 9, 0, 0]) }, spec)).toEqual(['class id 9 outside [0, 4)']);
    expect(batchProblems({ ...good(), lengths: Int32Array.from([3, 0]) }, spec)[0]).toMatch(/length 0 outside/);
  });
});
