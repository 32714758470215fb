import { z } from 'zod';
import { zeros, type Tensor } from '../engine/tensor';
import { cellPorts, cellShape, DecompositionBuilder, gateTensors, Hidden, InitMode, learnedInitTensors, vectorTensor } from './cell-common';
import { biasAdd, biasBack, matAdd, matBack, sigmoid, stepInput, stepParam, zeroGrads } from './cell-math';
import { gradOf } from './kernel-helpers';
import type { FusedCell } from './kernel-types';
import type { NodeSpec, ParamTensorDecl } from './types';

export const GRUParams = z.strictObject({
  hidden: Hidden,
  /** Reset applied after the recurrent product: `r ⊙ (W_h h_{t−1} + b_hh)` (PyTorch, cuDNN), extra `b_hh [H]`. */
  resetAfter: z.boolean().default(false),
  /** `old`: `h = z ⊙ h_{t−1} + (1 − z) ⊙ ĥ` (default); `new`: `h = (1 − z) ⊙ h_{t−1} + z ⊙ ĥ`. */
  updateConvention: z.enum(['old', 'new']).default('old'),
  init: InitMode,
});
export type GRUParams = z.infer<typeof GRUParams>;

const GATES = ['z', 'r', 'h'] as const;

const PORTS = cellPorts([{ name: 'h', description: 'the hidden states h_1 … h_T' }], ['h0']);

interface Saved {
  readonly z: Tensor; // update gate: (N,H)
  readonly r: Tensor; // reset gate: (N,H)
  readonly hc: Tensor; // candidate ĥ: (N,H)
  readonly rh: Tensor; // default form: r ⊙ h_{t−1}; resetAfter: W_h h_{t−1} + b_hh. (N,H)
}

const step: FusedCell<GRUParams, Saved>['step'] = {
  forward(inputs, params, p) {
    const H = p.hidden;
    const x = stepInput(inputs, 'in', null, 'GRU'); // x: (N,I)
    const [n, I] = x.shape;
    const hPrev = stepInput(inputs, 'h_prev', H, 'GRU', n); // h_{t−1}: (N,H)
    const U = (g: string) => stepParam(params, `U_${g}`, [H, I], 'GRU');
    const W = (g: string) => stepParam(params, `W_${g}`, [H, H], 'GRU');
    const b = (g: string) => stepParam(params, `b_${g}`, [H], 'GRU');
    const z = zeros([n, H]);
    const r = zeros([n, H]);
    for (const [g, t] of [['z', z], ['r', r]] as const) {
      matAdd(t, x, U(g));
      matAdd(t, hPrev, W(g));
      biasAdd(t, b(g));
      for (let k = 0; k < t.data.length; k++) t.data[k] = sigmoid(t.data[k]);
    }
    const a = zeros([n, H]); // candidate pre-activation: (N,H)
    matAdd(a, x, U('h'));
    biasAdd(a, b('h'));
    const rh = zeros([n, H]);
    if (p.resetAfter) {
      matAdd(rh, hPrev, W('h'));
      biasAdd(rh, stepParam(params, 'b_hh', [H], 'GRU'));
      for (let k = 0; k < a.data.length; k++) a.data[k] += r.data[k] * rh.data[k];
    } else {
      for (let k = 0; k < rh.data.length; k++) rh.data[k] = r.data[k] * hPrev.data[k];
      matAdd(a, rh, W('h'));
    }
    const hc = zeros([n, H]);
    const h = zeros([n, H]);
    for (let k = 0; k < h.data.length; k++) {
      hc.data[k] = Math.tanh(a.data[k]);
      const keep = p.updateConvention === 'old' ? z.data[k] : 1 - z.data[k];
      h.data[k] = keep * hPrev.data[k] + (1 - keep) * hc.data[k];
    }
    return { outputs: { h }, saved: { z, r, hc, rh } };
  },
  backward(gradOutputs, saved, inputs, params, p) {
    const { z, r, hc, rh } = saved;
    const x = inputs.in;
    const hPrev = inputs.h_prev;
    const dh = gradOf(gradOutputs, 'h', z.shape, 'GRU');
    const names = GATES.flatMap((g) => [`U_${g}`, `W_${g}`, `b_${g}`]);
    const gp = zeroGrads(params, p.resetAfter ? [...names, 'b_hh'] : names);
    const dx = zeros(x.shape);
    const dhPrev = zeros(hPrev.shape);
    const daz = zeros(z.shape);
    const dar = zeros(z.shape);
    const dah = zeros(z.shape);
    const sign = p.updateConvention === 'old' ? 1 : -1; // ∂h/∂z = sign (h_{t−1} − ĥ)
    for (let k = 0; k < dh.data.length; k++) {
      const zk = z.data[k];
      const keep = p.updateConvention === 'old' ? zk : 1 - zk;
      dhPrev.data[k] = dh.data[k] * keep;
      daz.data[k] = dh.data[k] * sign * (hPrev.data[k] - hc.data[k]) * zk * (1 - zk);
      dah.data[k] = dh.data[k] * (1 - keep) * (1 - hc.data[k] * hc.data[k]);
    }
    matBack(dah, x, params.U_h, dx, gp.U_h);
    biasBack(dah, gp.b_h);
    if (p.resetAfter) {
      const dhh = zeros(z.shape); // ∂L/∂(W_h h_{t−1} + b_hh) = dah ⊙ r
      for (let k = 0; k < dhh.data.length; k++) {
        dhh.data[k] = dah.data[k] * r.data[k];
        const rk = r.data[k];
        dar.data[k] = dah.data[k] * rh.data[k] * rk * (1 - rk);
      }
      matBack(dhh, hPrev, params.W_h, dhPrev, gp.W_h);
      biasBack(dhh, gp.b_hh);
    } else {
      const drh = zeros(z.shape); // ∂L/∂(r ⊙ h_{t−1}) = dah W_h
      matBack(dah, rh, params.W_h, drh, gp.W_h);
      for (let k = 0; k < drh.data.length; k++) {
        const rk = r.data[k];
        dhPrev.data[k] += drh.data[k] * rk;
        dar.data[k] = drh.data[k] * hPrev.data[k] * rk * (1 - rk);
      }
    }
    for (const [g, da] of [['z', daz], ['r', dar]] as const) {
      matBack(da, x, params[`U_${g}`], dx, gp[`U_${g}`]);
      matBack(da, hPrev, params[`W_${g}`], dhPrev, gp[`W_${g}`]);
      biasBack(da, gp[`b_${g}`]);
    }
    return { inputs: { in: dx, h_prev: dhPrev }, params: gp };
  },
  checks: [
    { params: { hidden: 3 }, dims: { in: 2 } },
    { params: { hidden: 4, resetAfter: true } },
    { params: { hidden: 3, updateConvention: 'new' }, dims: { in: 4 } },
    { params: { hidden: 2, resetAfter: true, updateConvention: 'new', init: 'learned' } },
  ],
};

/** The GRU cell (models.md "GRU"): update gate z, reset gate r, candidate ĥ, in three published forms. */
export const GRU: NodeSpec<GRUParams> = {
  type: 'GRU',
  version: 1,
  category: 'cell',
  title: 'GRU',
  description:
    'Gated recurrent unit: an update gate blends the previous state with a candidate, and a reset gate decides how much of the previous state the candidate sees. Fewer gates than an LSTM, similar memory. h_0 is zeros, learned, or the vector on the optional h0 input (e.g. an encoder’s final state).',
  params: GRUParams,
  ports: () => PORTS,
  shape: (p, inputs) => cellShape(PORTS, p.hidden, inputs),
  paramTensors: (p, inputs) => {
    const out: ParamTensorDecl[] = gateTensors(GATES, p.hidden, inputs);
    if (p.resetAfter) out.push(vectorTensor('b_hh', p.hidden));
    out.push(...learnedInitTensors(p.init, p.hidden, ['h0'], inputs));
    return out;
  },
  equation: String.raw`\begin{aligned}
z_t &= \sigma(U_z x_t + W_z h_{t-1} + b_z) \\
r_t &= \sigma(U_r x_t + W_r h_{t-1} + b_r) \\
\hat h_t &= \tanh(U_h x_t + W_h (r_t \odot h_{t-1}) + b_h) \\
h_t &= z_t \odot h_{t-1} + (1 - z_t) \odot \hat h_t
\end{aligned}`,
  decompose: (p) => {
    const H = p.hidden;
    const d = new DecompositionBuilder().node('h_prev', 'Delay', { size: H, init: p.init }).input('h0', 'h_prev.init');
    for (const g of ['z', 'r']) d.gateLinear(`${g}_a`, H, 'h_prev', { U: `U_${g}`, W: `W_${g}`, b: `b_${g}` }).node(g, 'Sigmoid').edge(`${g}_a.out`, `${g}.in`).probe(g, `${g}.out`);
    if (p.resetAfter) {
      // ĥ = tanh(U_h x + b_h + r ⊙ (W_h h_{t−1} + b_hh))
      d.node('hx', 'Linear', { inputs: 1, units: H })
        .input('in', 'hx.in0')
        .param('U_h', 'hx.W0')
        .param('b_h', 'hx.b')
        .node('hh', 'Linear', { inputs: 1, units: H })
        .edge('h_prev.out', 'hh.in0')
        .param('W_h', 'hh.W0')
        .param('b_hh', 'hh.b')
        .node('rh', 'Multiply')
        .edge('r.out', 'rh.in0')
        .edge('hh.out', 'rh.in1')
        .node('h_a', 'Add')
        .edge('hx.out', 'h_a.in0')
        .edge('rh.out', 'h_a.in1');
    } else {
      // ĥ = tanh(U_h x + W_h (r ⊙ h_{t−1}) + b_h)
      d.node('rh', 'Multiply')
        .edge('r.out', 'rh.in0')
        .edge('h_prev.out', 'rh.in1')
        .node('h_a', 'Linear', { inputs: 2, units: H })
        .input('in', 'h_a.in0')
        .edge('rh.out', 'h_a.in1')
        .param('U_h', 'h_a.W0')
        .param('W_h', 'h_a.W1')
        .param('b_h', 'h_a.b');
    }
    // Blend: the gate that keeps h_{t−1} is z (old) or 1 − z (new); the other takes ĥ.
    const [keep, take] = p.updateConvention === 'old' ? ['z', 'nz'] : ['nz', 'z'];
    d.node('hc', 'Tanh')
      .edge('h_a.out', 'hc.in')
      .node('nz', 'OneMinus')
      .edge('z.out', 'nz.in')
      .node('kh', 'Multiply')
      .edge(`${keep}.out`, 'kh.in0')
      .edge('h_prev.out', 'kh.in1')
      .node('th', 'Multiply')
      .edge(`${take}.out`, 'th.in0')
      .edge('hc.out', 'th.in1')
      .node('h', 'Add')
      .edge('kh.out', 'h.in0')
      .edge('th.out', 'h.in1')
      .edge('h.out', 'h_prev.in')
      .output('h', 'h.out');
    if (p.init === 'learned') d.param('h0', 'h_prev.h0');
    return d.build();
  },
  fused: {
    step,
    states: (p) => [{ output: 'h', previous: 'h_prev', ...(p.init === 'learned' ? { init: 'h0' } : {}) }],
    probes: (saved) => ({ z: saved.z, r: saved.r }),
  },
};
