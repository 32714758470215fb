import { z } from 'zod';
import { zeros, type Tensor } from '../engine/tensor';
import { cellPorts, cellShape, DecompositionBuilder, gateTensors, Hidden, InitMode, learnedInitTensors, vectorTensor } from './cell-common';
import { biasAdd, biasBack, matAdd, matBack, sigmoid, stepInput, stepParam, zeroGrads } from './cell-math';
import { gradOf } from './kernel-helpers';
import type { FusedCell } from './kernel-types';
import type { NodeSpec, ParamTensorDecl } from './types';

export const LSTMParams = z.strictObject({
  hidden: Hidden,
  /** Diagonal peepholes `p_i p_f p_o [H]`: f and i see c_{t−1}, o sees c_t. */
  peepholes: z.boolean().default(false),
  /** The initial value of the forget-gate bias `b_f`. */
  forgetBias: z.number().refine(Number.isFinite, { message: 'must be a finite number' }).default(1),
  init: InitMode,
});
export type LSTMParams = z.infer<typeof LSTMParams>;

const GATES = ['i', 'f', 'g', 'o'] as const;
type Gate = (typeof GATES)[number];

const PORTS = cellPorts(
  [
    { name: 'h', description: 'the hidden states h_1 … h_T' },
    { name: 'c', description: 'the cell states c_1 … c_T' },
  ],
  ['h0', 'c0'],
);

interface Saved {
  readonly gates: Readonly<Record<Gate, Tensor>>; // f, i, o after σ, g after tanh: (N,H)
  readonly c: Tensor; // c_t: (N,H)
  readonly tc: Tensor; // tanh(c_t): (N,H)
}

const step: FusedCell<LSTMParams, Saved>['step'] = {
  forward(inputs, params, p) {
    const H = p.hidden;
    const x = stepInput(inputs, 'in', null, 'LSTM'); // x: (N,I)
    const [n, I] = x.shape;
    const hPrev = stepInput(inputs, 'h_prev', H, 'LSTM', n); // h_{t−1}: (N,H)
    const cPrev = stepInput(inputs, 'c_prev', H, 'LSTM', n); // c_{t−1}: (N,H)
    const a = {} as Record<Gate, Tensor>; // pre-activations U_g x + W_g h_{t−1} + b_g: (N,H)
    for (const g of GATES) {
      a[g] = zeros([n, H]);
      matAdd(a[g], x, stepParam(params, `U_${g}`, [H, I], 'LSTM'));
      matAdd(a[g], hPrev, stepParam(params, `W_${g}`, [H, H], 'LSTM'));
      biasAdd(a[g], stepParam(params, `b_${g}`, [H], 'LSTM'));
    }
    const peep = p.peepholes ? { i: stepParam(params, 'p_i', [H], 'LSTM'), f: stepParam(params, 'p_f', [H], 'LSTM'), o: stepParam(params, 'p_o', [H], 'LSTM') } : null;
    const out = { i: zeros([n, H]), f: zeros([n, H]), g: zeros([n, H]), o: zeros([n, H]) };
    const c = zeros([n, H]);
    const tc = zeros([n, H]);
    const h = zeros([n, H]);
    for (let k = 0; k < n * H; k++) {
      const u = k % H;
      const cp = cPrev.data[k];
      const f = sigmoid(a.f.data[k] + (peep ? peep.f.data[u] * cp : 0));
      const i = sigmoid(a.i.data[k] + (peep ? peep.i.data[u] * cp : 0));
      const g = Math.tanh(a.g.data[k]);
      const ct = f * cp + i * g;
      const o = sigmoid(a.o.data[k] + (peep ? peep.o.data[u] * ct : 0));
      const t = Math.tanh(ct);
      out.f.data[k] = f;
      out.i.data[k] = i;
      out.g.data[k] = g;
      out.o.data[k] = o;
      c.data[k] = ct;
      tc.data[k] = t;
      h.data[k] = o * t;
    }
    return { outputs: { h, c }, saved: { gates: out, c, tc } };
  },
  backward(gradOutputs, saved, inputs, params, p) {
    const { gates, c, tc } = saved;
    const x = inputs.in;
    const hPrev = inputs.h_prev;
    const cPrev = inputs.c_prev;
    const [n, H] = c.shape;
    const dh = gradOf(gradOutputs, 'h', c.shape, 'LSTM');
    const dcOut = gradOf(gradOutputs, 'c', c.shape, 'LSTM');
    const names = GATES.flatMap((g) => [`U_${g}`, `W_${g}`, `b_${g}`]);
    const gp = zeroGrads(params, p.peepholes ? [...names, 'p_i', 'p_f', 'p_o'] : names);
    const da = { i: zeros([n, H]), f: zeros([n, H]), g: zeros([n, H]), o: zeros([n, H]) }; // ∂L/∂pre-activation
    const dcPrev = zeros([n, H]);
    for (let k = 0; k < n * H; k++) {
      const u = k % H;
      const { f, i, g, o } = { f: gates.f.data[k], i: gates.i.data[k], g: gates.g.data[k], o: gates.o.data[k] };
      const t = tc.data[k];
      const cp = cPrev.data[k];
      const dao = dh.data[k] * t * o * (1 - o);
      let dc = dcOut.data[k] + dh.data[k] * o * (1 - t * t);
      if (p.peepholes) {
        dc += dao * params.p_o.data[u];
        gp.p_o.data[u] += dao * c.data[k];
      }
      const daf = dc * cp * f * (1 - f);
      const dai = dc * g * i * (1 - i);
      da.o.data[k] = dao;
      da.f.data[k] = daf;
      da.i.data[k] = dai;
      da.g.data[k] = dc * i * (1 - g * g);
      dcPrev.data[k] = dc * f;
      if (p.peepholes) {
        dcPrev.data[k] += daf * params.p_f.data[u] + dai * params.p_i.data[u];
        gp.p_f.data[u] += daf * cp;
        gp.p_i.data[u] += dai * cp;
      }
    }
    const dx = zeros(x.shape);
    const dhPrev = zeros(hPrev.shape);
    for (const g of GATES) {
      matBack(da[g], x, params[`U_${g}`], dx, gp[`U_${g}`]);
      matBack(da[g], hPrev, params[`W_${g}`], dhPrev, gp[`W_${g}`]);
      biasBack(da[g], gp[`b_${g}`]);
    }
    return { inputs: { in: dx, h_prev: dhPrev, c_prev: dcPrev }, params: gp };
  },
  checks: [
    { params: { hidden: 3 }, dims: { in: 2 } },
    { params: { hidden: 4, peepholes: true } },
    { params: { hidden: 2, peepholes: true, init: 'learned', forgetBias: 0 }, dims: { in: 4 } },
  ],
};

/** The LSTM cell (models.md "LSTM"): gates i, f, o, candidate g, cell state c; optional diagonal peepholes. */
export const LSTM: NodeSpec<LSTMParams> = {
  type: 'LSTM',
  version: 1,
  category: 'cell',
  title: 'LSTM',
  description:
    'Long short-term memory: a cell state c that a forget gate keeps and an input gate writes, read out through an output gate. Keeps gradients alive over long spans. h_0 and c_0 are zeros, learned, or the vectors on the optional h0 and c0 inputs (e.g. an LSTM encoder’s final h and c).',
  params: LSTMParams,
  ports: () => PORTS,
  shape: (p, inputs) => cellShape(PORTS, p.hidden, inputs),
  paramTensors: (p, inputs) => {
    const out: ParamTensorDecl[] = gateTensors(GATES, p.hidden, inputs, { b_f: p.forgetBias });
    if (p.peepholes) for (const g of ['p_i', 'p_f', 'p_o']) out.push(vectorTensor(g, p.hidden));
    out.push(...learnedInitTensors(p.init, p.hidden, ['h0', 'c0'], inputs));
    return out;
  },
  equation: String.raw`\begin{aligned}
f_t &= \sigma(U_f x_t + W_f h_{t-1} + b_f + p_f \odot c_{t-1}) \\
i_t &= \sigma(U_i x_t + W_i h_{t-1} + b_i + p_i \odot c_{t-1}) \\
g_t &= \tanh(U_g x_t + W_g h_{t-1} + b_g) \\
c_t &= f_t \odot c_{t-1} + i_t \odot g_t \\
o_t &= \sigma(U_o x_t + W_o h_{t-1} + b_o + p_o \odot c_t) \\
h_t &= o_t \odot \tanh(c_t)
\end{aligned}`,
  decompose: (p) => {
    const H = p.hidden;
    const d = new DecompositionBuilder()
      .node('h_prev', 'Delay', { size: H, init: p.init })
      .node('c_prev', 'Delay', { size: H, init: p.init })
      .input('h0', 'h_prev.init')
      .input('c0', 'c_prev.init');
    for (const g of GATES) {
      d.gateLinear(`${g}_a`, H, 'h_prev', { U: `U_${g}`, W: `W_${g}`, b: `b_${g}` }).node(g, g === 'g' ? 'Tanh' : 'Sigmoid');
      // A peephole adds p ⊙ c (c_{t−1} for f and i, c_t for o) to the gate's pre-activation.
      if (p.peepholes && g !== 'g') {
        d.node(`${g}_p`, 'Diag')
          .edge(g === 'o' ? 'c.out' : 'c_prev.out', `${g}_p.in`)
          .param(`p_${g}`, `${g}_p.p`)
          .node(`${g}_s`, 'Add')
          .edge(`${g}_a.out`, `${g}_s.in0`)
          .edge(`${g}_p.out`, `${g}_s.in1`)
          .edge(`${g}_s.out`, `${g}.in`);
      } else {
        d.edge(`${g}_a.out`, `${g}.in`);
      }
      d.probe(g, `${g}.out`);
    }
    d.node('fc', 'Multiply')
      .edge('f.out', 'fc.in0')
      .edge('c_prev.out', 'fc.in1')
      .node('ig', 'Multiply')
      .edge('i.out', 'ig.in0')
      .edge('g.out', 'ig.in1')
      .node('c', 'Add')
      .edge('fc.out', 'c.in0')
      .edge('ig.out', 'c.in1')
      .node('tc', 'Tanh')
      .edge('c.out', 'tc.in')
      .node('h', 'Multiply')
      .edge('o.out', 'h.in0')
      .edge('tc.out', 'h.in1')
      .edge('h.out', 'h_prev.in')
      .edge('c.out', 'c_prev.in')
      .output('h', 'h.out')
      .output('c', 'c.out');
    if (p.init === 'learned') d.param('h0', 'h_prev.h0').param('c0', 'c_prev.h0');
    return d.build();
  },
  fused: {
    step,
    states: (p) =>
      p.init === 'learned'
        ? [
            { output: 'h', previous: 'h_prev', init: 'h0' },
            { output: 'c', previous: 'c_prev', init: 'c0' },
          ]
        : [
            { output: 'h', previous: 'h_prev' },
            { output: 'c', previous: 'c_prev' },
          ],
    probes: (saved) => saved.gates,
  },
};
