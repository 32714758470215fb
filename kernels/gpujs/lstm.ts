import type { Tensor } from '../../src/engine/tensor';
import type { NodeKernel } from '../../src/nodes/kernel-types';
import type { LSTMParams } from '../../src/nodes/lstm';
import type { F32Ops } from './ops';
import { biasGrad, concatRows, gradF32, packGates, param, splitRows, stepInput, unpackGates } from './pack';

const GATES = ['i', 'f', 'g', 'o'] as const;

interface Saved {
  readonly n: number;
  readonly I: number;
  readonly xh: Float32Array; // [x | h_{t−1}]: (N,I+H)
  readonly act: Float32Array; // i, f, o after σ, g after tanh, in gate blocks: (N,4H)
  readonly c: Float32Array; // c_t: (N,H)
  readonly tc: Float32Array; // tanh(c_t): (N,H)
  readonly cPrev: Float32Array; // c_{t−1}: (N,H)
}

const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

/**
 * The fused LSTM step (`LSTM.step`) in float32: one matrix product `[x | h_{t−1}]·[U | W]ᵀ` for all
 * four gates, then the gate math (peepholes included) in one loop; backward mirrors it, with one
 * product for `∂L/∂[x | h_{t−1}]` and one for the packed weight gradient.
 */
export function lstmStepKernel(ops: F32Ops): NodeKernel<LSTMParams, Saved> {
  const packed = (params: Readonly<Record<string, Tensor>>, H: number, I: number) =>
    packGates(GATES.map((g) => [param(params, `U_${g}`, [H, I], 'LSTM'), param(params, `W_${g}`, [H, H], 'LSTM')] as const), H, I);
  return {
    forward(inputs, params, p) {
      const H = p.hidden;
      const x = stepInput(inputs, 'in', 'LSTM'); // x: (N,I)
      const [n, I] = x.shape;
      const hPrev = stepInput(inputs, 'h_prev', 'LSTM', n, H); // h_{t−1}: (N,H)
      const cPrev = Float32Array.from(stepInput(inputs, 'c_prev', 'LSTM', n, H).data); // c_{t−1}: (N,H)
      const xh = concatRows(x.data, hPrev.data, n, I, H);
      const act = ops.matmul('abt', xh, packed(params, H, I), n, I + H, 4 * H); // pre-activations, then activations: (N,4H)
      const b = GATES.map((g) => param(params, `b_${g}`, [H], 'LSTM').data);
      const peep = p.peepholes ? (['p_i', 'p_f', 'p_o'] as const).map((q) => param(params, q, [H], 'LSTM').data) : null;
      const c = new Float32Array(n * H);
      const tc = new Float32Array(n * H);
      const h = new Float64Array(n * H);
      const c64 = new Float64Array(n * H);
      for (let r = 0; r < n; r++) {
        const row = r * 4 * H;
        for (let u = 0; u < H; u++) {
          const k = r * H + u;
          const cp = cPrev[k];
          const i = sigmoid(act[row + u] + b[0][u] + (peep ? peep[0][u] * cp : 0));
          const f = sigmoid(act[row + H + u] + b[1][u] + (peep ? peep[1][u] * cp : 0));
          const g = Math.tanh(act[row + 2 * H + u] + b[2][u]);
          const ct = Math.fround(f * cp + i * g);
          const o = sigmoid(act[row + 3 * H + u] + b[3][u] + (peep ? peep[2][u] * ct : 0));
          act[row + u] = i;
          act[row + H + u] = f;
          act[row + 2 * H + u] = g;
          act[row + 3 * H + u] = o;
          c[k] = ct;
          tc[k] = Math.tanh(ct);
          c64[k] = ct;
          h[k] = Math.fround(o * tc[k]);
        }
      }
      return { outputs: { h: { shape: [n, H], data: h }, c: { shape: [n, H], data: c64 } }, saved: { n, I, xh, act, c, tc, cPrev } };
    },
    backward(gradOutputs, s, _inputs, params, p) {
      const H = p.hidden;
      const { n, I, xh, act, c, tc, cPrev } = s;
      const dh = gradF32(gradOutputs, 'h', n * H, 'LSTM');
      const dcOut = gradF32(gradOutputs, 'c', n * H, 'LSTM');
      const da = new Float32Array(n * 4 * H); // ∂L/∂pre-activations: (N,4H)
      const dcPrev = new Float64Array(n * H);
      const peep = p.peepholes ? (['p_i', 'p_f', 'p_o'] as const).map((q) => param(params, q, [H], 'LSTM').data) : null;
      const dPeep = p.peepholes ? [new Float64Array(H), new Float64Array(H), new Float64Array(H)] : null;
      for (let r = 0; r < n; r++) {
        const row = r * 4 * H;
        for (let u = 0; u < H; u++) {
          const k = r * H + u;
          const i = act[row + u];
          const f = act[row + H + u];
          const g = act[row + 2 * H + u];
          const o = act[row + 3 * H + u];
          const t = tc[k];
          const cp = cPrev[k];
          const dao = dh[k] * t * o * (1 - o);
          let dc = dcOut[k] + dh[k] * o * (1 - t * t);
          if (peep && dPeep) {
            dc += dao * peep[2][u];
            dPeep[2][u] += dao * c[k];
          }
          const daf = dc * cp * f * (1 - f);
          const dai = dc * g * i * (1 - i);
          da[row + u] = dai;
          da[row + H + u] = daf;
          da[row + 2 * H + u] = dc * i * (1 - g * g);
          da[row + 3 * H + u] = dao;
          dcPrev[k] = dc * f;
          if (peep && dPeep) {
            dcPrev[k] += daf * peep[1][u] + dai * peep[0][u];
            dPeep[1][u] += daf * cp;
            dPeep[0][u] += dai * cp;
          }
        }
      }
      const [dx, dhPrev] = splitRows(ops.matmul('ab', da, packed(params, H, I), n, 4 * H, I + H), n, I, H); // ∂L/∂[x | h]: (N,I+H)
      const dW = unpackGates(ops.matmul('atb', da, xh, n, 4 * H, I + H), 4, H, I); // (4H,I+H)
      const gp: Record<string, Tensor> = {};
      GATES.forEach((g, j) => {
        gp[`U_${g}`] = dW[j].U;
        gp[`W_${g}`] = dW[j].W;
        gp[`b_${g}`] = biasGrad(da, n, 4 * H, j * H, H);
      });
      if (dPeep) ['p_i', 'p_f', 'p_o'].forEach((q, j) => (gp[q] = { shape: [H], data: dPeep[j] }));
      return { inputs: { in: dx, h_prev: dhPrev, c_prev: { shape: [n, H], data: dcPrev } }, params: gp };
    },
  };
}
