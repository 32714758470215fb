import { describe, expect, it } from 'vitest';
import { relativeError, seededRandom } from '../../../src/engine/gradcheck';
import type { Tensor } from '../../../src/engine/tensor';
import type { SequenceContext } from '../../../src/nodes/kernel-types';
import { PositionalEncoding, sinusoid } from '../../../src/nodes/positional-encoding';
import { NODE_SPECS } from '../../../src/nodes/registry';
import { SelfAttention } from '../../../src/nodes/self-attention';
import type { NodeSpec } from '../../../src/nodes/types';

const D = 4;
const CTX: SequenceContext = { B: 3, T: 5, lengths: Int32Array.from([5, 3, 1]) };

/** Random x: (T·B, D), zero at padded rows, and params of the declared shapes. */
function sample(spec: NodeSpec<any>, raw: Record<string, unknown>, seed: number, ctx = CTX) {
  const rand = seededRandom(seed);
  const attrs = spec.params.parse(raw);
  const x = new Float64Array(ctx.T * ctx.B * D);
  for (let t = 0; t < ctx.T; t++) for (let b = 0; b < ctx.B; b++) if (t < ctx.lengths[b]) for (let j = 0; j < D; j++) x[(t * ctx.B + b) * D + j] = 2 * rand() - 1;
  const inputs: Record<string, Tensor> = { in: { shape: [ctx.T * ctx.B, D], data: x } };
  const params: Record<string, Tensor> = {};
  for (const d of spec.paramTensors(attrs, { in: { role: 'sequence', dim: D, dtype: 'real' } })) {
    const n = d.shape.reduce((a, b) => a * b, 1);
    params[d.name] = { shape: [...d.shape], data: Float64Array.from({ length: n }, () => 2 * rand() - 1) };
  }
  return { attrs, inputs, params, rand };
}

/** Row t·B + b is a valid step of its sample. */
const validRow = (row: number) => Math.floor(row / CTX.B) < CTX.lengths[row % CTX.B];

/** Max relative error of the kernel's backward against central differences of L = Σ r ⊙ y (padded rows of x are not inputs). */
function gradcheck(spec: NodeSpec<any>, raw: Record<string, unknown>, seed: number): number {
  const kernel = spec.sequence!;
  const { attrs, inputs, params, rand } = sample(spec, raw, seed);
  const first = kernel.forward(inputs, params, attrs, CTX);
  const r: Record<string, Tensor> = {};
  for (const [name, y] of Object.entries(first.outputs)) {
    const w = y.shape[1];
    // ∂L/∂y is zero at padded rows, as the scheduler passes it
    r[name] = { shape: [...y.shape], data: Float64Array.from({ length: y.data.length }, (_, i) => (validRow(Math.floor(i / w)) ? 2 * rand() - 1 : 0)) };
  }
  const loss = () => {
    const { outputs } = kernel.forward(inputs, params, attrs, CTX);
    let l = 0;
    for (const [name, y] of Object.entries(outputs)) for (let i = 0; i < y.data.length; i++) l += r[name].data[i] * y.data[i];
    return l;
  };
  const grads = kernel.backward(r, first.saved, inputs, params, attrs, CTX);
  let worst = 0;
  const check = (x: Tensor, g: Tensor, valid: (i: number) => boolean) => {
    for (let i = 0; i < x.data.length; i++) {
      if (!valid(i)) continue;
      const keep = x.data[i];
      x.data[i] = keep + 1e-5;
      const plus = loss();
      x.data[i] = keep - 1e-5;
      const minus = loss();
      x.data[i] = keep;
      worst = Math.max(worst, relativeError(g.data[i], (plus - minus) / 2e-5));
    }
  };
  check(inputs.in, grads.inputs.in, (i) => validRow(Math.floor(i / D)));
  for (const [name, p] of Object.entries(params)) check(p, grads.params[name], () => true);
  return worst;
}

describe('every whole-sequence kernel is checked by finite differences (registry-driven)', () => {
  const specs = NODE_SPECS.filter((s) => s.sequence !== undefined);
  it('finds the whole-sequence kinds', () => expect(specs.map((s) => s.type)).toEqual(expect.arrayContaining(['PositionalEncoding', 'SelfAttention'])));
  for (const spec of specs) {
    for (const [i, c] of [{ params: {} }, ...(spec.sequence!.checks ?? [])].entries()) {
      for (const seed of [1, 2]) {
        it(`${spec.type} (case ${i} ${JSON.stringify(c.params)}, seed ${seed})`, () => {
          expect(gradcheck(spec, c.params, seed)).toBeLessThan(1e-6);
        });
      }
    }
  }
});

describe('PositionalEncoding', () => {
  it('adds interleaved sin/cos of p = t − 1 and leaves padded steps zero', () => {
    const { attrs, inputs, params } = sample(PositionalEncoding, {}, 3);
    const y = PositionalEncoding.sequence!.forward(inputs, params, attrs, CTX).outputs.out;
    const { B } = CTX;
    // sample 0, step 3 (0-based 2): x + [sin 2, cos 2, sin(2/100), cos(2/100)] for D = 4
    const row = (2 * B + 0) * D;
    const pe = [Math.sin(2), Math.cos(2), Math.sin(2 / 100), Math.cos(2 / 100)];
    for (let j = 0; j < D; j++) expect(y.data[row + j]).toBeCloseTo(inputs.in.data[row + j] + pe[j], 12);
    expect(sinusoid(0, 1, D)).toBe(1);
    // sample 2 has one step: step 2 is padding
    for (let j = 0; j < D; j++) expect(y.data[(1 * B + 2) * D + j]).toBe(0);
  });

  it('adds the learned table row by row, and names maxLen when the batch is longer', () => {
    const { attrs, inputs, params } = sample(PositionalEncoding, { kind: 'learned', maxLen: 5 }, 4);
    const y = PositionalEncoding.sequence!.forward(inputs, params, attrs, CTX).outputs.out;
    const row = (4 * CTX.B + 0) * D;
    for (let j = 0; j < D; j++) expect(y.data[row + j]).toBeCloseTo(inputs.in.data[row + j] + params.P.data[4 * D + j], 12);
    const short = PositionalEncoding.params.parse({ kind: 'learned', maxLen: 4 });
    expect(() => PositionalEncoding.sequence!.forward(inputs, { P: { shape: [4, D], data: params.P.data.slice(0, 4 * D) } }, short, CTX)).toThrow(/maxLen = 4/);
  });
});

describe('SelfAttention', () => {
  const alphaOf = (raw: Record<string, unknown>) => {
    const { attrs, inputs, params } = sample(SelfAttention, raw, 5);
    const k = SelfAttention.sequence!;
    const res = k.forward(inputs, params, attrs, CTX);
    return { alpha: k.probes!(res.saved, CTX).alpha, out: res.outputs.out, attrs };
  };

  it('weights only valid keys (and none ahead when causal); rows sum to one, padded queries are zero', () => {
    for (const causal of [false, true]) {
      const { alpha, out, attrs } = alphaOf({ dk: 3, dv: 2, causal });
      const { B, T, lengths } = CTX;
      expect(alpha.shape).toEqual([B, T, T]);
      for (let b = 0; b < B; b++) {
        for (let t = 0; t < T; t++) {
          const a = alpha.data.subarray((b * T + t) * T, (b * T + t + 1) * T);
          const sum = a.reduce((x, y) => x + y, 0);
          if (t >= lengths[b]) {
            expect(sum).toBe(0);
            for (let j = 0; j < attrs.dv; j++) expect(out.data[(t * B + b) * attrs.dv + j]).toBe(0);
            continue;
          }
          expect(sum).toBeCloseTo(1, 12);
          for (let u = 0; u < T; u++) {
            const visible = u < lengths[b] && (!causal || u <= t);
            if (!visible) expect(a[u]).toBe(0);
            else expect(a[u]).toBeGreaterThan(0);
          }
        }
      }
    }
  });

  it('gives a one-step causal query its own value: out_1 = W_v x_1', () => {
    const { attrs, inputs, params } = sample(SelfAttention, { dk: 2, dv: 3, causal: true }, 6);
    const y = SelfAttention.sequence!.forward(inputs, params, attrs, CTX).outputs.out;
    for (let b = 0; b < CTX.B; b++) {
      for (let o = 0; o < 3; o++) {
        let v = 0;
        for (let j = 0; j < D; j++) v += params.W_v.data[o * D + j] * inputs.in.data[b * D + j];
        expect(y.data[b * 3 + o]).toBeCloseTo(v, 12);
      }
    }
  });

  it('refuses weights of the wrong shape, naming them', () => {
    const { attrs, inputs, params } = sample(SelfAttention, { dk: 2, dv: 3 }, 7);
    expect(() => SelfAttention.sequence!.forward(inputs, { ...params, W_k: { shape: [3, D], data: new Float64Array(3 * D) } }, attrs, CTX)).toThrow(/"W_k" is \[3, 4\], expected \[2, 4\]/);
  });
});
