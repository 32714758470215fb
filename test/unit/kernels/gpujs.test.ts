import { afterAll, describe, expect, it } from 'vitest';
import { GPUJS_KINDS, GPUJS_MODES, openF32Backend, openGpujsBackend } from '../../../kernels/gpujs';
import { mmAB, mmABt, mmAtB } from '../../../kernels/gpujs/f32';
import { compareCase, lstmCase, randomTensor, TOLERANCE, type OpCase } from '../../../kernels/gpujs/selftest';
import { Rng } from '../../../src/engine/rng';
import type { Tensor } from '../../../src/engine/tensor';

/**
 * Every kernel the gpu.js backend overrides, in every gpu.js mode that runs here, against the
 * reference kernels, forward and backward, within the float32 tolerance (rtol 1e-4, atol 1e-5; see
 * `TOLERANCE`). Each mode runs twice: with every op on gpu.js (thresholds 0) and with its default
 * routing (small ops as float32 loops). A mode that cannot run here is skipped with its reason.
 */

const rng = new Rng(42);
const t = (shape: number[], scale = 1): Tensor => randomTensor(rng, shape, scale);
const N = 5; // rows; small, since the webgpu mode runs on a software adapter here

function gates(names: readonly string[], H: number, I: number, extra: readonly string[] = []): Record<string, Tensor> {
  const p: Record<string, Tensor> = {};
  const s = 1 / Math.sqrt(I + H);
  for (const g of names) {
    p[`U${g}`] = t([H, I], s);
    p[`W${g}`] = t([H, H], s);
    p[`b${g}`] = t([H], 0.5);
  }
  for (const e of extra) p[e] = t([H], 0.5);
  return p;
}

const op = (type: string, attrs: unknown): OpCase['op'] => ({ type, node: 'n', attrs });

const CASES: { name: string; c: OpCase }[] = [
  { name: 'Linear, one input', c: { op: op('Linear', { inputs: 1, units: 6, bias: true }), inputs: { in0: t([N, 7]) }, params: { W0: t([6, 7]), b: t([6]) } } },
  { name: 'Linear, batch of one', c: { op: op('Linear', { inputs: 1, units: 3, bias: true }), inputs: { in0: t([1, 4]) }, params: { W0: t([3, 4]), b: t([3]) } } },
  {
    name: 'Linear, two inputs, no bias',
    c: { op: op('Linear', { inputs: 2, units: 5, bias: false }), inputs: { in0: t([N, 3]), in1: t([N, 9]) }, params: { W0: t([5, 3]), W1: t([5, 9]) } },
  },
  { name: 'Sigmoid', c: { op: op('Sigmoid', {}), inputs: { in: t([N, 6], 6) }, params: {} } },
  { name: 'Tanh', c: { op: op('Tanh', {}), inputs: { in: t([N, 6], 4) }, params: {} } },
  { name: 'ReLU', c: { op: op('ReLU', {}), inputs: { in: t([N, 6]) }, params: {} } },
  { name: 'OneMinus', c: { op: op('OneMinus', {}), inputs: { in: t([N, 6]) }, params: {} } },
  { name: 'Multiply', c: { op: op('Multiply', {}), inputs: { in0: t([N, 6]), in1: t([N, 6]) }, params: {} } },
  { name: 'Add, three inputs', c: { op: op('Add', { inputs: 3 }), inputs: { in0: t([N, 4]), in1: t([N, 4]), in2: t([N, 4]) }, params: {} } },
  { name: 'LSTM.step', c: lstmCase(rng, N, 6, 8) },
  {
    name: 'LSTM.step, peepholes',
    c: { op: op('LSTM.step', { hidden: 7, peepholes: true, forgetBias: 1, init: 'zeros' }), inputs: { in: t([N, 5]), h_prev: t([N, 7]), c_prev: t([N, 7]) }, params: gates(['_i', '_f', '_g', '_o'], 7, 5, ['p_i', 'p_f', 'p_o']) },
  },
  ...[
    { resetAfter: false, updateConvention: 'old' },
    { resetAfter: true, updateConvention: 'old' },
    { resetAfter: false, updateConvention: 'new' },
    { resetAfter: true, updateConvention: 'new' },
  ].map((form) => ({
    name: `GRU.step ${JSON.stringify(form)}`,
    c: { op: op('GRU.step', { hidden: 6, init: 'zeros', ...form }), inputs: { in: t([N, 4]), h_prev: t([N, 6]) }, params: gates(['_z', '_r', '_h'], 6, 4, form.resetAfter ? ['b_hh'] : []) },
  })),
  ...(['tanh', 'relu'] as const).map((activation) => ({
    name: `RNN.step ${activation}`,
    c: { op: op('RNN.step', { hidden: 6, activation, init: 'zeros' }), inputs: { in: t([N, 5]), h_prev: t([N, 6]) }, params: gates([''], 6, 5) },
  })),
];

describe('the float32 loops', () => {
  it('compute the three matrix products, edges included', () => {
    const [n, k, m] = [6, 5, 7]; // not multiples of 4: the edge loops run too
    const a = Float32Array.from(t([n, k]).data);
    const b = Float32Array.from(t([m, k]).data);
    const bt = Float32Array.from(t([k, m]).data);
    const c = Float32Array.from(t([n, m]).data);
    const sum = (K: number, f: (q: number) => number) => Array.from({ length: K }, (_, q) => f(q)).reduce((x, y) => x + y, 0);
    const abt = mmABt(a, b, n, k, m);
    const ab = mmAB(a, bt, n, k, m);
    const atb = mmAtB(a, c, n, k, m);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) expect(abt[i * m + j]).toBeCloseTo(sum(k, (q) => a[i * k + q] * b[j * k + q]), 5);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) expect(ab[i * m + j]).toBeCloseTo(sum(k, (q) => a[i * k + q] * bt[q * m + j]), 5);
    for (let i = 0; i < k; i++) for (let j = 0; j < m; j++) expect(atb[i * m + j]).toBeCloseTo(sum(n, (q) => a[q * k + i] * c[q * m + j]), 5);
  });
});

const opened = GPUJS_MODES.map((mode) => ({ mode, all: openGpujsBackend(mode, { thresholds: { matmul: 0, elementwise: 0 } }), dflt: openGpujsBackend(mode) }));
afterAll(() => opened.forEach((o) => [o.all, o.dflt].forEach((r) => r.ok && r.value.destroy())));

describe.each(opened)('gpujs:$mode', ({ mode, all, dflt }) => {
  const why = all.ok ? '' : ` — skipped: ${all.reason}`;

  it.skipIf(!all.ok)(`overrides the hot kinds and is float32${why}`, () => {
    if (!all.ok) return;
    expect(all.value.backend).toMatchObject({ name: `gpujs:${mode}`, precision: 'float32' });
    for (const k of GPUJS_KINDS) expect(all.value.backend.supports(k), k).toBe(true);
  });

  it.skipIf(!all.ok).each(CASES)(`$name on gpu.js kernels matches the reference${why}`, ({ c }) => {
    if (!all.ok) return;
    const before = all.value.counts.gpujs;
    const { ratio, where } = compareCase(all.value.backend, c);
    expect(ratio, `${where}: worst error ${ratio.toFixed(3)}× the tolerance ${JSON.stringify(TOLERANCE)}`).toBeLessThanOrEqual(1);
    expect(all.value.counts.gpujs).toBeGreaterThan(before); // the gpu.js path really ran
  });

  it.skipIf(!dflt.ok).each(CASES)(`$name with the default routing matches the reference${why}`, ({ c }) => {
    if (!dflt.ok) return;
    const { ratio, where } = compareCase(dflt.value.backend, c);
    expect(ratio, where).toBeLessThanOrEqual(1);
  });
});

describe('f32 (the same kernels as float32 loops, no gpu.js)', () => {
  const f = openF32Backend();
  it('is float32 and overrides the hot kinds', () => {
    expect(f.backend).toMatchObject({ name: 'f32', precision: 'float32' });
    for (const k of GPUJS_KINDS) expect(f.backend.supports(k), k).toBe(true);
  });
  it.each(CASES)('$name matches the reference without launching a gpu.js kernel', ({ c }) => {
    const { ratio, where } = compareCase(f.backend, c);
    expect(ratio, where).toBeLessThanOrEqual(1);
    expect(f.counts.gpujs).toBe(0);
    expect(f.counts.loops).toBeGreaterThan(0);
  });
});
