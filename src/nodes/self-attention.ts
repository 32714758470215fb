import { z } from 'zod';
import { dims2, type Tensor } from '../engine/tensor';
import { checkDeclared, ok, outputPort, UNKNOWN } from './common';
import { gradOf, need } from './kernel-helpers';
import type { SequenceContext, SequenceKernel } from './kernel-types';
import type { NodeSpec, PortDecl } from './types';

export const SelfAttentionParams = z.strictObject({
  /** d_k: the size of queries and keys. */
  dk: z.number().int().min(1).max(4096).default(16),
  /** d_v: the size of values, and of the output. */
  dv: z.number().int().min(1).max(4096).default(16),
  /** Decoder-side attention: step t attends to steps ≤ t only. */
  causal: z.boolean().default(false),
});
export type SelfAttentionParams = z.infer<typeof SelfAttentionParams>;

const KIND = 'SelfAttention';

const PORTS: PortDecl[] = [
  { name: 'in', direction: 'in', roles: ['sequence'], dtype: 'real', description: 'a sequence x_1 … x_T (size D)' },
  outputPort('out', ['sequence'], 'Σ_u α_{t,u} v_u (size d_v) at valid steps, zero at padded ones'),
];

interface Saved {
  /** Q: (T·B, dk), K: (T·B, dk), V: (T·B, dv), time-major rows. */
  readonly Q: Float64Array;
  readonly K: Float64Array;
  readonly V: Float64Array;
  /** alpha: (B, T, T) — row t holds sample b's weights over keys u; zero rows at padded queries. */
  readonly alpha: Float64Array;
}

/** y_r = W x_r for every row: W (O, D), x (N, D) → (N, O). */
function project(W: Tensor, x: Float64Array, N: number, D: number): Float64Array {
  const O = W.shape[0];
  const y = new Float64Array(N * O);
  for (let r = 0; r < N; r++) {
    for (let o = 0; o < O; o++) {
      let s = 0;
      for (let j = 0; j < D; j++) s += W.data[o * D + j] * x[r * D + j];
      y[r * O + o] = s;
    }
  }
  return y;
}

/** gW += g xᵀ and gx += Wᵀ g over every row: g (N, O), x (N, D). */
function projectBack(W: Tensor, x: Float64Array, g: Float64Array, N: number, D: number, gW: Float64Array, gx: Float64Array): void {
  const O = W.shape[0];
  for (let r = 0; r < N; r++) {
    for (let o = 0; o < O; o++) {
      const go = g[r * O + o];
      if (go === 0) continue;
      for (let j = 0; j < D; j++) {
        gW[o * D + j] += go * x[r * D + j];
        gx[r * D + j] += W.data[o * D + j] * go;
      }
    }
  }
}

function weights(params: Readonly<Record<string, Tensor>>, attrs: SelfAttentionParams, D: number): { Wq: Tensor; Wk: Tensor; Wv: Tensor } {
  const want: [string, number][] = [['W_q', attrs.dk], ['W_k', attrs.dk], ['W_v', attrs.dv]];
  for (const [name, rows] of want) {
    const W = need(params, name, KIND);
    if (W.shape.length !== 2 || W.shape[0] !== rows || W.shape[1] !== D) throw new Error(`${KIND}: weight "${name}" is [${W.shape.join(', ')}], expected [${rows}, ${D}]`);
  }
  return { Wq: params.W_q, Wk: params.W_k, Wv: params.W_v };
}

function input(inputs: Readonly<Record<string, Tensor>>, ctx: SequenceContext): [Tensor, number, number] {
  const x = need(inputs, 'in', KIND); // x: (T·B, D)
  const [N, D] = dims2(x, `${KIND}: in`);
  if (N !== ctx.T * ctx.B) throw new Error(`${KIND}: input "in" has ${N} rows, expected T·B = ${ctx.T * ctx.B}`);
  return [x, N, D];
}

/** Keys u that query t (0-based) of a sample of length τ sees: u < τ, and u ≤ t when causal. */
const lastKey = (attrs: SelfAttentionParams, t: number, tau: number) => (attrs.causal ? Math.min(t + 1, tau) : tau);

const kernel: SequenceKernel<SelfAttentionParams, Saved> = {
  forward(inputs, params, attrs, ctx) {
    const [x, N, D] = input(inputs, ctx);
    const { Wq, Wk, Wv } = weights(params, attrs, D);
    const { B, T, lengths } = ctx;
    const { dk, dv } = attrs;
    const Q = project(Wq, x.data, N, D);
    const K = project(Wk, x.data, N, D);
    const V = project(Wv, x.data, N, D);
    const scale = 1 / Math.sqrt(dk);
    const alpha = new Float64Array(B * T * T);
    const out = new Float64Array(N * dv); // out: (T·B, dv)
    for (let b = 0; b < B; b++) {
      const tau = lengths[b];
      for (let t = 0; t < tau; t++) {
        const q = (t * B + b) * dk;
        const a = alpha.subarray((b * T + t) * T, (b * T + t + 1) * T);
        const n = lastKey(attrs, t, tau);
        let max = -Infinity;
        for (let u = 0; u < n; u++) {
          let s = 0;
          const k = (u * B + b) * dk;
          for (let j = 0; j < dk; j++) s += Q[q + j] * K[k + j];
          a[u] = s * scale;
          if (a[u] > max) max = a[u];
        }
        let z = 0;
        for (let u = 0; u < n; u++) {
          a[u] = Math.exp(a[u] - max);
          z += a[u];
        }
        const o = (t * B + b) * dv;
        for (let u = 0; u < n; u++) {
          a[u] /= z;
          const v = (u * B + b) * dv;
          for (let j = 0; j < dv; j++) out[o + j] += a[u] * V[v + j];
        }
      }
    }
    return { outputs: { out: { shape: [N, dv], data: out } }, saved: { Q, K, V, alpha } };
  },
  backward(gradOutputs, saved, inputs, params, attrs, ctx) {
    const [x, N, D] = input(inputs, ctx);
    const { Wq, Wk, Wv } = weights(params, attrs, D);
    const { B, T, lengths } = ctx;
    const { dk, dv } = attrs;
    const { Q, K, V, alpha } = saved;
    const gO = gradOf(gradOutputs, 'out', [N, dv], KIND).data;
    const scale = 1 / Math.sqrt(dk);
    const gQ = new Float64Array(N * dk);
    const gK = new Float64Array(N * dk);
    const gV = new Float64Array(N * dv);
    const gA = new Float64Array(T);
    for (let b = 0; b < B; b++) {
      const tau = lengths[b];
      for (let t = 0; t < tau; t++) {
        const a = alpha.subarray((b * T + t) * T, (b * T + t + 1) * T);
        const n = lastKey(attrs, t, tau);
        const o = (t * B + b) * dv;
        // ∂α_{t,u} = ∂out_t · v_u; ∂v_u += α_{t,u} ∂out_t
        let dot = 0;
        for (let u = 0; u < n; u++) {
          const v = (u * B + b) * dv;
          let s = 0;
          for (let j = 0; j < dv; j++) {
            s += gO[o + j] * V[v + j];
            gV[v + j] += a[u] * gO[o + j];
          }
          gA[u] = s;
          dot += a[u] * s;
        }
        // ∂score_{t,u} = α_{t,u} (∂α_{t,u} − Σ_u' α_{t,u'} ∂α_{t,u'}); score = q_t·k_u / √d_k
        const q = (t * B + b) * dk;
        for (let u = 0; u < n; u++) {
          const gs = a[u] * (gA[u] - dot) * scale;
          if (gs === 0) continue;
          const k = (u * B + b) * dk;
          for (let j = 0; j < dk; j++) {
            gQ[q + j] += gs * K[k + j];
            gK[k + j] += gs * Q[q + j];
          }
        }
      }
    }
    const gx = new Float64Array(N * D);
    const gWq = new Float64Array(Wq.data.length);
    const gWk = new Float64Array(Wk.data.length);
    const gWv = new Float64Array(Wv.data.length);
    projectBack(Wq, x.data, gQ, N, D, gWq, gx);
    projectBack(Wk, x.data, gK, N, D, gWk, gx);
    projectBack(Wv, x.data, gV, N, D, gWv, gx);
    return {
      inputs: { in: { shape: [N, D], data: gx } },
      params: { W_q: { shape: [dk, D], data: gWq }, W_k: { shape: [dk, D], data: gWk }, W_v: { shape: [dv, D], data: gWv } },
    };
  },
  probes: (saved, ctx) => ({ alpha: { shape: [ctx.B, ctx.T, ctx.T], data: saved.alpha } }),
  checks: [{ params: { dk: 2, dv: 3, causal: true } }, { params: { dk: 4, dv: 2, causal: false } }],
};

/**
 * Single-head scaled dot-product self-attention (models.md "Self-attention"): `q_t = W_q x_t`,
 * `k_t = W_k x_t`, `v_t = W_v x_t`, `A = softmax(Q Kᵀ/√d_k + M)` with `M = −∞` on padded keys (and
 * above the diagonal when `causal`), output `A V`, zero at padded steps; no biases, no output
 * projection. Every output step reads every input step, so it is a whole-sequence node: the
 * scheduler runs its `sequence` kernel over all steps at once (never on a cycle, never in chunks).
 * Its weights `alpha` `[B, T, T]` are a probe of the kernel (`Executor.sequenceProbes`).
 */
export const SelfAttention: NodeSpec<SelfAttentionParams> = {
  type: KIND,
  version: 1,
  category: 'attention',
  title: 'Self-attention',
  description:
    'Each step attends to every valid step of the same sequence (or only to earlier ones when causal) with scaled dot-product attention, and outputs the weighted sum of their values. Single head, no biases. Order is invisible to it: add a Positional encoding first.',
  params: SelfAttentionParams,
  ports: () => PORTS,
  shape: (p, inputs) => {
    const bad = checkDeclared(PORTS, inputs);
    if (bad) return bad;
    return inputs.in === undefined ? UNKNOWN : ok({ out: { role: 'sequence', dim: p.dv, dtype: 'real' } });
  },
  paramTensors: (p, inputs) => {
    const x = inputs.in;
    if (x === undefined) return [];
    return [
      { name: 'W_q', shape: [p.dk, x.dim], trainable: true, init: 'glorot' },
      { name: 'W_k', shape: [p.dk, x.dim], trainable: true, init: 'glorot' },
      { name: 'W_v', shape: [p.dv, x.dim], trainable: true, init: 'glorot' },
    ];
  },
  equation: String.raw`A = \operatorname{softmax}\!\big(QK^\top/\sqrt{d_k} + M\big),\quad y = AV,\quad q_t = W_q x_t,\ k_t = W_k x_t,\ v_t = W_v x_t`,
  sequence: kernel,
};
