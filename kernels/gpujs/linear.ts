import { dims2, expectShape, type Tensor } from '../../src/engine/tensor';
import type { NodeKernel } from '../../src/nodes/kernel-types';
import type { LinearParams } from '../../src/nodes/linear';
import { colSums } from './f32';
import type { F32Ops } from './ops';
import { gradF32 } from './pack';

interface Saved {
  readonly n: number;
  readonly xs: readonly Float32Array[]; // x_k as float32: (N,I_k)
}

/**
 * `Linear` in float32: forward `y = b + Σ_k x_k·W_kᵀ` (`abt`), backward `dx_k = dy·W_k` (`ab`) and
 * `dW_k = dyᵀ·x_k` (`atb`), with every `W_k` as stored, `[out, in]`. The weights are read again in
 * backward (they may have been updated between the passes under truncated BPTT); the inputs are kept.
 */
export function linearKernel(ops: F32Ops): NodeKernel<LinearParams, Saved> {
  return {
    forward(inputs, params, p) {
      const x0 = inputs.in0;
      if (x0 === undefined) throw new Error('Linear: missing tensor "in0"');
      const n = dims2(x0, 'Linear input "in0"')[0];
      const O = p.units;
      const y = new Float64Array(n * O); // y: (N,O)
      const xs: Float32Array[] = [];
      for (let k = 0; k < p.inputs; k++) {
        const x = inputs[`in${k}`];
        const w = params[`W${k}`];
        if (x === undefined || w === undefined) throw new Error(`Linear: missing tensor "${x === undefined ? `in${k}` : `W${k}`}"`);
        const [rows, I] = dims2(x, `Linear input "in${k}"`);
        if (rows !== n) throw new Error(`Linear: input "in${k}" has ${rows} rows, "in0" has ${n}`);
        expectShape(w, [O, I], `Linear param "W${k}"`);
        const xf = Float32Array.from(x.data);
        xs.push(xf);
        const part = ops.matmul('abt', xf, Float32Array.from(w.data), n, I, O);
        for (let i = 0; i < y.length; i++) y[i] += part[i];
      }
      if (p.bias) {
        const b = params.b;
        if (b === undefined) throw new Error('Linear: missing tensor "b"');
        expectShape(b, [O], 'Linear param "b"');
        for (let r = 0; r < n; r++) for (let u = 0; u < O; u++) y[r * O + u] += Math.fround(b.data[u]);
      }
      // round the sum once more, as a float32 output buffer would
      for (let i = 0; i < y.length; i++) y[i] = Math.fround(y[i]);
      return { outputs: { out: { shape: [n, O], data: y } }, saved: { n, xs } };
    },
    backward(gradOutputs, saved, _inputs, params, p) {
      const { n, xs } = saved;
      const O = p.units;
      const dy = gradF32(gradOutputs, 'out', n * O, 'Linear'); // dy: (N,O)
      const gi: Record<string, Tensor> = {};
      const gp: Record<string, Tensor> = {};
      for (let k = 0; k < p.inputs; k++) {
        const w = params[`W${k}`];
        const I = w.shape[1];
        gi[`in${k}`] = { shape: [n, I], data: Float64Array.from(ops.matmul('ab', dy, Float32Array.from(w.data), n, O, I)) }; // dx = dy·W: (N,I)
        gp[`W${k}`] = { shape: [O, I], data: Float64Array.from(ops.matmul('atb', dy, xs[k], n, O, I)) }; // dW = dyᵀ·x: (O,I)
      }
      if (p.bias) gp.b = { shape: [O], data: colSums(dy, n, O) };
      return { inputs: gi, params: gp };
    },
  };
}
