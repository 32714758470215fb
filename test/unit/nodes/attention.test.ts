import { describe, expect, it } from 'vitest';
import { relativeError, seededRandom } from '../../../src/engine/gradcheck';
import type { Tensor } from '../../../src/engine/tensor';
import { Attention, type AttentionParams } from '../../../src/nodes/attention';
import type { AttendContext } from '../../../src/nodes/kernel-types';
import { NODE_SPECS } from '../../../src/nodes/registry';
import type { NodeSpec, PortShape } from '../../../src/nodes/types';

/** Three samples with memory lengths 4, 2 and 3 (Tm = 4); the query has two steps at once (N = 2·B). */
const CTX: AttendContext = { B: 3, Tm: 4, lengths: Int32Array.from([4, 2, 3]) };
const STEPS = 2;
const SCORES = ['dot', 'scaled', 'general', 'additive'] as const;

const seq = (dim: number): PortShape => ({ role: 'sequence', dim, dtype: 'real' });
const state = (dim: number): PortShape => ({ role: 'state', dim, dtype: 'real' });

interface Sample {
  readonly attrs: AttentionParams;
  readonly inputs: Record<string, Tensor>;
  readonly params: Record<string, Tensor>;
  readonly rand: () => number;
}

/** Random query (N, D_s), memory (Tm·B, D_h) zero at padded steps, and params of the declared shapes. */
function sample(spec: NodeSpec<any>, raw: Record<string, unknown>, dims: { query: number; memory: number }, seed: number, ctx = CTX): Sample {
  const rand = seededRandom(seed);
  const attrs = spec.params.parse(raw) as AttentionParams;
  const { B, Tm, lengths } = ctx;
  const N = STEPS * B;
  const query = Float64Array.from({ length: N * dims.query }, () => 2 * rand() - 1);
  const memory = new Float64Array(Tm * B * dims.memory);
  for (let t = 0; t < Tm; t++) for (let b = 0; b < B; b++) if (t < lengths[b]) for (let j = 0; j < dims.memory; j++) memory[(t * B + b) * dims.memory + j] = 2 * rand() - 1;
  const params: Record<string, Tensor> = {};
  for (const d of spec.paramTensors(attrs, { query: state(dims.query), memory: seq(dims.memory) })) {
    const n = d.shape.reduce((a, b) => a * b, 1);
    params[d.name] = { shape: [...d.shape], data: Float64Array.from({ length: n }, () => 2 * rand() - 1) };
  }
  return { attrs, inputs: { query: { shape: [N, dims.query], data: query }, memory: { shape: [Tm * B, dims.memory], data: memory } }, params, rand };
}

/** The attention of models.md written out plainly, one query row at a time (no shared buffers, no max shift). */
function reference(attrs: AttentionParams, inputs: Record<string, Tensor>, params: Record<string, Tensor>, ctx = CTX) {
  const [N, Ds] = inputs.query.shape;
  const Dh = inputs.memory.shape[1];
  const { B, Tm, lengths } = ctx;
  const at = (t: Tensor, i: number, j: number) => t.data[i * t.shape[1] + j];
  const context: number[][] = [];
  const alpha: number[][] = [];
  const pos: number[] = [];
  for (let r = 0; r < N; r++) {
    const b = r % B;
    const tau = lengths[b];
    const s = Array.from({ length: Ds }, (_, i) => at(inputs.query, r, i));
    const hs = Array.from({ length: tau }, (_, t) => Array.from({ length: Dh }, (_, j) => at(inputs.memory, t * B + b, j)));
    const score = (h: number[]): number => {
      switch (attrs.score) {
        case 'dot':
          return s.reduce((acc, si, i) => acc + si * h[i], 0);
        case 'scaled':
          return s.reduce((acc, si, i) => acc + si * h[i], 0) / Math.sqrt(Dh);
        case 'general': {
          let acc = 0;
          for (let i = 0; i < Ds; i++) for (let j = 0; j < Dh; j++) acc += s[i] * at(params.W_a, i, j) * h[j];
          return acc;
        }
        case 'additive': {
          let acc = 0;
          for (let a = 0; a < attrs.attnSize; a++) {
            let pre = 0;
            for (let i = 0; i < Ds; i++) pre += at(params.W_a, a, i) * s[i];
            for (let j = 0; j < Dh; j++) pre += at(params.U_a, a, j) * h[j];
            acc += params.v_a.data[a] * Math.tanh(pre);
          }
          return acc;
        }
      }
    };
    const ex = hs.map((h) => Math.exp(score(h)));
    const z = ex.reduce((a, v) => a + v, 0);
    const weights = ex.map((v) => v / z);
    if (attrs.local) {
      let q = 0;
      for (let a = 0; a < attrs.localSize; a++) {
        let pre = 0;
        for (let i = 0; i < Ds; i++) pre += at(params.W_p, a, i) * s[i];
        q += params.v_p.data[a] * Math.tanh(pre);
      }
      const p = tau / (1 + Math.exp(-q));
      pos.push(p);
      // t is 1-based in models.md: position t + 1 for index t
      for (let t = 0; t < tau; t++) weights[t] *= Math.exp(-((t + 1 - p) ** 2) / (2 * attrs.d ** 2));
    }
    context.push(Array.from({ length: Dh }, (_, j) => hs.reduce((acc, h, t) => acc + weights[t] * h[j], 0)));
    alpha.push(Array.from({ length: Tm }, (_, t) => (t < tau ? weights[t] : 0)));
  }
  return { context, alpha, pos };
}

/** Max relative error of the attend kernel's backward against central differences of L = Σ r ⊙ c, per tensor. */
function gradcheck(spec: NodeSpec<any>, raw: Record<string, unknown>, dims: { query: number; memory: number }, seed: number, ctx = CTX) {
  const kernel = spec.attend!;
  const { attrs, inputs, params, rand } = sample(spec, raw, dims, seed, ctx);
  const before = [...Object.values(inputs), ...Object.values(params)].map((t) => t.data.slice());
  const first = kernel.forward(inputs, params, attrs, ctx);
  const c = first.outputs.context;
  const weight = { shape: [...c.shape], data: Float64Array.from(c.data, () => 2 * rand() - 1) };
  const loss = () => {
    const y = kernel.forward(inputs, params, attrs, ctx).outputs.context;
    let l = 0;
    for (let i = 0; i < y.data.length; i++) l += weight.data[i] * y.data[i];
    return l;
  };
  const grads = kernel.backward({ context: weight }, first.saved, inputs, params, attrs, ctx);
  const after = [...Object.values(inputs), ...Object.values(params)];
  expect(after.every((t, i) => t.data.every((v, j) => v === before[i][j])), 'the kernel leaves its inputs and params alone').toBe(true);
  const errors: Record<string, number> = {};
  const check = (name: string, x: Tensor, g: Tensor) => {
    expect(g.shape, name).toEqual(x.shape);
    let worst = 0;
    for (let i = 0; i < x.data.length; i++) {
      const keep = x.data[i];
      x.data[i] = keep + 1e-5;
      const plus = loss();
      x.data[i] = keep - 1e-5;
      const minus = loss();
      x.data[i] = keep;
      worst = Math.max(worst, relativeError(g.data[i], (plus - minus) / 2e-5));
    }
    errors[name] = worst;
  };
  check('query', inputs.query, grads.inputs.query);
  check('memory', inputs.memory, grads.inputs.memory);
  expect(Object.keys(grads.params).sort()).toEqual(Object.keys(params).sort());
  for (const [name, p] of Object.entries(params)) check(name, p, grads.params[name]);
  return { errors, worst: Math.max(...Object.values(errors)), grads };
}

/** Sizes for a score: dot and scaled need D_s = D_h. */
const dimsFor = (score: string) => (score === 'dot' || score === 'scaled' ? { query: 3, memory: 3 } : { query: 2, memory: 3 });

describe('Attention forward', () => {
  for (const score of SCORES) {
    for (const local of [false, true]) {
      it(`matches a plain re-computation (${score}, local ${local})`, () => {
        const raw = { score, local, attnSize: 3, localSize: 4, d: 1.5 };
        const { attrs, inputs, params } = sample(Attention, raw, dimsFor(score), 11);
        const k = Attention.attend!;
        const res = k.forward(inputs, params, attrs, CTX);
        const want = reference(attrs, inputs, params);
        const Dh = inputs.memory.shape[1];
        expect(res.outputs.context.shape).toEqual([STEPS * CTX.B, Dh]);
        want.context.forEach((row, r) => row.forEach((v, j) => expect(res.outputs.context.data[r * Dh + j]).toBeCloseTo(v, 12)));
        const probes = k.probes(res.saved, CTX);
        expect(probes.alpha.shape).toEqual([STEPS * CTX.B, CTX.Tm]);
        want.alpha.forEach((row, r) => row.forEach((v, t) => expect(probes.alpha.data[r * CTX.Tm + t]).toBeCloseTo(v, 12)));
        if (local) {
          expect(probes.p.shape).toEqual([STEPS * CTX.B]);
          want.pos.forEach((v, r) => expect(probes.p.data[r]).toBeCloseTo(v, 12));
        } else expect(probes.p).toBeUndefined();
      });
    }
  }

  it('weights valid steps only: rows sum to one without local, and are zero past τ', () => {
    const { Tm, lengths, B } = CTX;
    for (const score of SCORES) {
      for (const local of [false, true]) {
        const { attrs, inputs, params } = sample(Attention, { score, local, attnSize: 3, localSize: 3 }, dimsFor(score), 12);
        const res = Attention.attend!.forward(inputs, params, attrs, CTX);
        const { alpha, p } = Attention.attend!.probes(res.saved, CTX);
        for (let r = 0; r < STEPS * B; r++) {
          const tau = lengths[r % B];
          const row = alpha.data.subarray(r * Tm, (r + 1) * Tm);
          for (let t = 0; t < Tm; t++) {
            if (t < tau) expect(row[t]).toBeGreaterThan(0);
            else expect(row[t]).toBe(0);
          }
          const sum = row.reduce((a, v) => a + v, 0);
          if (local) {
            // the Gaussian only shrinks the softmax weights; the centre lies inside the sample
            expect(sum).toBeLessThan(1);
            expect(p.data[r]).toBeGreaterThan(0);
            expect(p.data[r]).toBeLessThan(tau);
          } else expect(sum).toBeCloseTo(1, 12);
        }
      }
    }
  });

  it('gives a sample with an empty memory a zero context and zero gradients, without NaN', () => {
    const ctx: AttendContext = { B: 3, Tm: 4, lengths: Int32Array.from([4, 0, 3]) };
    const { attrs, inputs, params } = sample(Attention, { score: 'additive', attnSize: 3, local: true, localSize: 2 }, { query: 2, memory: 3 }, 13, ctx);
    const k = Attention.attend!;
    const res = k.forward(inputs, params, attrs, ctx);
    const c = res.outputs.context.data;
    expect(c.every(Number.isFinite)).toBe(true);
    for (const r of [1, 4]) for (let j = 0; j < 3; j++) expect(c[r * 3 + j]).toBe(0);
    const g = k.backward({ context: { shape: [6, 3], data: new Float64Array(18).fill(1) } }, res.saved, inputs, params, attrs, ctx);
    for (const r of [1, 4]) for (let i = 0; i < 2; i++) expect(g.inputs.query.data[r * 2 + i]).toBe(0);
    expect(Object.values(g.params).every((t) => t.data.every(Number.isFinite))).toBe(true);
  });

  it('refuses weights of the wrong shape and a memory that does not fit the context, naming them', () => {
    const { attrs, inputs, params } = sample(Attention, { score: 'additive', attnSize: 3 }, { query: 2, memory: 3 }, 14);
    const k = Attention.attend!;
    expect(() => k.forward(inputs, { ...params, U_a: { shape: [3, 2], data: new Float64Array(6) } }, attrs, CTX)).toThrow(/"U_a".*\[3, 3\].*\[3, 2\]/);
    expect(() => k.forward(inputs, params, attrs, { ...CTX, Tm: 5 })).toThrow(/"memory" has 12 rows, expected Tm·B = 15/);
    expect(() => k.forward(inputs, params, attrs, { ...CTX, lengths: Int32Array.from([5, 1, 1]) })).toThrow(/length of 5/);
  });
});

describe('Attention backward agrees with central differences', () => {
  for (const score of SCORES) {
    for (const local of [false, true]) {
      it(`${score}, local ${local}`, () => {
        const { errors, worst, grads } = gradcheck(Attention, { score, local, attnSize: 3, localSize: 3, d: 1.2 }, dimsFor(score), 21);
        expect(worst, JSON.stringify(errors)).toBeLessThan(1e-6);
        // ∂L/∂memory is zero at padded steps
        const Dh = dimsFor(score).memory;
        for (let t = 0; t < CTX.Tm; t++) for (let b = 0; b < CTX.B; b++) if (t >= CTX.lengths[b]) for (let j = 0; j < Dh; j++) expect(grads.inputs.memory.data[(t * CTX.B + b) * Dh + j]).toBe(0);
      });
    }
  }
});

describe('every attend kernel is checked by finite differences (registry-driven)', () => {
  const specs = NODE_SPECS.filter((s) => s.attend !== undefined);
  it('finds the attention kinds', () => expect(specs.map((s) => s.type)).toContain('Attention'));
  for (const spec of specs) {
    for (const [i, c] of [{ params: {} }, ...(spec.attend!.checks ?? [])].entries()) {
      for (const seed of [1, 2]) {
        it(`${spec.type} (case ${i} ${JSON.stringify(c.params)}, seed ${seed})`, () => {
          const dims = { query: c.dims?.query ?? 3, memory: c.dims?.memory ?? 3 };
          const { errors, worst } = gradcheck(spec, { ...c.params }, dims, seed);
          expect(worst, JSON.stringify(errors)).toBeLessThan(1e-6);
        });
      }
    }
  }
});

describe('Attention shape rule and params', () => {
  const rule = (raw: Record<string, unknown>, inputs: Record<string, PortShape | undefined>) => Attention.shape(Attention.params.parse(raw), inputs);
  const tensors = (raw: Record<string, unknown>, inputs: Record<string, PortShape | undefined>) =>
    Attention.paramTensors(Attention.params.parse(raw), inputs).map((d) => `${d.name} [${d.shape.join(', ')}]`);

  it('outputs a context sequence of the memory size once the memory is known', () => {
    expect(rule({}, { query: state(5), memory: seq(7) })).toEqual({ ok: true, outputs: { context: { role: 'sequence', dim: 7, dtype: 'real' } } });
    expect(rule({}, { query: seq(5), memory: seq(7) })).toMatchObject({ ok: true, outputs: { context: { dim: 7 } } });
    expect(rule({}, { memory: seq(7) })).toMatchObject({ ok: true, outputs: { context: { dim: 7 } } });
    expect(rule({}, { query: state(5) })).toEqual({ ok: true, outputs: {} });
  });

  it('refuses dot and scaled scores between different sizes, naming the query', () => {
    for (const score of ['dot', 'scaled']) {
      const r = rule({ score }, { query: state(4), memory: seq(3) });
      expect(r).toMatchObject({ ok: false, code: 'dim-mismatch', port: 'query' });
      if (!r.ok) expect(r.message).toMatch(new RegExp(`"query" has size 4, but "memory" has size 3; a ${score} score needs equal sizes`));
      expect(rule({ score }, { query: state(3), memory: seq(3) }).ok).toBe(true);
    }
    expect(rule({ score: 'general' }, { query: state(4), memory: seq(3) }).ok).toBe(true);
    expect(rule({ score: 'additive' }, { query: state(4), memory: seq(3) }).ok).toBe(true);
  });

  it('refuses a memory without a time axis and class ids', () => {
    expect(rule({}, { query: state(3), memory: { role: 'vector', dim: 3, dtype: 'real' } })).toMatchObject({ ok: false, code: 'incompatible-roles', port: 'memory' });
    expect(rule({}, { query: { role: 'vector', dim: 3, dtype: 'real' }, memory: seq(3) })).toMatchObject({ ok: false, code: 'incompatible-roles', port: 'query' });
    expect(rule({}, { query: state(3), memory: { role: 'sequence', dim: 3, dtype: 'index' } })).toMatchObject({ ok: false, code: 'incompatible-dtype', port: 'memory' });
  });

  it('declares the tensors of models.md, only those whose sizes are known', () => {
    const both = { query: state(5), memory: seq(7) };
    expect(tensors({ score: 'dot' }, both)).toEqual([]);
    expect(tensors({ score: 'general' }, both)).toEqual(['W_a [5, 7]']);
    expect(tensors({ score: 'general' }, { memory: seq(7) })).toEqual([]);
    expect(tensors({}, both)).toEqual(['W_a [16, 5]', 'U_a [16, 7]', 'v_a [16]']);
    expect(tensors({ attnSize: 4 }, { memory: seq(7) })).toEqual(['U_a [4, 7]', 'v_a [4]']);
    expect(tensors({ score: 'scaled', local: true, localSize: 6 }, both)).toEqual(['W_p [6, 5]', 'v_p [6]']);
    expect(tensors({ score: 'scaled', local: true }, { memory: seq(7) })).toEqual(['v_p [16]']);
    const decls = Attention.paramTensors(Attention.params.parse({ local: true }), both);
    for (const d of decls) {
      expect(d.trainable).toBe(true);
      expect(d.init).toEqual(d.shape.length === 2 ? 'glorot' : { uniform: [-0.1, 0.1] });
    }
  });

  it('has the defaults of its declaration and refuses a non-positive width', () => {
    expect(Attention.params.parse({})).toEqual({ score: 'additive', attnSize: 16, local: false, localSize: 16, d: 2 });
    expect(Attention.params.safeParse({ d: 0 }).success).toBe(false);
    expect(Attention.params.safeParse({ score: 'cosine' }).success).toBe(false);
  });
});
