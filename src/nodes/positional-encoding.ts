import { z } from 'zod';
import { dims2 } from '../engine/tensor';
import type { Tensor } from '../engine/tensor';
import { checkDeclared, ok, outputPort, UNKNOWN } from './common';
import { gradOf, need } from './kernel-helpers';
import type { SequenceContext, SequenceKernel } from './kernel-types';
import type { NodeSpec, PortDecl } from './types';

export const PositionalEncodingParams = z.strictObject({
  /** `sinusoidal`: the fixed interleaved sin/cos code; `learned`: a trained table `P [maxLen, D]`. */
  kind: z.enum(['sinusoidal', 'learned']).default('sinusoidal'),
  /** The longest sequence a learned table covers (ignored by `sinusoidal`). */
  maxLen: z.number().int().min(1).max(65536).default(128),
});
export type PositionalEncodingParams = z.infer<typeof PositionalEncodingParams>;

const KIND = 'PositionalEncoding';

const PORTS: PortDecl[] = [
  { name: 'in', direction: 'in', roles: ['sequence'], dtype: 'real', description: 'a sequence x_1 … x_T (size D)' },
  outputPort('out', ['sequence'], 'x_t + PE[t] at valid steps, zero at padded ones'),
];

/** `PE[t, 2k] = sin(p / 10000^{2k/D})`, `PE[t, 2k+1] = cos(p / 10000^{2k/D})`, p = t (0-based step = t − 1 of models.md). */
export function sinusoid(p: number, j: number, D: number): number {
  const k = Math.floor(j / 2);
  const angle = p / 10000 ** ((2 * k) / D);
  return j % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
}

/** The encoding's row for 0-based step t, size D. */
function row(attrs: PositionalEncodingParams, params: Readonly<Record<string, Tensor>>, t: number, D: number): Float64Array {
  const out = new Float64Array(D);
  if (attrs.kind === 'learned') {
    const P = need(params, 'P', KIND); // P: (maxLen, D)
    out.set(P.data.subarray(t * D, (t + 1) * D));
  } else for (let j = 0; j < D; j++) out[j] = sinusoid(t, j, D);
  return out;
}

function checkLength(attrs: PositionalEncodingParams, ctx: SequenceContext): void {
  if (attrs.kind === 'learned' && ctx.T > attrs.maxLen) {
    throw new Error(`${KIND}: the batch has ${ctx.T} steps, but the learned table covers maxLen = ${attrs.maxLen}; raise maxLen to at least ${ctx.T}`);
  }
}

const kernel: SequenceKernel<PositionalEncodingParams, null> = {
  forward(inputs, params, attrs, ctx) {
    checkLength(attrs, ctx);
    const x = need(inputs, 'in', KIND); // x: (T·B, D)
    const [N, D] = dims2(x, `${KIND}: in`);
    const { B, T, lengths } = ctx;
    if (N !== T * B) throw new Error(`${KIND}: input "in" has ${N} rows, expected T·B = ${T * B}`);
    const y = new Float64Array(N * D); // y: (T·B, D)
    for (let t = 0; t < T; t++) {
      const pe = row(attrs, params, t, D);
      for (let b = 0; b < B; b++) {
        if (t >= lengths[b]) continue;
        const r = (t * B + b) * D;
        for (let j = 0; j < D; j++) y[r + j] = x.data[r + j] + pe[j];
      }
    }
    return { outputs: { out: { shape: [N, D], data: y } }, saved: null };
  },
  backward(gradOutputs, _saved, inputs, params, attrs, ctx) {
    const x = need(inputs, 'in', KIND);
    const [N, D] = dims2(x, `${KIND}: in`);
    const gy = gradOf(gradOutputs, 'out', [N, D], KIND);
    const { B, T, lengths } = ctx;
    const gx = new Float64Array(N * D);
    const grads: Record<string, Tensor> = {};
    let gP: Float64Array | null = null;
    if (attrs.kind === 'learned') {
      const P = need(params, 'P', KIND);
      gP = new Float64Array(P.data.length);
      grads.P = { shape: [...P.shape], data: gP };
    }
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        if (t >= lengths[b]) continue;
        const r = (t * B + b) * D;
        for (let j = 0; j < D; j++) {
          gx[r + j] = gy.data[r + j];
          if (gP !== null) gP[t * D + j] += gy.data[r + j];
        }
      }
    }
    return { inputs: { in: { shape: [N, D], data: gx } }, params: grads };
  },
  checks: [{ params: { kind: 'learned', maxLen: 6 } }],
};

/**
 * Adds a code of the time step to a sequence (models.md "Self-attention"): interleaved sinusoids
 * `PE[t, 2k] = sin(p / 10000^{2k/D})`, `PE[t, 2k+1] = cos(…)` with `p = t − 1`, or a learned table
 * `P [maxLen, D]`; the input is not scaled, and padded steps stay zero. It needs the step index, so
 * it is a whole-sequence node: the scheduler runs its `sequence` kernel over all steps at once (in a
 * batched phase; it cannot sit on a cycle or run in chunks).
 */
export const PositionalEncoding: NodeSpec<PositionalEncodingParams> = {
  type: KIND,
  version: 1,
  category: 'attention',
  title: 'Positional encoding',
  description:
    'Adds a code of each step’s position to a sequence (fixed sinusoids or a learned table), so that attention, which is blind to order, can tell steps apart. Put it before a Self-attention node.',
  params: PositionalEncodingParams,
  ports: () => PORTS,
  shape: (_p, inputs) => {
    const bad = checkDeclared(PORTS, inputs);
    if (bad) return bad;
    const x = inputs.in;
    return x === undefined ? UNKNOWN : ok({ out: { role: 'sequence', dim: x.dim, dtype: 'real' } });
  },
  paramTensors: (p, inputs) => {
    const x = inputs.in;
    if (p.kind !== 'learned' || x === undefined) return [];
    return [{ name: 'P', shape: [p.maxLen, x.dim], trainable: true, init: { uniform: [-0.1, 0.1] } }];
  },
  equation: String.raw`y_t = x_t + PE_t,\quad PE_{t,2k} = \sin\!\big((t-1)/10000^{2k/D}\big),\ PE_{t,2k+1} = \cos\!\big((t-1)/10000^{2k/D}\big)`,
  sequence: kernel,
};
