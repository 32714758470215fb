import { describe, expect, it } from 'vitest';
import { fromValues } from '../../../src/engine/tensor';
import { OneHot } from '../../../src/nodes/one-hot';

describe('OneHot (the one-hot token input of the reference cases)', () => {
  const attrs = OneHot.params.parse({ classes: 4 });

  it('maps id k to e_k, zero on padded rows, whose ids are never read', () => {
    const { outputs } = OneHot.kernel!.forward({ index: fromValues([3], [2, 0, 99]) }, {}, attrs, { mask: fromValues([3], [1, 1, 0]) });
    expect(Array.from(outputs.out.data)).toEqual([0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('refuses an id outside its classes, and a class count other than its input’s', () => {
    expect(() => OneHot.kernel!.forward({ index: fromValues([1], [4]) }, {}, attrs)).toThrow(/id 4 in row 0 is not a class in 0…3/);
    const r = OneHot.shape(attrs, { index: { role: 'sequence', dim: 5, dtype: 'index' } });
    expect(r).toMatchObject({ ok: false, code: 'dim-mismatch', port: 'index' });
    expect(OneHot.shape(attrs, { index: { role: 'vector', dim: 4, dtype: 'index' } })).toEqual({ ok: true, outputs: { out: { role: 'vector', dim: 4, dtype: 'real' } } });
  });

  it('passes no gradient to its ids', () => {
    expect(OneHot.kernel!.backward({ out: fromValues([1, 4], [1, 2, 3, 4]) }, undefined, { index: fromValues([1], [1]) }, {}, attrs)).toEqual({ inputs: {}, params: {} });
  });
});
