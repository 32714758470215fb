import { z } from 'zod';
import { dims2, expectShape, type Tensor } from '../engine/tensor';
import { checkDeclared, ok, outputPort, shapeError, UNKNOWN } from './common';
import { gradOf, need } from './kernel-helpers';
import type { AttendContext, AttendKernel } from './kernel-types';
import type { NodeSpec, ParamTensorDecl, PortDecl } from './types';

export const AttentionParams = z.strictObject({
  /** score(s, h): `dot` sᵀh, `scaled` sᵀh/√D_h, `general` sᵀW_a h, `additive` v_aᵀ tanh(W_a s + U_a h). */
  score: z.enum(['dot', 'scaled', 'general', 'additive']).default('additive'),
  /** A: the size of the additive score's hidden layer. */
  attnSize: z.number().int().min(1).max(4096).default(16),
  /** Luong local attention: the weights are multiplied by a Gaussian around a predicted position p. */
  local: z.boolean().default(false),
  /** A_p: the size of the position network's hidden layer (`W_p [A_p, D_s]`, `v_p [A_p]`). */
  localSize: z.number().int().min(1).max(4096).default(16),
  /** d: the width of local attention's Gaussian, in steps. */
  d: z.number().gt(0).max(1e6).default(2),
});
export type AttentionParams = z.infer<typeof AttentionParams>;

const KIND = 'Attention';

const PORTS: PortDecl[] = [
  { name: 'query', direction: 'in', roles: ['state', 'sequence'], dtype: 'real', description: 'the decoder state s_{i−1} (size D_s) that asks' },
  { name: 'memory', direction: 'in', roles: ['sequence'], dtype: 'real', description: 'the encoder states h_1 … h_τx (size D_h), read whole; its time axis may differ from the query’s' },
  outputPort('context', ['sequence'], 'c_i = Σ_t α_{i,t} h_t (size D_h), one per query step'),
];

/** Vectors are drawn from this range: a zero v_a (or v_p) would make every score (position) equal and keep it so. */
const VECTOR_INIT = { uniform: [-0.1, 0.1] } as const;

interface LocalSaved {
  /** k: (N, A_p) — tanh(W_p s). */
  readonly k: Float64Array;
  /** sig: (N) — σ(v_pᵀ k); p: (N) — τ_b · sig. */
  readonly sig: Float64Array;
  readonly p: Float64Array;
  /** gauss: (N, Tm) — exp(−((t+1) − p)² / 2d²), zero past τ_b. */
  readonly gauss: Float64Array;
}

interface Saved {
  /** w: (N, Tm) — softmax(e) over t < τ_b, zero past it. */
  readonly w: Float64Array;
  /** alpha: (N, Tm) — the weights that build the context: w, times the Gaussian when local. */
  readonly alpha: Float64Array;
  /** general: u = W_aᵀ s, (N, D_h), so that e_t = uᵀ h_t. */
  readonly u?: Float64Array;
  /** additive: z = tanh(W_a s + U_a h_t), (N, Tm, A). */
  readonly z?: Float64Array;
  readonly local?: LocalSaved;
}

interface Sizes {
  readonly s: Tensor; // s: (N, D_s)
  readonly h: Tensor; // h: (Tm·B, D_h)
  readonly N: number;
  readonly Ds: number;
  readonly Dh: number;
}

function sizes(inputs: Readonly<Record<string, Tensor>>, ctx: AttendContext): Sizes {
  const s = need(inputs, 'query', KIND);
  const h = need(inputs, 'memory', KIND);
  const [N, Ds] = dims2(s, `${KIND}: query`);
  const [M, Dh] = dims2(h, `${KIND}: memory`);
  const { B, Tm, lengths } = ctx;
  if (M !== Tm * B) throw new Error(`${KIND}: input "memory" has ${M} rows, expected Tm·B = ${Tm * B}`);
  if (B < 1 || N % B !== 0) throw new Error(`${KIND}: input "query" has ${N} rows, which is not a multiple of the batch size ${B}`);
  if (lengths.length !== B) throw new Error(`${KIND}: ${lengths.length} memory lengths for a batch of ${B}`);
  for (const tau of lengths) if (tau < 0 || tau > Tm) throw new Error(`${KIND}: a memory length of ${tau} is outside [0, ${Tm}]`);
  return { s, h, N, Ds, Dh };
}

/** The param tensors at these sizes (the declared list, every size known). */
function declared(p: AttentionParams, Ds: number | undefined, Dh: number | undefined): ParamTensorDecl[] {
  const out: ParamTensorDecl[] = [];
  const matrix = (name: string, rows: number, cols: number | undefined) => {
    if (cols !== undefined) out.push({ name, shape: [rows, cols], trainable: true, init: 'glorot' });
  };
  if (p.score === 'general' && Ds !== undefined) matrix('W_a', Ds, Dh);
  if (p.score === 'additive') {
    matrix('W_a', p.attnSize, Ds);
    matrix('U_a', p.attnSize, Dh);
    out.push({ name: 'v_a', shape: [p.attnSize], trainable: true, init: VECTOR_INIT });
  }
  if (p.local) {
    matrix('W_p', p.localSize, Ds);
    out.push({ name: 'v_p', shape: [p.localSize], trainable: true, init: VECTOR_INIT });
  }
  return out;
}

/** The params, each checked against its declared shape. */
function weights(params: Readonly<Record<string, Tensor>>, p: AttentionParams, Ds: number, Dh: number): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  for (const d of declared(p, Ds, Dh)) {
    const t = need(params, d.name, KIND);
    expectShape(t, d.shape, `${KIND}: weight "${d.name}"`);
    out[d.name] = t.data;
  }
  return out;
}

/** y (R, O) = W (O, I) x (R, I), rows of x read from `x` at `x0 + r·I`. */
function matVec(W: Float64Array, O: number, I: number, x: Float64Array, x0: number, y: Float64Array, y0: number): void {
  for (let o = 0; o < O; o++) {
    let acc = 0;
    for (let i = 0; i < I; i++) acc += W[o * I + i] * x[x0 + i];
    y[y0 + o] = acc;
  }
}

/** gW += g xᵀ and gx += Wᵀ g for one row: W (O, I), g (O), x (I). */
function matVecBack(W: Float64Array, O: number, I: number, x: Float64Array, x0: number, g: Float64Array, g0: number, gW: Float64Array, gx: Float64Array, gx0: number): void {
  for (let o = 0; o < O; o++) {
    const go = g[g0 + o];
    if (go === 0) continue;
    for (let i = 0; i < I; i++) {
      gW[o * I + i] += go * x[x0 + i];
      gx[gx0 + i] += W[o * I + i] * go;
    }
  }
}

const kernel: AttendKernel<AttentionParams, Saved> = {
  forward(inputs, params, p, ctx) {
    const { s, h, N, Ds, Dh } = sizes(inputs, ctx);
    const W = weights(params, p, Ds, Dh);
    if ((p.score === 'dot' || p.score === 'scaled') && Ds !== Dh) throw new Error(`${KIND}: a ${p.score} score needs query size ${Ds} = memory size ${Dh}`);
    const { B, Tm, lengths } = ctx;
    const A = p.attnSize;
    const Ap = p.localSize;
    const scale = p.score === 'scaled' ? 1 / Math.sqrt(Dh) : 1;
    const w = new Float64Array(N * Tm);
    const alpha = new Float64Array(N * Tm);
    const ctxOut = new Float64Array(N * Dh); // c: (N, D_h)
    const u = p.score === 'general' ? new Float64Array(N * Dh) : undefined;
    const z = p.score === 'additive' ? new Float64Array(N * Tm * A) : undefined;
    // Uh: (Tm·B, A) — U_a h_t for every valid memory row, shared by all query rows
    const Uh = p.score === 'additive' ? new Float64Array(Tm * B * A) : undefined;
    if (Uh) for (let t = 0; t < Tm; t++) for (let b = 0; b < B; b++) if (t < lengths[b]) matVec(W.U_a, A, Dh, h.data, (t * B + b) * Dh, Uh, (t * B + b) * A);
    const local = p.local ? { k: new Float64Array(N * Ap), sig: new Float64Array(N), p: new Float64Array(N), gauss: new Float64Array(N * Tm) } : undefined;
    const ws = new Float64Array(A); // W_a s: (A)
    const e = new Float64Array(Tm);
    for (let r = 0; r < N; r++) {
      const b = r % B;
      const tau = lengths[b];
      const s0 = r * Ds;
      if (u) for (let j = 0; j < Dh; j++) {
        let acc = 0;
        for (let i = 0; i < Ds; i++) acc += s.data[s0 + i] * W.W_a[i * Dh + j];
        u[r * Dh + j] = acc;
      }
      if (z) matVec(W.W_a, A, Ds, s.data, s0, ws, 0);
      let max = -Infinity;
      for (let t = 0; t < tau; t++) {
        const h0 = (t * B + b) * Dh;
        let acc = 0;
        if (z && Uh) {
          const z0 = (r * Tm + t) * A;
          const uh0 = (t * B + b) * A;
          for (let a = 0; a < A; a++) {
            const za = Math.tanh(ws[a] + Uh[uh0 + a]);
            z[z0 + a] = za;
            acc += W.v_a[a] * za;
          }
        } else if (u) {
          for (let j = 0; j < Dh; j++) acc += u[r * Dh + j] * h.data[h0 + j];
        } else {
          for (let j = 0; j < Dh; j++) acc += s.data[s0 + j] * h.data[h0 + j];
          acc *= scale;
        }
        e[t] = acc;
        if (acc > max) max = acc;
      }
      let sum = 0;
      for (let t = 0; t < tau; t++) {
        e[t] = Math.exp(e[t] - max);
        sum += e[t];
      }
      for (let t = 0; t < tau; t++) {
        w[r * Tm + t] = e[t] / sum;
        alpha[r * Tm + t] = e[t] / sum;
      }
      if (local) {
        matVec(W.W_p, Ap, Ds, s.data, s0, local.k, r * Ap);
        let q = 0;
        for (let a = 0; a < Ap; a++) {
          const ka = Math.tanh(local.k[r * Ap + a]);
          local.k[r * Ap + a] = ka;
          q += W.v_p[a] * ka;
        }
        const sig = 1 / (1 + Math.exp(-q));
        const pos = tau * sig;
        local.sig[r] = sig;
        local.p[r] = pos;
        for (let t = 0; t < tau; t++) {
          const g = Math.exp(-((t + 1 - pos) ** 2) / (2 * p.d * p.d));
          local.gauss[r * Tm + t] = g;
          alpha[r * Tm + t] *= g;
        }
      }
      for (let t = 0; t < tau; t++) {
        const a = alpha[r * Tm + t];
        const h0 = (t * B + b) * Dh;
        for (let j = 0; j < Dh; j++) ctxOut[r * Dh + j] += a * h.data[h0 + j];
      }
    }
    return { outputs: { context: { shape: [N, Dh], data: ctxOut } }, saved: { w, alpha, u, z, local } };
  },

  backward(gradOutputs, saved, inputs, params, p, ctx) {
    const { s, h, N, Ds, Dh } = sizes(inputs, ctx);
    const W = weights(params, p, Ds, Dh);
    const { B, Tm, lengths } = ctx;
    const A = p.attnSize;
    const Ap = p.localSize;
    const scale = p.score === 'scaled' ? 1 / Math.sqrt(Dh) : 1;
    const { w, alpha, u, z, local } = saved;
    const gC = gradOf(gradOutputs, 'context', [N, Dh], KIND).data; // ∂c: (N, D_h)
    const gs = new Float64Array(N * Ds);
    const gh = new Float64Array(Tm * B * Dh);
    const gW: Record<string, Float64Array> = {};
    for (const [name, data] of Object.entries(W)) gW[name] = new Float64Array(data.length);
    const gUh = z ? new Float64Array(Tm * B * A) : undefined; // ∂(U_a h_t): (Tm·B, A)
    const ga = new Float64Array(Tm); // ∂ softmax(e)_t, then ∂e_t
    const gu = new Float64Array(Dh);
    const gws = new Float64Array(A);
    const gk = new Float64Array(Ap);
    const d2 = p.d * p.d;
    for (let r = 0; r < N; r++) {
      const b = r % B;
      const tau = lengths[b];
      const s0 = r * Ds;
      const c0 = r * Dh;
      // ∂α_t = ∂c · h_t; ∂h_t += α_t ∂c; local: ∂w_t = ∂α_t gauss_t, ∂p += ∂α_t w_t gauss_t ((t+1) − p)/d²
      let gp = 0;
      for (let t = 0; t < tau; t++) {
        const h0 = (t * B + b) * Dh;
        const a = alpha[r * Tm + t];
        let dA = 0;
        for (let j = 0; j < Dh; j++) {
          dA += gC[c0 + j] * h.data[h0 + j];
          gh[h0 + j] += a * gC[c0 + j];
        }
        if (local) {
          const g = local.gauss[r * Tm + t];
          ga[t] = dA * g;
          gp += dA * w[r * Tm + t] * g * ((t + 1 - local.p[r]) / d2);
        } else ga[t] = dA;
      }
      // softmax: ∂e_t = w_t (∂w_t − Σ_t' w_t' ∂w_t')
      let dot = 0;
      for (let t = 0; t < tau; t++) dot += w[r * Tm + t] * ga[t];
      for (let t = 0; t < tau; t++) ga[t] = w[r * Tm + t] * (ga[t] - dot);
      if (z && gUh) {
        gws.fill(0);
        for (let t = 0; t < tau; t++) {
          const z0 = (r * Tm + t) * A;
          const uh0 = (t * B + b) * A;
          for (let a = 0; a < A; a++) {
            const za = z[z0 + a];
            gW.v_a[a] += ga[t] * za;
            const gpre = ga[t] * W.v_a[a] * (1 - za * za);
            gws[a] += gpre;
            gUh[uh0 + a] += gpre;
          }
        }
        matVecBack(W.W_a, A, Ds, s.data, s0, gws, 0, gW.W_a, gs, s0);
      } else if (u) {
        gu.fill(0);
        for (let t = 0; t < tau; t++) {
          const h0 = (t * B + b) * Dh;
          for (let j = 0; j < Dh; j++) {
            gu[j] += ga[t] * h.data[h0 + j];
            gh[h0 + j] += ga[t] * u[r * Dh + j];
          }
        }
        // u = W_aᵀ s: ∂s_i += Σ_j W_a[i, j] ∂u_j; ∂W_a[i, j] += s_i ∂u_j
        for (let i = 0; i < Ds; i++) {
          let acc = 0;
          for (let j = 0; j < Dh; j++) {
            acc += W.W_a[i * Dh + j] * gu[j];
            gW.W_a[i * Dh + j] += s.data[s0 + i] * gu[j];
          }
          gs[s0 + i] += acc;
        }
      } else {
        for (let t = 0; t < tau; t++) {
          const h0 = (t * B + b) * Dh;
          const g = ga[t] * scale;
          for (let j = 0; j < Dh; j++) {
            gs[s0 + j] += g * h.data[h0 + j];
            gh[h0 + j] += g * s.data[s0 + j];
          }
        }
      }
      if (local) {
        // p = τ σ(q), q = v_pᵀ k, k = tanh(W_p s)
        const sig = local.sig[r];
        const gq = gp * tau * sig * (1 - sig);
        for (let a = 0; a < Ap; a++) {
          const ka = local.k[r * Ap + a];
          gW.v_p[a] += gq * ka;
          gk[a] = gq * W.v_p[a] * (1 - ka * ka);
        }
        matVecBack(W.W_p, Ap, Ds, s.data, s0, gk, 0, gW.W_p, gs, s0);
      }
    }
    if (gUh) for (let row = 0; row < Tm * B; row++) matVecBack(W.U_a, A, Dh, h.data, row * Dh, gUh, row * A, gW.U_a, gh, row * Dh);
    const grads: Record<string, Tensor> = {};
    for (const d of declared(p, Ds, Dh)) grads[d.name] = { shape: [...d.shape], data: gW[d.name] };
    return { inputs: { query: { shape: [N, Ds], data: gs }, memory: { shape: [Tm * B, Dh], data: gh } }, params: grads };
  },

  probes: (saved, ctx) => {
    const N = saved.alpha.length / ctx.Tm;
    const out: Record<string, Tensor> = { alpha: { shape: [N, ctx.Tm], data: saved.alpha } };
    if (saved.local) out.p = { shape: [N], data: saved.local.p };
    return out;
  },

  checks: [
    { params: { score: 'dot' }, dims: { query: 3, memory: 3 } },
    { params: { score: 'dot', local: true, localSize: 3 }, dims: { query: 3, memory: 3 } },
    { params: { score: 'scaled' }, dims: { query: 4, memory: 4 } },
    { params: { score: 'scaled', local: true, localSize: 2, d: 1 }, dims: { query: 4, memory: 4 } },
    { params: { score: 'general' }, dims: { query: 2, memory: 3 } },
    { params: { score: 'general', local: true, localSize: 3, d: 1.5 }, dims: { query: 4, memory: 3 } },
    { params: { score: 'additive', attnSize: 4 }, dims: { query: 2, memory: 3 } },
    { params: { score: 'additive', attnSize: 3, local: true, localSize: 2, d: 0.8 }, dims: { query: 3, memory: 2 } },
  ],
};

/**
 * Encoder–decoder attention (models.md "Attention and memory"): per query row (the decoder state
 * s_{i−1}), `e_t = score(s, h_t)` over the sample's valid memory steps, `α = softmax(e)` (padded
 * steps weigh 0), `c = Σ_t α_t h_t`. Scores have no biases: `dot`, `scaled` (÷√D_h), `general`
 * (`W_a [D_s, D_h]`), `additive` (`W_a [A, D_s]`, `U_a [A, D_h]`, `v_a [A]`). `local` (Luong)
 * predicts `p = τ_x σ(v_pᵀ tanh(W_p s))` and multiplies the softmax weights by
 * `exp(−(t − p)² / 2d²)` (t = 1 … τ_x), without renormalising. The vectors `v_a`, `v_p` start
 * uniform in [−0.1, 0.1], not zero (a zero v_a gives uniform weights and a zero gradient for W_a, U_a).
 * The memory lives on its own time axis: the scheduler calls the `attend` kernel with it whole, and
 * `alpha` `[N, Tm]` (and local `p` `[N]`) are probes for the alignment view.
 */
export const Attention: NodeSpec<AttentionParams> = {
  type: KIND,
  version: 1,
  category: 'attention',
  title: 'Attention',
  description:
    'Encoder–decoder attention: the query (a decoder state) scores every valid step of the memory (the encoder states), a softmax turns the scores into weights, and the output is the weighted sum of the memory. Scores: dot, scaled dot, general (bilinear) or additive (Bahdanau); local attention (Luong) also favours steps near a predicted position.',
  params: AttentionParams,
  ports: () => PORTS,
  shape: (p, inputs) => {
    const bad = checkDeclared(PORTS, inputs);
    if (bad) return bad;
    const { query, memory } = inputs;
    if (memory === undefined) return UNKNOWN;
    if (query !== undefined && (p.score === 'dot' || p.score === 'scaled') && query.dim !== memory.dim) {
      return shapeError(
        'dim-mismatch',
        'query',
        `input "query" has size ${query.dim}, but "memory" has size ${memory.dim}; a ${p.score} score needs equal sizes: project the query to ${memory.dim} with a Linear, or use the general or additive score`,
      );
    }
    return ok({ context: { role: 'sequence', dim: memory.dim, dtype: 'real' } });
  },
  paramTensors: (p, inputs) => declared(p, inputs.query?.dim, inputs.memory?.dim),
  equation: String.raw`e_{i,t} = \operatorname{score}(s_{i-1}, h_t),\quad \alpha_{i} = \operatorname{softmax}(e_{i}),\quad c_i = \sum_t \alpha_{i,t} h_t;\quad \text{local: } \alpha_{i,t} \mathrel{*}= e^{-(t-p_i)^2/2d^2},\ p_i = \tau_x\,\sigma\big(v_p^\top \tanh(W_p s_{i-1})\big)`,
  attend: kernel,
};
