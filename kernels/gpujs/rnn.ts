import type { Tensor } from '../../src/engine/tensor';
import type { NodeKernel } from '../../src/nodes/kernel-types';
import type { RNNParams } from '../../src/nodes/rnn';
import type { F32Ops } from './ops';
import { biasGrad, concatRows, gradF32, packGates, param, splitRows, stepInput, unpackGates } from './pack';

interface Saved {
  readonly n: number;
  readonly I: number;
  readonly xh: Float32Array; // [x | h_{t−1}]: (N,I+H)
  readonly h: Float32Array; // h_t: (N,H)
}

/** The fused Elman step (`RNN.step`) in float32: `h = act([x | h_{t−1}]·[U | W]ᵀ + b)`. */
export function rnnStepKernel(ops: F32Ops): NodeKernel<RNNParams, Saved> {
  const packed = (params: Readonly<Record<string, Tensor>>, H: number, I: number) => packGates([[param(params, 'U', [H, I], 'RNN'), param(params, 'W', [H, H], 'RNN')]], H, I);
  return {
    forward(inputs, params, p) {
      const H = p.hidden;
      const x = stepInput(inputs, 'in', 'RNN'); // x: (N,I)
      const [n, I] = x.shape;
      const hPrev = stepInput(inputs, 'h_prev', 'RNN', n, H); // h_{t−1}: (N,H)
      const xh = concatRows(x.data, hPrev.data, n, I, H);
      const h = ops.matmul('abt', xh, packed(params, H, I), n, I + H, H); // a, then h: (N,H)
      const b = param(params, 'b', [H], 'RNN').data;
      const tanh = p.activation === 'tanh';
      for (let k = 0; k < h.length; k++) {
        const a = h[k] + b[k % H];
        h[k] = tanh ? Math.tanh(a) : a > 0 ? a : 0;
      }
      return { outputs: { h: { shape: [n, H], data: Float64Array.from(h) } }, saved: { n, I, xh, h } };
    },
    backward(gradOutputs, s, _inputs, params, p) {
      const H = p.hidden;
      const { n, I, xh, h } = s;
      const da = gradF32(gradOutputs, 'h', n * H, 'RNN'); // dh, then da = dh ⊙ act'(a): (N,H)
      for (let k = 0; k < da.length; k++) da[k] *= p.activation === 'tanh' ? 1 - h[k] * h[k] : h[k] > 0 ? 1 : 0;
      const [dx, dhPrev] = splitRows(ops.matmul('ab', da, packed(params, H, I), n, H, I + H), n, I, H);
      const [dW] = unpackGates(ops.matmul('atb', da, xh, n, H, I + H), 1, H, I);
      return { inputs: { in: dx, h_prev: dhPrev }, params: { U: dW.U, W: dW.W, b: biasGrad(da, n, H, 0, H) } };
    },
  };
}
