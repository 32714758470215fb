import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/compiler';
import { Rng } from '../../../src/engine/rng';
import { fromValues } from '../../../src/engine/tensor';
import { WeightStore } from '../../../src/engine/weights';
import { Leaky } from '../../../src/nodes/leaky';
import { LeakyMix } from '../../../src/nodes/leaky-mix';
import type { PortShape } from '../../../src/nodes/types';
import { GraphBuilder } from '../compiler/graph-builder';

const seq = (dim: number): PortShape => ({ role: 'sequence', dim, dtype: 'real' });
const sig = (v: number) => 1 / (1 + Math.exp(-v));

describe('Leaky unit (models.md "Leaky unit")', () => {
  it('owns U, W, b and a fixed alpha [H] (stored, not trained, uniform in [0.5, 0.99]) or a trainable alpha_logit [H]', () => {
    const fixed = Leaky.paramTensors(Leaky.params.parse({ hidden: 4 }), { in: seq(3) });
    expect(fixed.map((t) => [t.name, t.shape])).toEqual([
      ['U', [4, 3]],
      ['W', [4, 4]],
      ['b', [4]],
      ['alpha', [4]],
    ]);
    expect(fixed.find((t) => t.name === 'alpha')).toMatchObject({ trainable: false, init: { uniform: [0.5, 0.99] } });
    const trained = Leaky.paramTensors(Leaky.params.parse({ hidden: 4, alpha: 'trainable', alphaMin: 0.2, alphaMax: 0.8, init: 'learned' }), { in: seq(3) });
    const logit = trained.find((t) => t.name === 'alpha_logit')!;
    expect(logit.trainable).toBe(true);
    const [lo, hi] = (logit.init as { uniform: [number, number] }).uniform;
    expect([sig(lo), sig(hi)].map((v) => Number(v.toFixed(12)))).toEqual([0.2, 0.8]);
    expect(trained.map((t) => t.name)).toContain('h0');
  });

  it('refuses an α range outside (0, 1) or upside down, naming the field', () => {
    expect(Leaky.params.safeParse({ alphaMin: 0 }).success).toBe(false);
    const r = Leaky.params.safeParse({ alphaMin: 0.9, alphaMax: 0.6 });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0].path).toEqual(['alphaMin']);
    expect(LeakyMix.params.safeParse({ alphaMax: 1 }).success).toBe(false);
  });

  it('a scalar step: h = α h_{t−1} + (1 − α) tanh(b + W h_{t−1} + U x), α fixed or σ(alpha_logit)', () => {
    const one = (v: number) => fromValues([1, 1], [v]);
    const w = { U: fromValues([1, 1], [0.5]), W: fromValues([1, 1], [-2]), b: fromValues([1], [0.1]) };
    const [x, h] = [2, 0.3];
    const cand = Math.tanh(0.1 - 0.6 + 1);
    const fixed = Leaky.fused!.step.forward({ in: one(x), h_prev: one(h) }, { ...w, alpha: fromValues([1], [0.9]) }, Leaky.params.parse({ hidden: 1 }));
    expect(fixed.outputs.h.data[0]).toBeCloseTo(0.9 * h + 0.1 * cand, 14);
    const trained = Leaky.fused!.step.forward({ in: one(x), h_prev: one(h) }, { ...w, alpha_logit: fromValues([1], [1.5]) }, Leaky.params.parse({ hidden: 1, alpha: 'trainable' }));
    expect(trained.outputs.h.data[0]).toBeCloseTo(sig(1.5) * h + (1 - sig(1.5)) * cand, 14);
  });

  it('in a graph: α is drawn in its range, stored, and left out of the trainable weights', () => {
    const doc = new GraphBuilder()
      .node('x', 'Input', { role: 'sequence', size: 2 })
      .node('l0', 'Leaky', { hidden: 5, alphaMin: 0.6, alphaMax: 0.7 })
      .node('y', 'Input', { role: 'sequence', size: 5 })
      .node('loss', 'MSE')
      .edge('x.out', 'l0.in')
      .edge('l0.h', 'loss.prediction')
      .edge('y.out', 'loss.target')
      .doc();
    const r = compile(doc);
    if (!r.ok) throw new Error(r.problems.map((p) => p.message).join('; '));
    const alpha = r.plan.params.find((p) => p.name === 'l0.alpha')!;
    expect(alpha).toMatchObject({ trainable: false, shape: [5], init: { uniform: [0.6, 0.7] } });
    const store = WeightStore.initialise(r.plan, new Rng(1));
    for (const v of store.get('l0.alpha')) expect(v >= 0.6 && v <= 0.7).toBe(true);
    expect(r.plan.params.filter((p) => p.trainable).map((p) => p.name).sort()).toEqual(['l0.U', 'l0.W', 'l0.b']);
  });
});

describe('LeakyMix', () => {
  it('y = α ⊙ a + (1 − α) ⊙ b per unit, with α stored or σ(alpha_logit)', () => {
    const a = fromValues([1, 2], [1, 2]);
    const b = fromValues([1, 2], [3, -2]);
    const fixed = LeakyMix.kernel!.forward({ in0: a, in1: b }, { alpha: fromValues([2], [0.25, 1]) }, LeakyMix.params.parse({}));
    expect(Array.from(fixed.outputs.out.data)).toEqual([0.25 + 0.75 * 3, 2]);
    const logit = LeakyMix.kernel!.forward({ in0: a, in1: b }, { alpha_logit: fromValues([2], [0, 0]) }, LeakyMix.params.parse({ alpha: 'trainable' }));
    expect(Array.from(logit.outputs.out.data)).toEqual([2, 0]);
  });

  it('is element-wise: its inputs must have one size, and the error names the port', () => {
    expect(LeakyMix.shape(LeakyMix.params.parse({}), { in0: seq(3), in1: seq(4) })).toMatchObject({ ok: false, code: 'dim-mismatch', port: 'in1' });
    expect(LeakyMix.paramTensors(LeakyMix.params.parse({}), { in0: seq(3) })).toEqual([{ name: 'alpha', shape: [3], trainable: false, init: { uniform: [0.5, 0.99] } }]);
  });
});
