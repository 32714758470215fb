/**
 * The NaN/Inf watchdog: finds the first non-finite number of a training step and names where it
 * came from. Search order (the order in which a step produces numbers):
 *   1. forward values — Input data first, then, step by step (t = 1 … T), every per-step op's outputs
 *      in execution order; vector ops before the steps (early) or after them (late, e.g. after LastStep);
 *      an encoder–decoder's decoder steps (i = 1 … T') after the source's and the bridge;
 *   2. the loss — per loss node, the first step whose term is non-finite;
 *   3. gradients — value gradients in backward order (late vectors, then t = T … 1 with ops in reverse,
 *      then early vectors; the decoder's steps i = T' … 1 before the source's), then the parameter
 *      gradients in plan order;
 *   4. weights after the update.
 * Only the steps `[from, to)` of the current chunk are searched (values of other chunks were checked
 * when they ran).
 */
import { valueIndex, type Plan, type PlanValue } from '../compiler/plan';
import type { Executor } from '../engine/executor';

export type DivergenceStage = 'forward' | 'loss' | 'gradient' | 'weights';

export interface Divergence {
  readonly stage: DivergenceStage;
  /** The document node (the composite for a value inside an expanded cell). */
  readonly node: string;
  /** The value (`<node>.<port>`), loss node, or weight name (`<nodeId>.<param>`) holding it. */
  readonly value: string;
  /** Time step, 1-based (of the value's own time axis: i ≤ T' for a decoder's value); absent for values without a time axis and for weights. */
  readonly step?: number;
  /** The time axis `step` counts on: `source` (the input's steps) or `target` (an encoder–decoder's decoder steps); present with `step`. */
  readonly axis?: 'source' | 'target';
  /** The sample (row of the batch), when it applies. */
  readonly sample?: number;
  /** `NaN`, `Infinity` or `-Infinity`. */
  readonly found: string;
  /** True when `value` is a weight (its gradient, or the weight itself after the update). */
  readonly weight?: boolean;
  /** The training step (1-based) during which it happened. */
  readonly trainingStep: number;
  readonly message: string;
}

/** A finding; `targetAxis` marks a step of the target (decoder) axis (the report's `axis`). */
type Found = Omit<Divergence, 'trainingStep' | 'message' | 'axis'> & { readonly targetAxis?: boolean };

/**
 * Where each op's outputs sit in the time order of the search. An encoder–decoder's decoder runs
 * after the whole source: its per-step ops come after the source's steps and the late vectors that
 * read only source values (the bridge), and before the late vectors that read decoder values.
 */
interface OpOrder {
  readonly early: number[];
  readonly perStep: number[];
  readonly late: number[];
  readonly targetPerStep: number[];
  readonly afterTarget: number[];
}

function opOrder(plan: Plan): OpOrder {
  const early: number[] = [];
  const late: number[] = [];
  const perStep: number[] = [];
  const targetPerStep: number[] = [];
  const afterTarget: number[] = [];
  // ops (in execution order) that read, directly or through other ops, a value of the target axis
  const onTarget = new Set<string>(plan.buffers.filter((v) => v.axis === 1).map((v) => v.id));
  const readsTarget = new Set<number>();
  plan.ops.forEach((op, k) => {
    if (Object.values(op.inputs).some((v) => onTarget.has(v))) {
      readsTarget.add(k);
      for (const v of Object.values(op.outputs)) onTarget.add(v);
    }
  });
  for (const phase of plan.phases) {
    if (phase.kind === 'vector') {
      if (!phase.late) early.push(...phase.ops);
      else for (const k of phase.ops) (readsTarget.has(k) ? afterTarget : late).push(k);
    } else (phase.axis === 1 ? targetPerStep : perStep).push(...phase.ops);
  }
  perStep.sort((a, b) => a - b); // execution order within a step
  targetPerStep.sort((a, b) => a - b);
  return { early, perStep, late, targetPerStep, afterTarget };
}

function describe(x: number): string {
  return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
}

/** First non-finite element of a batch-major `[B,T,D]` value at step `t`, scanning b. */
function scanSequence(data: Float64Array, B: number, T: number, D: number, t: number): { sample: number; x: number } | undefined {
  for (let b = 0; b < B; b++) {
    const off = (b * T + t) * D;
    for (let j = 0; j < D; j++) if (!Number.isFinite(data[off + j])) return { sample: b, x: data[off + j] };
  }
  return undefined;
}

function scanVector(data: Float64Array, D: number): { sample: number; x: number } | undefined {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return { sample: Math.floor(i / D), x: data[i] };
  return undefined;
}

export class Watchdog {
  private readonly order: OpOrder;
  private readonly originOf: Map<string, string>;
  private readonly values: Map<string, PlanValue>;

  constructor(private readonly plan: Plan) {
    this.order = opOrder(plan);
    this.originOf = new Map(plan.ops.map((op) => [op.node, op.origin]));
    this.values = valueIndex(plan);
  }

  private where(valueId: string): string {
    const node = valueId.slice(0, valueId.lastIndexOf('.'));
    return this.originOf.get(node) ?? node;
  }

  /** Non-finite forward values (Input data included) at steps `[from, to)`; vector values when the chunk runs them. */
  forward(exec: Executor, from: number, to: number): Found | undefined {
    const T = exec.stepCount;
    const B = exec.batchSize;
    const read = (id: string) => ({ data: exec.value(id).data, ...this.layout(id, exec) });
    const vectorOps = (ops: readonly number[]): Found | undefined => {
      for (const k of ops) {
        for (const id of Object.values(this.plan.ops[k].outputs)) {
          const { data, D } = read(id);
          const hit = scanVector(data, D);
          if (hit) return { stage: 'forward', node: this.where(id), value: id, sample: hit.sample, found: describe(hit.x) };
        }
      }
      return undefined;
    };
    // per-step values, step by step over [a, z) of their axis, ops in execution order within a step
    const stepOps = (ops: readonly number[], a: number, z: number): Found | undefined => {
      const values = ops.flatMap((k) => Object.values(this.plan.ops[k].outputs)).map((id) => ({ id, ...read(id) }));
      for (let t = a; t < z; t++) {
        for (const v of values) {
          const hit = scanSequence(v.data, B, v.T, v.D, t);
          if (hit) return { stage: 'forward', node: this.where(v.id), value: v.id, step: t + 1, sample: hit.sample, found: describe(hit.x), ...(v.target ? { targetAxis: true } : {}) };
        }
      }
      return undefined;
    };
    for (const input of this.plan.inputs) {
      const { data, D, perStep, T: Ti, target } = read(input.value);
      if (!perStep) {
        if (from > 0) continue;
        const hit = scanVector(data, D);
        if (hit) return { stage: 'forward', node: input.node, value: input.value, sample: hit.sample, found: describe(hit.x) };
        continue;
      }
      // the target axis runs whole, in the last chunk
      const [a, z] = target ? (to === T ? [0, Ti] : [0, 0]) : [from, to];
      for (let t = a; t < z; t++) {
        const hit = scanSequence(data, B, Ti, D, t);
        if (hit) return { stage: 'forward', node: input.node, value: input.value, step: t + 1, sample: hit.sample, found: describe(hit.x), ...(target ? { targetAxis: true } : {}) };
      }
    }
    if (from === 0) {
      const hit = vectorOps(this.order.early);
      if (hit) return hit;
    }
    const hit = stepOps(this.order.perStep, from, to);
    if (hit || to !== T) return hit;
    return vectorOps(this.order.late) ?? stepOps(this.order.targetPerStep, 0, exec.stepsOf(1)) ?? vectorOps(this.order.afterTarget);
  }

  /** Whether a value has a time axis, its width D in storage (1 for class ids), and its axis's T. */
  private layout(id: string, exec: Executor): { perStep: boolean; D: number; T: number; target: boolean } {
    const v = this.values.get(id);
    if (v === undefined) return { perStep: false, D: 1, T: 0, target: false };
    const target = v.perStep && v.axis === 1;
    return { perStep: v.perStep, D: v.dtype === 'index' ? 1 : v.dim, T: exec.stepsOf(target ? 1 : 0), target };
  }

  /** The first non-finite loss term at steps `[from, to)` (a target-axis loss: every step, in the last chunk), per loss node in plan order. */
  loss(exec: Executor, from: number, to: number): Found | undefined {
    const T = exec.stepCount;
    const B = exec.batchSize;
    for (const l of this.plan.losses) {
      const { data } = exec.stepLosses(l.node);
      if (!l.perStep) {
        if (to < T) continue;
        const hit = scanVector(data, 1);
        if (hit) return { stage: 'loss', node: l.node, value: l.node, sample: hit.sample, found: describe(hit.x) };
        continue;
      }
      const target = l.axis === 1;
      const Tl = exec.stepsOf(target ? 1 : 0);
      const [a, z] = target ? (to === T ? [0, Tl] : [0, 0]) : [from, to];
      for (let t = a; t < z; t++) {
        const hit = scanSequence(data, B, Tl, 1, t);
        if (hit) return { stage: 'loss', node: l.node, value: l.node, step: t + 1, sample: hit.sample, found: describe(hit.x), ...(target ? { targetAxis: true } : {}) };
      }
    }
    return undefined;
  }

  /**
   * Non-finite gradients of the backward window `[windowFrom, to)`, in backward order (an
   * encoder–decoder's decoder steps first, then the source's); then parameter gradients.
   */
  gradients(exec: Executor, windowFrom: number, to: number, paramGrads: ReadonlyMap<string, Float64Array>): Found | undefined {
    const B = exec.batchSize;
    const vector = (ops: readonly number[]): Found | undefined => {
      for (let i = ops.length - 1; i >= 0; i--) {
        for (const id of Object.values(this.plan.ops[ops[i]].outputs)) {
          const g = exec.rawGradient(id);
          for (let j = 0; j < g.length; j++) {
            if (!Number.isFinite(g[j])) return { stage: 'gradient', node: this.where(id), value: id, sample: Math.floor((j * B) / g.length), found: describe(g[j]) };
          }
        }
      }
      return undefined;
    };
    const steps = (ops: readonly number[], axis: 0 | 1, a: number, z: number): Found | undefined => {
      const ids = ops.flatMap((k) => Object.values(this.plan.ops[k].outputs)).reverse();
      const Ta = exec.stepsOf(axis);
      for (let t = z - 1; t >= a; t--) {
        for (const id of ids) {
          const g = exec.rawGradient(id); // (T,B,D)
          const D = g.length / (Ta * B);
          for (let j = t * B * D; j < (t + 1) * B * D; j++) {
            if (!Number.isFinite(g[j])) return { stage: 'gradient', node: this.where(id), value: id, step: t + 1, sample: Math.floor(j / D) - t * B, found: describe(g[j]), ...(axis === 1 ? { targetAxis: true } : {}) };
          }
        }
      }
      return undefined;
    };
    if (to === exec.stepCount) {
      const hit = vector(this.order.afterTarget) ?? steps(this.order.targetPerStep, 1, 0, exec.stepsOf(1)) ?? vector(this.order.late);
      if (hit) return hit;
    }
    const hit = steps(this.order.perStep, 0, windowFrom, to);
    if (hit) return hit;
    if (windowFrom === 0) {
      const early = vector(this.order.early);
      if (early) return early;
    }
    return this.params('gradient', paramGrads);
  }

  /** A finding on weight `name` (e.g. a gradient whose norm overflows although its elements are finite). */
  weight(stage: 'gradient' | 'weights', name: string, found: string): Found {
    const p = this.plan.params.find((q) => q.name === name);
    return { stage, node: p ? (this.originOf.get(p.node) ?? p.node) : name, value: name, weight: true, found };
  }

  /** The first parameter (in plan order) holding a non-finite number. */
  params(stage: 'gradient' | 'weights', values: ReadonlyMap<string, Float64Array>): Found | undefined {
    for (const p of this.plan.params) {
      const a = values.get(p.name);
      if (a === undefined) continue;
      for (let i = 0; i < a.length; i++) {
        if (!Number.isFinite(a[i])) return { stage, node: this.originOf.get(p.node) ?? p.node, value: p.name, weight: true, found: describe(a[i]) };
      }
    }
    return undefined;
  }
}

const STAGE_TEXT: Record<DivergenceStage, string> = {
  forward: 'in the forward pass',
  loss: 'in the loss',
  gradient: 'in the backward pass',
  weights: 'in the weights after the update',
};

/** A divergence report with its message. */
export function divergence(given: Found, trainingStep: number): Divergence {
  const { targetAxis, ...found } = given;
  const axis = found.step === undefined ? undefined : targetAxis === true ? 'target' : 'source';
  const at = [found.step !== undefined ? `${targetAxis === true ? 'decoder (target-axis) step' : 'time step'} ${found.step}` : undefined, found.sample !== undefined ? `sample ${found.sample}` : undefined].filter(Boolean).join(', ');
  const what = found.weight ? `${found.stage === 'gradient' ? 'the gradient of ' : ''}weight "${found.value}"` : found.stage === 'gradient' ? `the gradient of "${found.value}"` : `"${found.value}"`;
  const message =
    `training step ${trainingStep}: ${found.found} ${STAGE_TEXT[found.stage]} at ${what} (node "${found.node}")${at ? `, ${at}` : ''}; ` +
    'the weights are those before this step. Lower the learning rate, clip gradients (e.g. by norm), or check the data.';
  return { ...found, ...(axis === undefined ? {} : { axis }), trainingStep, message };
}
