import { z } from 'zod';
import { dims2, expectShape, zeros, type Tensor } from '../engine/tensor';
import { sigmoid } from './cell-math';
import { ELEMENTWISE_ROLES, elementwiseShape, numberedInputs, outputPort } from './common';
import { gradOf, need } from './kernel-helpers';
import type { NodeSpec, ParamTensorDecl, PortDecl } from './types';

/**
 * How a leaky unit's per-unit α is held (models.md "Leaky unit"): `fixed` stores `alpha [H]`, drawn
 * once uniformly from `[alphaMin, alphaMax]` and never trained; `trainable` learns `alpha_logit [H]`
 * with `α = σ(alpha_logit)`, drawn so that α starts in the same range.
 */
export const AlphaMode = z.enum(['fixed', 'trainable']).default('fixed');

const unit = (d: number) => z.number().gt(0).lt(1).default(d);

/** The α fields shared by `LeakyMix` and the `Leaky` cell. */
export const alphaFields = {
  alpha: AlphaMode,
  /** Lower end of the initial range of α (0 < alphaMin ≤ alphaMax < 1). */
  alphaMin: unit(0.5),
  /** Upper end of the initial range of α. */
  alphaMax: unit(0.99),
};

export const alphaRangeRule = {
  check: (p: { alphaMin: number; alphaMax: number }) => p.alphaMin <= p.alphaMax,
  message: { message: 'alphaMin must not exceed alphaMax', path: ['alphaMin'] },
};

const logit = (p: number) => Math.log(p / (1 - p));

/** The α tensor of `size` units: `alpha` (stored, not trained) or `alpha_logit` (trained). */
export function alphaTensor(p: { alpha: 'fixed' | 'trainable'; alphaMin: number; alphaMax: number }, size: number): ParamTensorDecl {
  return p.alpha === 'fixed'
    ? { name: 'alpha', shape: [size], trainable: false, init: { uniform: [p.alphaMin, p.alphaMax] } }
    : { name: 'alpha_logit', shape: [size], trainable: true, init: { uniform: [logit(p.alphaMin), logit(p.alphaMax)] } };
}

export const LeakyMixParams = z.strictObject(alphaFields).refine(alphaRangeRule.check, alphaRangeRule.message);
export type LeakyMixParams = z.infer<typeof LeakyMixParams>;

const PORTS: PortDecl[] = [
  ...numberedInputs(2, ELEMENTWISE_ROLES, (k) => (k === 0 ? 'a, the part kept with weight α (a leaky unit’s h_{t−1})' : 'b, the part let in with weight 1 − α, the same size as a')),
  outputPort('out', ELEMENTWISE_ROLES, 'α ⊙ a + (1 − α) ⊙ b'),
];

interface Saved {
  readonly alpha: Float64Array; // α per unit: (D)
}

/** α per unit from the params: the stored `alpha`, or σ(`alpha_logit`). */
function alphaOf(params: Readonly<Record<string, Tensor>>, p: LeakyMixParams, d: number, kind: string): Float64Array {
  const name = p.alpha === 'fixed' ? 'alpha' : 'alpha_logit';
  const t = need(params, name, kind);
  expectShape(t, [d], `${kind} param "${name}"`);
  return p.alpha === 'fixed' ? t.data : Float64Array.from(t.data, sigmoid);
}

/** Gradient of the α param from `dα` (D): itself when α is stored, `dα·α(1−α)` through the sigmoid. */
function alphaGrad(p: LeakyMixParams, alpha: Float64Array, dAlpha: Tensor): Record<string, Tensor> {
  if (p.alpha === 'fixed') return { alpha: dAlpha };
  for (let u = 0; u < alpha.length; u++) dAlpha.data[u] *= alpha[u] * (1 - alpha[u]);
  return { alpha_logit: dAlpha };
}

export const leakyAlpha = { of: alphaOf, grad: alphaGrad };

/**
 * `y = α ⊙ a + (1 − α) ⊙ b` with a per-unit α: the leak of a leaky unit. A stored α gets a gradient
 * from the kernel like any tensor, but it is declared not trainable, so no optimiser, norm or
 * clipping sees it.
 */
export const LeakyMix: NodeSpec<LeakyMixParams> = {
  type: 'LeakyMix',
  version: 1,
  category: 'primitive',
  title: 'Leaky mix',
  description:
    'Blends two inputs unit by unit, α ⊙ a + (1 − α) ⊙ b, with a per-unit α that is either fixed (drawn once, not trained) or learned through a sigmoid: the leak of a leaky unit.',
  params: LeakyMixParams,
  ports: () => PORTS,
  shape: (_p, inputs) => elementwiseShape(PORTS, inputs),
  paramTensors: (p, inputs) => (inputs.in0 === undefined ? [] : [alphaTensor(p, inputs.in0.dim)]),
  equation: String.raw`y = \alpha \odot a + (1 - \alpha) \odot b,\quad \alpha \text{ fixed, or } \alpha = \sigma(\alpha_{\text{logit}})`,
  kernel: {
    forward(inputs, params, p) {
      const a = need(inputs, 'in0', 'LeakyMix'); // a: (N,D)
      const b = need(inputs, 'in1', 'LeakyMix'); // b: (N,D)
      const d = dims2(a, 'LeakyMix input "in0"')[1];
      expectShape(b, a.shape, 'LeakyMix input "in1"');
      const alpha = alphaOf(params, p, d, 'LeakyMix');
      const y = zeros(a.shape);
      for (let i = 0; i < y.data.length; i++) {
        const al = alpha[i % d];
        y.data[i] = al * a.data[i] + (1 - al) * b.data[i];
      }
      return { outputs: { out: y }, saved: { alpha } satisfies Saved };
    },
    backward(gradOutputs, saved: Saved, inputs, _params, p) {
      const { alpha } = saved;
      const a = need(inputs, 'in0', 'LeakyMix');
      const b = need(inputs, 'in1', 'LeakyMix');
      const d = alpha.length;
      const dy = gradOf(gradOutputs, 'out', a.shape, 'LeakyMix'); // dy: (N,D)
      const da = zeros(a.shape);
      const db = zeros(b.shape);
      const dAlpha = zeros([d]); // Σ_rows dy ⊙ (a − b)
      for (let i = 0; i < dy.data.length; i++) {
        const al = alpha[i % d];
        const g = dy.data[i];
        da.data[i] = g * al;
        db.data[i] = g * (1 - al);
        dAlpha.data[i % d] += g * (a.data[i] - b.data[i]);
      }
      return { inputs: { in0: da, in1: db }, params: alphaGrad(p, alpha, dAlpha) };
    },
    checks: [{ params: { alpha: 'trainable' }, dims: { in0: 4, in1: 4 } }],
  },
};
