/**
 * Finite-difference check of a whole graph's gradients (`unroll check`): the analytic `∂L/∂θ` of
 * full BPTT against central differences `(L(θ+h) − L(θ−h)) / 2h` of the reduced loss, in float64 on
 * the reference kernels, for every parameter tensor (every element, or a seeded sample of them), on a
 * small random batch whose lengths differ so that masking is checked too.
 */
import type { Plan } from '../compiler/plan';
import { bpttGradients } from '../engine/bptt';
import { Executor } from '../engine/executor';
import type { BatchFeed, FeedArray } from '../engine/feeds';
import { relativeError } from '../engine/gradcheck';
import { Rng } from '../engine/rng';
import type { WeightStore } from '../engine/weights';

/**
 * A random batch for the plan's Inputs: real values uniform in [−1, 1], ids uniform over the
 * classes, lengths spread over [1, T] (the first sample has all T steps).
 */
export function randomFeed(plan: Plan, B: number, T: number, rng: Rng): BatchFeed {
  const lengths = new Int32Array(B);
  for (let b = 0; b < B; b++) lengths[b] = b === 0 ? T : 1 + rng.int(T);
  // an encoder–decoder's target axis: T' = T, lengths drawn the same way
  const twoAxes = plan.inputs.some((i) => i.axis === 1);
  const targetLengths = new Int32Array(B);
  for (let b = 0; twoAxes && b < B; b++) targetLengths[b] = b === 0 ? T : 1 + rng.int(T);
  const feeds: Record<string, FeedArray> = {};
  for (const input of plan.inputs) {
    const rows = input.role === 'sequence' ? B * T : B;
    if (input.dtype === 'index') {
      const a = new Int32Array(rows);
      for (let i = 0; i < rows; i++) a[i] = rng.int(input.size);
      feeds[input.node] = a;
    } else {
      const a = new Float64Array(rows * input.size);
      for (let i = 0; i < a.length; i++) a[i] = rng.range(-1, 1);
      feeds[input.node] = a;
    }
  }
  return { feeds, lengths, T, ...(twoAxes ? { target: { T, lengths: targetLengths } } : {}) };
}

export interface ParamCheck {
  readonly name: string;
  /** The document node owning the weight. */
  readonly node: string;
  /** Elements compared (all of them, or a sample). */
  readonly checked: number;
  readonly size: number;
  /** Largest relative error `|a − n| / max(|a|, |n|, 1e-8)` over elements whose absolute difference exceeds `atol`. */
  readonly maxRelError: number;
  readonly maxAbsError: number;
  readonly pass: boolean;
}

export interface GraphCheckOptions {
  /** Finite-difference step (default 1e-6). */
  readonly h?: number;
  /** Relative error allowed (default 1e-5). */
  readonly rtol?: number;
  /** Absolute differences below this always pass (default 1e-8): FD rounding on tiny gradients. */
  readonly atol?: number;
  /** Most elements checked per tensor (default all). */
  readonly maxPerParam?: number;
  /** Check only the parameters of these document nodes (a composite's id covers its inner weights); default every node. */
  readonly nodes?: readonly string[];
}

export interface GraphCheckReport {
  readonly loss: number;
  readonly params: readonly ParamCheck[];
  readonly pass: boolean;
}

/** Checks every parameter of `plan` (or of `options.nodes`) at `weights` (changed only transiently) on `feed`. */
export function gradcheckGraph(plan: Plan, weights: WeightStore, feed: BatchFeed, rng: Rng, options: GraphCheckOptions = {}): GraphCheckReport {
  const h = options.h ?? 1e-6;
  const rtol = options.rtol ?? 1e-5;
  const atol = options.atol ?? 1e-8;
  const exec = new Executor(plan, weights);
  // teacher forcing with a ratio draws per row: the same draws on every pass (a fresh generator each time)
  const draws = () => ({ random: { rng: new Rng(1), step: 0 } });
  const { loss, grads } = bpttGradients(exec, feed, draws());
  const lossAt = () => exec.forward(0, feed.T, draws()).total;
  const origin = new Map(plan.ops.map((op) => [op.node, op.origin]));
  const params: ParamCheck[] = [];
  const only = options.nodes === undefined ? undefined : new Set(options.nodes);
  for (const p of plan.params) {
    if (only !== undefined && !only.has(origin.get(p.node) ?? p.node)) continue;
    const w = weights.get(p.name);
    const g = grads.get(p.name)!;
    let idx = Array.from({ length: w.length }, (_, i) => i);
    if (options.maxPerParam !== undefined && idx.length > options.maxPerParam) idx = rng.shuffle(idx).slice(0, options.maxPerParam).sort((a, b) => a - b);
    let maxRel = 0;
    let maxAbs = 0;
    for (const i of idx) {
      const keep = w[i];
      w[i] = keep + h;
      const plus = lossAt();
      w[i] = keep - h;
      const minus = lossAt();
      w[i] = keep;
      const numeric = (plus - minus) / (2 * h);
      const abs = Math.abs(numeric - g[i]);
      maxAbs = Math.max(maxAbs, abs);
      if (abs > atol) maxRel = Math.max(maxRel, relativeError(g[i], numeric));
    }
    params.push({ name: p.name, node: origin.get(p.node) ?? p.node, checked: idx.length, size: w.length, maxRelError: maxRel, maxAbsError: maxAbs, pass: maxRel <= rtol });
  }
  return { loss: loss.total, params, pass: params.every((p) => p.pass) };
}
