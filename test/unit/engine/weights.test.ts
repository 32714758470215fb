import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/engine/rng';
import { WeightStore } from '../../../src/engine/weights';
import { elmanGraph, planOf } from './executor-fixtures';

describe('WeightStore', () => {
  const plan = planOf(elmanGraph());

  it('initialises every param with its initialiser, repeatably from the seed', () => {
    const a = WeightStore.initialise(plan, new Rng(42));
    const b = WeightStore.initialise(plan, new Rng(42));
    const c = WeightStore.initialise(plan, new Rng(43));
    expect(a.names()).toEqual(plan.params.map((p) => p.name));
    for (const n of a.names()) expect(Array.from(a.get(n))).toEqual(Array.from(b.get(n)));
    expect(Array.from(a.get('a.W0'))).not.toEqual(Array.from(c.get('a.W0')));
    expect(Array.from(a.get('a.b')).every((v) => v === 0)).toBe(true);
    // a.W1 is the recurrent H×H block: orthogonal, W Wᵀ = I
    const w = a.get('a.W1');
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < 5; j++) {
        let s = 0;
        for (let k = 0; k < 5; k++) s += w[i * 5 + k] * w[j * 5 + k];
        expect(s).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
  });

  it('gives each weight values that depend on its name only: adding a node changes no other weight', () => {
    const bigger = planOf(elmanGraph().node('extra', 'Linear', { units: 2 }).edge('h.out', 'extra.in0'));
    const a = WeightStore.initialise(plan, new Rng(5));
    const b = WeightStore.initialise(bigger, new Rng(5));
    expect(b.names()).toContain('extra.W0');
    for (const n of a.names()) expect(Array.from(b.get(n)), n).toEqual(Array.from(a.get(n)));
  });

  it('round-trips through a document’s weights bit-exactly (float64), and rounds once as float32', () => {
    const a = WeightStore.initialise(plan, new Rng(9));
    a.get('o.b')[1] = -0;
    const doc = a.toDocument();
    expect(Object.keys(doc)).toEqual(a.names());
    expect(doc['a.W0']).toMatchObject({ shape: [5, 3], dtype: 'float64' });
    const r = WeightStore.fromDocument(plan, JSON.parse(JSON.stringify(doc)));
    if (!r.ok) throw new Error(r.problems.map((p) => p.message).join('; '));
    for (const n of a.names()) expect(Array.from(r.store.get(n))).toEqual(Array.from(a.get(n)));
    expect(Object.is(r.store.get('o.b')[1], -0)).toBe(true);
    const f32 = WeightStore.fromDocument(plan, a.toDocument('float32'));
    if (!f32.ok) throw new Error('float32 load failed');
    expect(Array.from(f32.store.get('a.W0'))).toEqual(Array.from(Float32Array.from(a.get('a.W0'))));
  });

  it('names every missing, extra, mis-shaped or corrupt weight', () => {
    const doc = WeightStore.initialise(plan, new Rng(1)).toDocument();
    delete doc['o.b'];
    doc['old.W0'] = doc['a.b'];
    doc['a.W0'] = { ...doc['a.W0'], shape: [3, 5] };
    doc['a.W1'] = { ...doc['a.W1'], data: doc['a.W1'].data.slice(0, 8) };
    const r = WeightStore.fromDocument(plan, doc);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => [p.code, p.name])).toEqual([
      ['weight-shape', 'a.W0'],
      ['weight-data', 'a.W1'],
      ['weight-missing', 'o.b'],
      ['weight-extra', 'old.W0'],
    ]);
    expect(r.problems[0].message).toMatch(/"a\.W0" is stored as \[3, 5\] but the graph needs \[5, 3\]/);
    expect(r.problems[2].message).toMatch(/"o\.b" \[4\] is missing/);
    expect(WeightStore.fromDocument(plan, undefined)).toMatchObject({ ok: false });
  });

  it('refuses an unknown name with the names it has', () => {
    const a = WeightStore.initialise(plan, new Rng(1));
    expect(() => a.get('nope.W')).toThrow(/no weight named "nope\.W".*a\.W0/);
  });
});
