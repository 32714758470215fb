import type { Tensor } from '../../src/engine/tensor';
import type { GRUParams } from '../../src/nodes/gru';
import type { NodeKernel } from '../../src/nodes/kernel-types';
import type { F32Ops } from './ops';
import { biasGrad, concatRows, gradF32, packGates, param, splitRows, stepInput, unpackGates } from './pack';

interface Saved {
  readonly n: number;
  readonly I: number;
  readonly xh: Float32Array; // [x | h_{t−1}]: (N,I+H)
  readonly x: Float32Array; // x: (N,I)
  readonly hPrev: Float32Array; // h_{t−1}: (N,H)
  readonly zr: Float32Array; // z and r after σ, in gate blocks: (N,2H)
  readonly hc: Float32Array; // candidate ĥ: (N,H)
  readonly rh: Float32Array; // default: r ⊙ h_{t−1}; resetAfter: W_h h_{t−1} + b_hh. (N,H)
}

const sigmoid = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

/**
 * The fused GRU step (`GRU.step`) in float32, all three published forms: one product
 * `[x | h_{t−1}]·[U | W]ᵀ` for z and r, then the candidate's two products (`x·U_hᵀ`, and
 * `(r ⊙ h_{t−1})·W_hᵀ` or `h_{t−1}·W_hᵀ` under `resetAfter`).
 */
export function gruStepKernel(ops: F32Ops): NodeKernel<GRUParams, Saved> {
  const W = (params: Readonly<Record<string, Tensor>>, g: string, H: number) => param(params, `W_${g}`, [H, H], 'GRU');
  const U = (params: Readonly<Record<string, Tensor>>, g: string, H: number, I: number) => param(params, `U_${g}`, [H, I], 'GRU');
  const zrPacked = (params: Readonly<Record<string, Tensor>>, H: number, I: number) =>
    packGates(
      ['z', 'r'].map((g) => [U(params, g, H, I), W(params, g, H)] as const),
      H,
      I,
    );
  return {
    forward(inputs, params, p) {
      const H = p.hidden;
      const xt = stepInput(inputs, 'in', 'GRU'); // x: (N,I)
      const [n, I] = xt.shape;
      const hp = stepInput(inputs, 'h_prev', 'GRU', n, H); // h_{t−1}: (N,H)
      const xh = concatRows(xt.data, hp.data, n, I, H);
      const x = Float32Array.from(xt.data);
      const hPrev = Float32Array.from(hp.data);
      const zr = ops.matmul('abt', xh, zrPacked(params, H, I), n, I + H, 2 * H); // (N,2H)
      const bz = param(params, 'b_z', [H], 'GRU').data;
      const br = param(params, 'b_r', [H], 'GRU').data;
      for (let r = 0; r < n; r++) {
        for (let u = 0; u < H; u++) {
          zr[r * 2 * H + u] = sigmoid(zr[r * 2 * H + u] + bz[u]);
          zr[r * 2 * H + H + u] = sigmoid(zr[r * 2 * H + H + u] + br[u]);
        }
      }
      const a = ops.matmul('abt', x, Float32Array.from(U(params, 'h', H, I).data), n, I, H); // candidate pre-activation: (N,H)
      const Wh = Float32Array.from(W(params, 'h', H).data);
      const bh = param(params, 'b_h', [H], 'GRU').data;
      let rh: Float32Array;
      if (p.resetAfter) {
        rh = ops.matmul('abt', hPrev, Wh, n, H, H);
        const bhh = param(params, 'b_hh', [H], 'GRU').data;
        for (let k = 0; k < rh.length; k++) {
          rh[k] += bhh[k % H];
          a[k] += zr[Math.floor(k / H) * 2 * H + H + (k % H)] * rh[k];
        }
      } else {
        rh = new Float32Array(n * H);
        for (let k = 0; k < rh.length; k++) rh[k] = zr[Math.floor(k / H) * 2 * H + H + (k % H)] * hPrev[k];
        const w = ops.matmul('abt', rh, Wh, n, H, H);
        for (let k = 0; k < a.length; k++) a[k] += w[k];
      }
      const hc = new Float32Array(n * H);
      const h = new Float64Array(n * H);
      for (let k = 0; k < h.length; k++) {
        hc[k] = Math.tanh(a[k] + bh[k % H]);
        const z = zr[Math.floor(k / H) * 2 * H + (k % H)];
        const keep = p.updateConvention === 'old' ? z : 1 - z;
        h[k] = Math.fround(keep * hPrev[k] + (1 - keep) * hc[k]);
      }
      return { outputs: { h: { shape: [n, H], data: h } }, saved: { n, I, xh, x, hPrev, zr, hc, rh } };
    },
    backward(gradOutputs, s, _inputs, params, p) {
      const H = p.hidden;
      const { n, I, xh, x, hPrev, zr, hc, rh } = s;
      const dh = gradF32(gradOutputs, 'h', n * H, 'GRU');
      const dzr = new Float32Array(n * 2 * H); // ∂L/∂ pre-activations of z and r: (N,2H)
      const dah = new Float32Array(n * H);
      const dhPrev = new Float64Array(n * H);
      const sign = p.updateConvention === 'old' ? 1 : -1; // ∂h/∂z = sign (h_{t−1} − ĥ)
      const zAt = (k: number) => Math.floor(k / H) * 2 * H + (k % H);
      for (let k = 0; k < dh.length; k++) {
        const z = zr[zAt(k)];
        const keep = p.updateConvention === 'old' ? z : 1 - z;
        dhPrev[k] = dh[k] * keep;
        dzr[zAt(k)] = dh[k] * sign * (hPrev[k] - hc[k]) * z * (1 - z);
        dah[k] = dh[k] * (1 - keep) * (1 - hc[k] * hc[k]);
      }
      const Wh = Float32Array.from(W(params, 'h', H).data);
      const dxh = ops.matmul('ab', dah, Float32Array.from(U(params, 'h', H, I).data), n, H, I); // dx from the candidate: (N,I)
      const gp: Record<string, Tensor> = {
        U_h: { shape: [H, I], data: Float64Array.from(ops.matmul('atb', dah, x, n, H, I)) },
        b_h: biasGrad(dah, n, H, 0, H),
      };
      if (p.resetAfter) {
        const dhh = new Float32Array(n * H); // ∂L/∂(W_h h_{t−1} + b_hh) = dah ⊙ r
        for (let k = 0; k < dhh.length; k++) {
          const r = zr[zAt(k) + H];
          dhh[k] = dah[k] * r;
          dzr[zAt(k) + H] = dah[k] * rh[k] * r * (1 - r);
        }
        const d = ops.matmul('ab', dhh, Wh, n, H, H);
        for (let k = 0; k < d.length; k++) dhPrev[k] += d[k];
        gp.W_h = { shape: [H, H], data: Float64Array.from(ops.matmul('atb', dhh, hPrev, n, H, H)) };
        gp.b_hh = biasGrad(dhh, n, H, 0, H);
      } else {
        const drh = ops.matmul('ab', dah, Wh, n, H, H); // ∂L/∂(r ⊙ h_{t−1}): (N,H)
        gp.W_h = { shape: [H, H], data: Float64Array.from(ops.matmul('atb', dah, rh, n, H, H)) };
        for (let k = 0; k < drh.length; k++) {
          const r = zr[zAt(k) + H];
          dhPrev[k] += drh[k] * r;
          dzr[zAt(k) + H] = drh[k] * hPrev[k] * r * (1 - r);
        }
      }
      const [dx, dh2] = splitRows(ops.matmul('ab', dzr, zrPacked(params, H, I), n, 2 * H, I + H), n, I, H);
      for (let k = 0; k < dx.data.length; k++) dx.data[k] += dxh[k];
      for (let k = 0; k < dhPrev.length; k++) dhPrev[k] += dh2.data[k];
      const dW = unpackGates(ops.matmul('atb', dzr, xh, n, 2 * H, I + H), 2, H, I);
      ['z', 'r'].forEach((g, j) => {
        gp[`U_${g}`] = dW[j].U;
        gp[`W_${g}`] = dW[j].W;
        gp[`b_${g}`] = biasGrad(dzr, n, 2 * H, j * H, H);
      });
      return { inputs: { in: dx, h_prev: { shape: [n, H], data: dhPrev } }, params: gp };
    },
  };
}
