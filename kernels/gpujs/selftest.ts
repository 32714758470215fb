import type { Backend, OpCall } from '../../src/engine/backend';
import { Rng } from '../../src/engine/rng';
import type { Tensor } from '../../src/engine/tensor';
import { referenceBackend } from '../reference';

/**
 * A short check of a backend against the reference kernels (a `Linear` and a fused `LSTM.step`,
 * forward and backward), and a short timing of the op that dominates recurrent training (the LSTM
 * step at batch 32, input 64, hidden 128). `auto` uses both to choose a backend.
 */

/**
 * Float32 tolerance: `|a − r| ≤ atol + rtol·|r|` with rtol 1e-4, atol 1e-5. A float32 value carries
 * a relative rounding error of 6e-8; a sum of K products accumulates up to about √K·6e-8 in
 * practice (1e-6 at K = 256), and a few chained ops (product, bias, activation, gate products) stay
 * well inside 1e-4. atol covers results near zero, where cancellation makes relative error
 * meaningless (e.g. a gradient that sums terms of opposite sign to ~1e-6).
 */
export interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
}

export const TOLERANCE: Tolerance = { rtol: 1e-4, atol: 1e-5 };

/** The worst violation of the tolerance over two same-length arrays: ≤ 1 passes. */
export function toleranceRatio(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance = TOLERANCE): number {
  if (actual.length !== expected.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    const ratio = err / (tol.atol + tol.rtol * Math.abs(expected[i]));
    if (!(ratio <= worst)) worst = Number.isNaN(ratio) ? Infinity : Math.max(worst, ratio);
  }
  return worst;
}

export function randomTensor(rng: Rng, shape: readonly number[], scale = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = rng.range(-scale, scale);
  return { shape: [...shape], data };
}

export interface OpCase {
  readonly op: OpCall;
  readonly inputs: Record<string, Tensor>;
  readonly params: Record<string, Tensor>;
}

/** An LSTM step case: batch n, input I, hidden H. */
export function lstmCase(rng: Rng, n: number, I: number, H: number): OpCase {
  const params: Record<string, Tensor> = {};
  const s = 1 / Math.sqrt(I + H);
  for (const g of ['i', 'f', 'g', 'o']) {
    params[`U_${g}`] = randomTensor(rng, [H, I], s);
    params[`W_${g}`] = randomTensor(rng, [H, H], s);
    params[`b_${g}`] = randomTensor(rng, [H], 0.5);
  }
  return {
    op: { type: 'LSTM.step', node: 'l0', attrs: { hidden: H, peepholes: false, forgetBias: 1, init: 'zeros' } },
    inputs: { in: randomTensor(rng, [n, I]), h_prev: randomTensor(rng, [n, H]), c_prev: randomTensor(rng, [n, H]) },
    params,
  };
}

export function linearCase(rng: Rng, n: number, I: number, O: number): OpCase {
  return {
    op: { type: 'Linear', node: 'o', attrs: { inputs: 1, units: O, bias: true } },
    inputs: { in0: randomTensor(rng, [n, I]) },
    params: { W0: randomTensor(rng, [O, I], 1 / Math.sqrt(I)), b: randomTensor(rng, [O], 0.5) },
  };
}

/** Random ∂L/∂output for every output of a forward result. */
export function randomGrads(rng: Rng, outputs: Readonly<Record<string, Tensor>>): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(outputs).map(([k, t]) => [k, randomTensor(rng, t.shape)]));
}

/** Every output, input gradient and param gradient of one forward + backward, by name. */
export function runCase(backend: Backend, c: OpCase, seed = 11): Map<string, Float64Array> {
  const fwd = backend.forward(c.op, c.inputs, c.params);
  const grads = randomGrads(new Rng(seed), fwd.outputs);
  const bwd = backend.backward(c.op, grads, fwd.saved, c.inputs, c.params);
  const out = new Map<string, Float64Array>();
  for (const [k, t] of Object.entries(fwd.outputs)) out.set(`out.${k}`, t.data);
  for (const [k, t] of Object.entries(bwd.inputs)) out.set(`d.${k}`, t.data);
  for (const [k, t] of Object.entries(bwd.params)) out.set(`d.${k}`, t.data);
  return out;
}

/** The worst tolerance ratio of `backend` against the reference on a case, and where. */
export function compareCase(backend: Backend, c: OpCase): { ratio: number; where: string } {
  const ref = runCase(referenceBackend, c);
  const mine = runCase(backend, c);
  let ratio = 0;
  let where = '';
  for (const [k, r] of ref) {
    const m = mine.get(k);
    const q = m === undefined ? Infinity : toleranceRatio(m, r);
    if (q > ratio || (q === Infinity && where === '')) {
      ratio = q;
      where = `${c.op.type} ${k}`;
    }
  }
  return { ratio, where };
}

export type SelfTest = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Checks `backend` against the reference on a small Linear and LSTM step. */
export function selfTest(backend: Backend): SelfTest {
  const rng = new Rng(5);
  try {
    for (const c of [linearCase(rng, 6, 5, 7), lstmCase(rng, 5, 6, 8)]) {
      const { ratio, where } = compareCase(backend, c);
      if (!(ratio <= 1)) return { ok: false, reason: `${where} differs from the reference by ${ratio.toFixed(1)}× the float32 tolerance` };
    }
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: `self-test failed: ${(e as Error).message}` };
  }
}

/** Milliseconds of one LSTM step forward + backward at batch 32, input 64, hidden 128 (best of `reps`). */
export function timeLstmStep(backend: Backend, reps = 3): number {
  const c = lstmCase(new Rng(9), 32, 64, 128);
  let best = Infinity;
  for (let i = 0; i <= reps; i++) {
    const t0 = performance.now();
    runCase(backend, c);
    if (i > 0) best = Math.min(best, performance.now() - t0); // the first run compiles
  }
  return best;
}
