import { z } from 'zod';
import { zeros, type Tensor } from '../engine/tensor';
import { cellPorts, cellShape, DecompositionBuilder, gateTensors, Hidden, InitMode, vectorTensor } from './cell-common';
import { biasAdd, biasBack, matAdd, matBack, stepInput, stepParam, zeroGrads } from './cell-math';
import { gradOf } from './kernel-helpers';
import type { FusedCell } from './kernel-types';
import type { NodeSpec, ParamTensorDecl } from './types';

export const RNNParams = z.strictObject({
  hidden: Hidden,
  /** tanh (default), or relu (unbounded: states and gradients can blow up). */
  activation: z.enum(['tanh', 'relu']).default('tanh'),
  init: InitMode,
});
export type RNNParams = z.infer<typeof RNNParams>;

const PORTS = cellPorts([{ name: 'h', description: 'the hidden states h_1 … h_T' }]);

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
  ],
};

/** The Elman cell `h_t = act(b + W h_{t−1} + U x_t)` (models.md "Vanilla (Elman) RNN"). */
export const RNN: NodeSpec<RNNParams> = {
  type: 'RNN',
  version: 1,
  category: 'cell',
  title: 'RNN (Elman)',
  description:
    'The vanilla recurrent cell: each step mixes the input with the previous hidden state and squashes it with tanh (or relu). Long-range gradients vanish (or, with relu, can explode).',
  params: RNNParams,
  ports: () => PORTS,
  shape: (p, inputs) => cellShape(PORTS, p.hidden, inputs),
  paramTensors: (p, inputs) => {
    const out: ParamTensorDecl[] = gateTensors([''], p.hidden, inputs);
    if (p.init === 'learned') out.push(vectorTensor('h0', p.hidden));
    return out;
  },
  equation: String.raw`h_t = \phi(b + W h_{t-1} + U x_t),\quad \phi \in \{\tanh, \operatorname{relu}\}`,
  decompose: (p) => {
    const d = new DecompositionBuilder()
      .node('h_prev', 'Delay', { size: p.hidden, init: p.init })
      .gateLinear('a', p.hidden, 'h_prev', { U: 'U', W: 'W', b: 'b' })
      .node('h', p.activation === 'tanh' ? 'Tanh' : 'ReLU')
      .edge('a.out', 'h.in')
      .edge('h.out', 'h_prev.in')
      .output('h', 'h.out');
    if (p.init === 'learned') d.param('h0', 'h_prev.h0');
    return d.build();
  },
  fused: {
    step,
    states: (p) => [{ output: 'h', previous: 'h_prev', ...(p.init === 'learned' ? { init: 'h0' } : {}) }],
  },
};
