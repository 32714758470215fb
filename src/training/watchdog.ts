/**
 * The NaN/Inf watchdog: finds the first non-finite number of a training step and names where it
 * came from. Search order (the order in which a step produces numbers):
 *   1. forward values — Input data first, then, step by step (t = 1 … T), every per-step op's outputs
 *      in execution order; vector ops before the steps (early) or after them (late, e.g. after LastStep);
 *   2. the loss — per loss node, the first step whose term is non-finite;
 *   3. gradients — value gradients in backward order (late vectors, then t = T … 1 with ops in reverse,
 *      then early vectors), then the parameter gradients in plan order;
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
  /** Time step, 1-based; absent for values without a time axis and for weights. */
  readonly step?: number;
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

type Found = Omit<Divergence, 'trainingStep' | 'message'>;

/** Where each op's outputs sit in the time order of the search. */
interface OpOrder {
  readonly early: number[];
  readonly perStep: number[];
  readonly late: number[];
}

function opOrder(plan: Plan): OpOrder {
  const early: number[] = [];
  const late: number[] = [];
  const perStep: number[] = [];
  for (const phase of plan.phases) {
    if (phase.kind === 'vector') (phase.late ? late : early).push(...phase.ops);
    else perStep.push(...phase.ops);
  }
  perStep.sort((a, b) => a - b); // execution order within a step
  return { early, perStep, late };
}

function describe(x: number): string {
  return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
}

/** First non-finite element of a batch-major `[B,T,D]` value at steps `[from, to)`, scanning t then b. */
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
    const read = (id: string) => ({ data: exec.value(id).data, ...this.layout(id) });
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
    for (const input of this.plan.inputs) {
      const { data, D, perStep } = read(input.value);
      if (!perStep) {
        if (from > 0) continue;
        const hit = scanVector(data, D);
        if (hit) return { stage: 'forward', node: input.node, value: input.value, sample: hit.sample, found: describe(hit.x) };
        continue;
      }
      for (let t = from; t < to; t++) {
        const hit = scanSequence(data, B, T, D, t);
        if (hit) return { stage: 'forward', node: input.node, value: input.value, step: t + 1, sample: hit.sample, found: describe(hit.x) };
      }
    }
    if (from === 0) {
      const hit = vectorOps(this.order.early);
      if (hit) return hit;
    }
    const values = this.order.perStep.flatMap((k) => Object.values(this.plan.ops[k].outputs)).map((id) => ({ id, ...read(id) }));
    for (let t = from; t < to; t++) {
      for (const v of values) {
        const hit = scanSequence(v.data, B, T, v.D, t);
        if (hit) return { stage: 'forward', node: this.where(v.id), value: v.id, step: t + 1, sample: hit.sample, found: describe(hit.x) };
      }
    }
    return to === T ? vectorOps(this.order.late) : undefined;
  }

  /** Whether a value has a time axis, and its width D in storage (1 for class ids). */
  private layout(id: string): { perStep: boolean; D: number } {
    const v = this.values.get(id);
    if (v === undefined) return { perStep: false, D: 1 };
    return { perStep: v.perStep, D: v.dtype === 'index' ? 1 : v.dim };
  }

  /** The first non-finite loss term at steps `[from, to)`, per loss node in plan order. */
  loss(exec: Executor, from: number, to: number): Found | undefined {
    const T = exec.stepCount;
    for (const l of this.plan.losses) {
      const { data } = exec.stepLosses(l.node);
      if (!l.perStep) {
        if (to < T) continue;
        const hit = scanVector(data, 1);
        if (hit) return { stage: 'loss', node: l.node, value: l.node, sample: hit.sample, found: describe(hit.x) };
        continue;
      }
      const B = exec.batchSize;
      for (let t = from; t < to; t++) {
        const hit = scanSequence(data, B, T, 1, t);
        if (hit) return { stage: 'loss', node: l.node, value: l.node, step: t + 1, sample: hit.sample, found: describe(hit.x) };
      }
    }
    return undefined;
  }

  /** Non-finite gradients of the backward window `[windowFrom, to)`, in backward order; then parameter gradients. */
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
    if (to === exec.stepCount) {
      const hit = vector(this.order.late);
      if (hit) return hit;
    }
    const ids = this.order.perStep.flatMap((k) => Object.values(this.plan.ops[k].outputs)).reverse();
    for (let t = to - 1; t >= windowFrom; t--) {
      for (const id of ids) {
        const g = exec.rawGradient(id); // (T,B,D)
        const D = g.length / (exec.stepCount * B);
        for (let j = t * B * D; j < (t + 1) * B * D; j++) {
          if (!Number.isFinite(g[j])) return { stage: 'gradient', node: this.where(id), value: id, step: t + 1, sample: Math.floor(j / D) - t * B, found: describe(g[j]) };
        }
      }
    }
    if (windowFrom === 0) {
      const hit = vector(this.order.early);
      if (hit) return hit;
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
export function divergence(found: Found, trainingStep: number): Divergence {
  const at = [found.step !== undefined ? `time step ${found.step}` : undefined, found.sample !== undefined ? `sample ${found.sample}` : undefined].filter(Boolean).join(', ');
  const what = found.weight ? `${found.stage === 'gradient' ? 'the gradient of ' : ''}weight "${found.value}"` : found.stage === 'gradient' ? `the gradient of "${found.value}"` : `"${found.value}"`;
  const message =
    `training step ${trainingStep}: ${found.found} ${STAGE_TEXT[found.stage]} at ${what} (node "${found.node}")${at ? `, ${at}` : ''}; ` +
    'the weights are those before this step. Lower the learning rate, clip gradients (e.g. by norm), or check the data.';
  return { ...found, trainingStep, message };
}
