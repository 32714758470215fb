import { z } from 'zod';
import { zeros, type Tensor } from '../engine/tensor';
import { cellPorts, cellShape, DecompositionBuilder, gateTensors, Hidden, InitMode, learnedInitTensors } from './cell-common';
import { biasAdd, biasBack, matAdd, matBack, stepInput, stepParam, zeroGrads } from './cell-math';
import { gradOf } from './kernel-helpers';
import type { FusedCell } from './kernel-types';
import type { NodeSpec, ParamTensorDecl } from './types';

/**
 * A skip connection through time (models.md): `add` keeps `W h_{t−1}` and adds `W_d h_{t−d}`;
 * `remove` applies `W` to `h_{t−d}` instead of `h_{t−1}`. `h_{t−d} = h_0` for `t ≤ d`.
 */
export const SkipParams = z.strictObject({
  d: z.number().int().min(2).max(1024).default(2),
  mode: z.enum(['add', 'remove']).default('add'),
});

export const RNNParams = z
  .strictObject({
    hidden: Hidden,
    /** tanh (default), or relu (unbounded: states and gradients can blow up). */
    activation: z.enum(['tanh', 'relu']).default('tanh'),
    init: InitMode,
    /** A skip connection through time; absent: none (so documents without it save back unchanged). */
    skip: SkipParams.optional(),
  })
  .refine((p) => !(p.skip?.mode === 'add' && p.init === 'learned'), {
    message: 'a skip connection in mode "add" reads h_0 through two Delays, which cannot share one learned h0; use init "zeros" (an h0 input, when connected, feeds both) or mode "remove"',
    path: ['init'],
  });
export type RNNParams = z.infer<typeof RNNParams>;

const PORTS = cellPorts([{ name: 'h', description: 'the hidden states h_1 … h_T' }], ['h0']);

interface Saved {
  readonly h: Tensor; // h_t: (N,H)
}

const step: FusedCell<RNNParams, Saved>['step'] = {
  forward(inputs, params, p) {
    const H = p.hidden;
    const x = stepInput(inputs, 'in', null, 'RNN'); // x: (N,I)
    const [n, I] = x.shape;
    const hPrev = stepInput(inputs, 'h_prev', H, 'RNN', n); // h_{t−1}: (N,H)
    const a = zeros([n, H]); // a = b + W h_{t−1} + U x: (N,H)
    matAdd(a, x, stepParam(params, 'U', [H, I], 'RNN'));
    matAdd(a, hPrev, stepParam(params, 'W', [H, H], 'RNN'));
    biasAdd(a, stepParam(params, 'b', [H], 'RNN'));
    const h = zeros([n, H]);
    for (let i = 0; i < h.data.length; i++) h.data[i] = p.activation === 'tanh' ? Math.tanh(a.data[i]) : Math.max(0, a.data[i]);
    return { outputs: { h }, saved: { h } };
  },
  backward(gradOutputs, saved, inputs, params, p) {
    const { h } = saved;
    const x = inputs.in;
    const hPrev = inputs.h_prev;
    const dh = gradOf(gradOutputs, 'h', h.shape, 'RNN');
    const da = zeros(h.shape); // da = dh ⊙ act'(a)
    for (let i = 0; i < da.data.length; i++) {
      const y = h.data[i];
      da.data[i] = dh.data[i] * (p.activation === 'tanh' ? 1 - y * y : y > 0 ? 1 : 0);
    }
    const g = zeroGrads(params, ['U', 'W', 'b']);
    const dx = zeros(x.shape);
    const dhPrev = zeros(hPrev.shape);
    matBack(da, x, params.U, dx, g.U);
    matBack(da, hPrev, params.W, dhPrev, g.W);
    biasBack(da, g.b);
    return { inputs: { in: dx, h_prev: dhPrev }, params: g };
  },
  checks: [
    { params: { hidden: 4 } },
    { params: { hidden: 3, activation: 'relu' }, dims: { in: 2 } },
    { params: { hidden: 2, init: 'learned' }, dims: { in: 4 } },
    { params: { hidden: 3, skip: { d: 3, mode: 'remove' } }, dims: { in: 2 } },
  ],
};

/**
 * The Elman cell `h_t = act(b + W h_{t−1} + U x_t)` (models.md "Vanilla (Elman) RNN"), with an
 * optional skip connection through time (a Delay of `d` steps; models.md "Skip connection through time").
 */
export const RNN: NodeSpec<RNNParams> = {
  type: 'RNN',
  version: 1,
  category: 'cell',
  title: 'RNN (Elman)',
  description:
    'The vanilla recurrent cell: each step mixes the input with the previous hidden state and squashes it with tanh (or relu). Long-range gradients vanish (or, with relu, can explode); a skip connection through time lets the state reach d steps back. h_0 is zeros, learned, or the vector on the optional h0 input (e.g. an encoder’s final state).',
  params: RNNParams,
  ports: () => PORTS,
  shape: (p, inputs) => cellShape(PORTS, p.hidden, inputs),
  paramTensors: (p, inputs) => {
    const out: ParamTensorDecl[] = gateTensors([''], p.hidden, inputs);
    if (p.skip?.mode === 'add') out.push({ name: 'W_d', shape: [p.hidden, p.hidden], trainable: true, init: 'orthogonal' });
    out.push(...learnedInitTensors(p.init, p.hidden, ['h0'], inputs));
    return out;
  },
  equation: String.raw`h_t = \phi(b + W h_{t-1} + U x_t),\quad \phi \in \{\tanh, \operatorname{relu}\};\ \text{skip } d\text{: add } W_d h_{t-d}\text{, or remove: } W h_{t-d} \text{ for } W h_{t-1}`,
  decompose: (p) => {
    const d = new DecompositionBuilder();
    if (p.skip?.mode === 'add') {
      // a = b + W h_{t−1} + W_d h_{t−d} + U x: a three-input Linear on x, h_{t−1} and h_{t−d}
      d.node('h_prev', 'Delay', { size: p.hidden, init: p.init })
        .node('h_skip', 'Delay', { size: p.hidden, init: p.init, steps: p.skip.d })
        .node('a', 'Linear', { inputs: 3, units: p.hidden })
        .input('in', 'a.in0')
        .edge('h_prev.out', 'a.in1')
        .edge('h_skip.out', 'a.in2')
        .edge('h.out', 'h_skip.in')
        .input('h0', 'h_prev.init', 'h_skip.init')
        .param('U', 'a.W0')
        .param('W', 'a.W1')
        .param('W_d', 'a.W2')
        .param('b', 'a.b');
    } else {
      // without a skip, or with `remove`: the one Delay reaches back d steps
      d.node('h_prev', 'Delay', { size: p.hidden, init: p.init, ...(p.skip ? { steps: p.skip.d } : {}) })
        .gateLinear('a', p.hidden, 'h_prev', { U: 'U', W: 'W', b: 'b' })
        .input('h0', 'h_prev.init');
    }
    d.node('h', p.activation === 'tanh' ? 'Tanh' : 'ReLU')
      .edge('a.out', 'h.in')
      .edge('h.out', 'h_prev.in')
      .output('h', 'h.out');
    if (p.init === 'learned') d.param('h0', 'h_prev.h0');
    return d.build();
  },
  fused: {
    step,
    // `add` reads two Delays of h (t−1 and t−d): no fused step, it runs decomposed.
    states: (p) => (p.skip?.mode === 'add' ? [] : [{ output: 'h', previous: 'h_prev', ...(p.init === 'learned' ? { init: 'h0' } : {}) }]),
  },
};
