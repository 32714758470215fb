import { describe, expect, it } from 'vitest';
import { fromValues } from '../../../src/engine/tensor';
import { Multiplicative } from '../../../src/nodes/multiplicative';
import type { PortShape } from '../../../src/nodes/types';

const vec = (dim: number): PortShape => ({ role: 'vector', dim, dtype: 'real' });
const seq = (dim: number): PortShape => ({ role: 'sequence', dim, dtype: 'real' });
const attrs = (raw: Record<string, unknown> = {}) => Multiplicative.params.parse(raw);

describe('Multiplicative (models.md "Multiplicative module")', () => {
  it('owns U [O, I, Z], Glorot, and no bias', () => {
    expect(Multiplicative.paramTensors(attrs({ size: 3 }), { x: vec(5), z: vec(2) })).toEqual([{ name: 'U', shape: [3, 5, 2], trainable: true, init: 'glorot' }]);
    expect(Multiplicative.paramTensors(attrs(), { x: vec(5) })).toEqual([]);
  });

  it('outputs y of `size` units with the widest role of x and z; names the port of a wrong role', () => {
    expect(Multiplicative.shape(attrs({ size: 4 }), { x: seq(3), z: vec(2) })).toEqual({ ok: true, outputs: { y: seq(4) } });
    expect(Multiplicative.shape(attrs(), { x: vec(3) })).toEqual({ ok: true, outputs: {} });
    const bad = Multiplicative.shape(attrs(), { x: vec(3), z: { role: 'scalar', dim: 0, dtype: 'real' } });
    expect(bad).toMatchObject({ ok: false, code: 'incompatible-roles', port: 'z' });
    const ids = Multiplicative.shape(attrs(), { x: { role: 'vector', dim: 3, dtype: 'index' }, z: vec(2) });
    expect(ids).toMatchObject({ ok: false, code: 'incompatible-dtype', port: 'x' });
  });

  it('computes y = W(z) x with W(z)_ij = Σ_k U_ijk z_k (by hand, O = 1, I = 2, Z = 2)', () => {
    // U[0] = [[1, 2], [3, 4]]: W(z) = [1·z0 + 2·z1, 3·z0 + 4·z1]
    const U = fromValues([1, 2, 2], [1, 2, 3, 4]);
    const x = fromValues([2, 2], [1, 0, 0.5, -1]);
    const z = fromValues([2, 2], [1, 1, 2, -1]);
    const { outputs } = Multiplicative.kernel!.forward({ x, z }, { U }, attrs({ size: 1 }));
    // row 0: W = [3, 7] → 3; row 1: W = [0, 2] → 0·0.5 + 2·(−1) = −2
    expect(Array.from(outputs.y.data)).toEqual([3, -2]);
    expect(outputs.y.shape).toEqual([2, 1]);
  });

  it('refuses a U of the wrong shape, naming it', () => {
    const x = fromValues([1, 2], [1, 2]);
    const z = fromValues([1, 1], [1]);
    expect(() => Multiplicative.kernel!.forward({ x, z }, { U: fromValues([1, 2, 2], [1, 2, 3, 4]) }, attrs({ size: 1 }))).toThrow(/param "U": expected shape \[1, 2, 1\]/);
  });
});
