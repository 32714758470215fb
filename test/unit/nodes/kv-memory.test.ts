import { describe, expect, it } from 'vitest';
import { fromValues, zeros, type Tensor } from '../../../src/engine/tensor';
import { Dot } from '../../../src/nodes/dot';
import { KVMemory } from '../../../src/nodes/kv-memory';
import { SoftmaxPool } from '../../../src/nodes/softmax-pool';
import { SoftmaxPoolRead } from '../../../src/nodes/softmax-pool-read';
import { SoftmaxPoolWeight } from '../../../src/nodes/softmax-pool-weight';
import type { PortShape } from '../../../src/nodes/types';

const vec = (dim: number): PortShape => ({ role: 'vector', dim, dtype: 'real' });
const seq = (dim: number): PortShape => ({ role: 'sequence', dim, dtype: 'real' });
const attrs = (raw: Record<string, unknown>) => KVMemory.params.parse(raw);

/** Pools scores `a` and values `v` (D = 2) of one sample step by step, as a SoftmaxPool behind a Delay. */
function pool(a: readonly number[], v: readonly (readonly number[])[]): Tensor {
  let prev = zeros([1, 4]);
  for (let t = 0; t < a.length; t++) {
    prev = SoftmaxPool.kernel!.forward({ score: fromValues([1, 1], [a[t]]), value: fromValues([1, 2], v[t]), prev }, {}, {}).outputs.out;
  }
  return prev;
}

describe('KVMemory (models.md "Key–value memory")', () => {
  it('takes a vector query and sequences of keys and values of `size`; outputs read, query and p (one per hop)', () => {
    expect(KVMemory.shape(attrs({ size: 5, hops: 2 }), { x: vec(5), keys: seq(5), values: seq(5) })).toEqual({
      ok: true,
      outputs: { read: vec(5), query: vec(5), p: seq(2) },
    });
    expect(KVMemory.shape(attrs({ size: 5 }), { x: vec(5), keys: seq(4) })).toMatchObject({ ok: false, code: 'dim-mismatch', port: 'keys' });
    expect(KVMemory.shape(attrs({ size: 5 }), { x: seq(5) })).toMatchObject({ ok: false, code: 'incompatible-roles', port: 'x' });
    expect(KVMemory.paramTensors(attrs({}), {})).toEqual([]);
  });

  it('hops through the same keys and values with x ← x + s, and exposes p of every hop', () => {
    const dec = KVMemory.decompose!(attrs({ size: 4, hops: 3 }));
    const of = (type: string) => dec.nodes.filter((n) => n.type === type).map((n) => n.id);
    expect(of('Dot')).toEqual(['score1', 'score2', 'score3']);
    expect(of('Delay')).toEqual(['prev1', 'prev2', 'prev3']);
    expect(dec.nodes.find((n) => n.id === 'prev1')!.params).toEqual({ size: 6 });
    expect(dec.inputs.keys.map((p) => p.node)).toEqual(['score1', 'score2', 'score3']);
    expect(dec.inputs.x).toEqual([
      { node: 'score1', port: 'in1' },
      { node: 'q2', port: 'in0' },
    ]);
    expect(dec.outputs).toEqual({ read: { node: 'read3', port: 'out' }, query: { node: 'q4', port: 'out' }, p: { node: 'p', port: 'out' } });
    expect(Object.keys(dec.probes ?? {})).toEqual(['p1', 'p2', 'p3']);
    expect(KVMemory.decompose!(attrs({ hops: 1 })).outputs.p).toEqual({ node: 'p1', port: 'out' });
  });
});

describe('SoftmaxPool, read and weight: softmax over the steps, computed stably', () => {
  const a = [0.5, -1, 2];
  const v = [
    [1, 2],
    [-3, 0.5],
    [0, 4],
  ];
  const e = a.map(Math.exp);
  const S = e.reduce((x, y) => x + y, 0);

  it('reads Σ softmax(α)_t v_t and the weights softmax(α)_t, by hand', () => {
    const last = pool(a, v);
    const read = SoftmaxPoolRead.kernel!.forward({ pool: last }, {}, {}).outputs.out;
    for (let k = 0; k < 2; k++) expect(read.data[k]).toBeCloseTo((e[0] * v[0][k] + e[1] * v[1][k] + e[2] * v[2][k]) / S, 14);
    for (let t = 0; t < 3; t++) {
      const p = SoftmaxPoolWeight.kernel!.forward({ score: fromValues([1, 1], [a[t]]), pool: last }, {}, {}).outputs.out;
      expect(p.data[0]).toBeCloseTo(e[t] / S, 14);
    }
    expect(last.data[0]).toBe(2); // the running maximum
  });

  it('does not overflow or underflow with scores far from zero', () => {
    for (const shift of [1000, -1000]) {
      const last = pool(
        a.map((x) => x + shift),
        v,
      );
      const read = SoftmaxPoolRead.kernel!.forward({ pool: last }, {}, {}).outputs.out;
      expect(read.data[1]).toBeCloseTo((e[0] * 2 + e[1] * 0.5 + e[2] * 4) / S, 12);
    }
  });

  it('names the port of a wrong size', () => {
    expect(SoftmaxPool.shape({}, { score: seq(2) })).toMatchObject({ ok: false, port: 'score' });
    expect(SoftmaxPool.shape({}, { score: seq(1), value: seq(3), prev: seq(4) })).toMatchObject({ ok: false, code: 'dim-mismatch', port: 'prev' });
    expect(SoftmaxPool.shape({}, { score: seq(1), value: seq(3), prev: { role: 'state', dim: 5, dtype: 'real' } })).toEqual({ ok: true, outputs: { out: seq(5) } });
    expect(SoftmaxPoolRead.shape({}, { pool: vec(7) })).toEqual({ ok: true, outputs: { out: vec(5) } });
    expect(Dot.shape({}, { in0: seq(4), in1: vec(4) })).toEqual({ ok: true, outputs: { out: seq(1) } });
    expect(Dot.shape({}, { in0: seq(4), in1: vec(3) })).toMatchObject({ ok: false, port: 'in1' });
  });
});
