import { z } from 'zod';
import { zeros, type Tensor } from '../engine/tensor';
import { cellPorts, cellShape, DecompositionBuilder, gateTensors, Hidden, InitMode, vectorTensor } from './cell-common';
import { biasAdd, biasBack, matAdd, matBack, stepInput, stepParam, zeroGrads } from './cell-math';
import { gradOf } from './kernel-helpers';
import type { FusedCell } from './kernel-types';
import { alphaFields, alphaRangeRule, alphaTensor, leakyAlpha } from './leaky-mix';
import type { NodeSpec, ParamTensorDecl } from './types';

export const LeakyParams = z
  .strictObject({
    hidden: Hidden,
    ...alphaFields,
    init: InitMode,
  })
  .refine(alphaRangeRule.check, alphaRangeRule.message);
export type LeakyParams = z.infer<typeof LeakyParams>;

const PORTS = cellPorts([{ name: 'h', description: 'the hidden states h_1 … h_T' }]);

interface Saved {
  readonly g: Tensor; // tanh(a_t): (N,H)
  readonly alpha: Float64Array; // α: (H)
}

const step: FusedCell<LeakyParams, Saved>['step'] = {
  forward(inputs, params, p) {
    const H = p.hidden;
    const x = stepInput(inputs, 'in', null, 'Leaky'); // x: (N,I)
    const [n, I] = x.shape;
    const hPrev = stepInput(inputs, 'h_prev', H, 'Leaky', n); // h_{t−1}: (N,H)
    const a = zeros([n, H]); // a = b + W h_{t−1} + U x: (N,H)
    matAdd(a, x, stepParam(params, 'U', [H, I], 'Leaky'));
    matAdd(a, hPrev, stepParam(params, 'W', [H, H], 'Leaky'));
    biasAdd(a, stepParam(params, 'b', [H], 'Leaky'));
    const alpha = leakyAlpha.of(params, p, H, 'Leaky');
    const g = zeros([n, H]);
    const h = zeros([n, H]); // h = α ⊙ h_{t−1} + (1 − α) ⊙ tanh(a)
    for (let i = 0; i < h.data.length; i++) {
      const al = alpha[i % H];
      g.data[i] = Math.tanh(a.data[i]);
      h.data[i] = al * hPrev.data[i] + (1 - al) * g.data[i];
    }
    return { outputs: { h }, saved: { g, alpha } };
  },
  backward(gradOutputs, saved, inputs, params, p) {
    const { g, alpha } = saved;
    const x = inputs.in;
    const hPrev = inputs.h_prev;
    const H = p.hidden;
    const dh = gradOf(gradOutputs, 'h', g.shape, 'Leaky');
    const dhPrev = zeros(hPrev.shape);
    const da = zeros(g.shape); // da = dh (1 − α) (1 − g²)
    const dAlpha = zeros([H]); // Σ_rows dh ⊙ (h_{t−1} − g)
    for (let i = 0; i < dh.data.length; i++) {
      const al = alpha[i % H];
      const gi = g.data[i];
      dhPrev.data[i] = dh.data[i] * al;
      da.data[i] = dh.data[i] * (1 - al) * (1 - gi * gi);
      dAlpha.data[i % H] += dh.data[i] * (hPrev.data[i] - gi);
    }
    const gp = zeroGrads(params, ['U', 'W', 'b']);
    const dx = zeros(x.shape);
    matBack(da, x, params.U, dx, gp.U);
    matBack(da, hPrev, params.W, dhPrev, gp.W);
    biasBack(da, gp.b);
    return { inputs: { in: dx, h_prev: dhPrev }, params: { ...gp, ...leakyAlpha.grad(p, alpha, dAlpha) } };
  },
  checks: [
    { params: { hidden: 4 } },
    { params: { hidden: 3, alpha: 'trainable' }, dims: { in: 2 } },
    { params: { hidden: 2, alpha: 'trainable', init: 'learned', alphaMin: 0.1, alphaMax: 0.4 }, dims: { in: 4 } },
  ],
};

/** The leaky unit (models.md "Leaky unit"): `h_t = α ⊙ h_{t−1} + (1 − α) ⊙ tanh(b + W h_{t−1} + U x_t)`. */
export const Leaky: NodeSpec<LeakyParams> = {
  type: 'Leaky',
  version: 1,
  category: 'cell',
  title: 'Leaky unit',
  description:
    'An Elman cell whose units leak: each keeps a share α of its previous value and takes 1 − α of the new tanh candidate. α near 1 remembers long; it is fixed per unit (drawn once) or learned.',
  params: LeakyParams,
  ports: () => PORTS,
  shape: (p, inputs) => cellShape(PORTS, p.hidden, inputs),
  paramTensors: (p, inputs) => {
    const out: ParamTensorDecl[] = gateTensors([''], p.hidden, inputs);
    out.push(alphaTensor(p, p.hidden));
    if (p.init === 'learned') out.push(vectorTensor('h0', p.hidden));
    return out;
  },
  equation: String.raw`h_t = \alpha \odot h_{t-1} + (1 - \alpha) \odot \tanh(b + W h_{t-1} + U x_t),\quad \alpha \text{ fixed, or } \sigma(\alpha_{\text{logit}})`,
  decompose: (p) => {
    const d = new DecompositionBuilder()
      .node('h_prev', 'Delay', { size: p.hidden, init: p.init })
      .gateLinear('a', p.hidden, 'h_prev', { U: 'U', W: 'W', b: 'b' })
      .node('g', 'Tanh')
      .edge('a.out', 'g.in')
      .node('h', 'LeakyMix', { alpha: p.alpha, alphaMin: p.alphaMin, alphaMax: p.alphaMax })
      .edge('h_prev.out', 'h.in0')
      .edge('g.out', 'h.in1')
      .edge('h.out', 'h_prev.in')
      .output('h', 'h.out');
    const alpha = p.alpha === 'fixed' ? 'alpha' : 'alpha_logit';
    d.param(alpha, `h.${alpha}`);
    if (p.init === 'learned') d.param('h0', 'h_prev.h0');
    return d.build();
  },
  fused: {
    step,
    states: (p) => [{ output: 'h', previous: 'h_prev', ...(p.init === 'learned' ? { init: 'h0' } : {}) }],
  },
};
