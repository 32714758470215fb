import type { Plan } from '../compiler/plan';
import type { AttendKernel, KernelContext, SequenceKernel } from '../nodes/kernel-types';
import { getNodeSpec } from '../nodes/registry';
import type { Backend } from './backend';
import { ExecError, type ForwardOptions } from './executor-types';
import { scalar, type Tensor } from './tensor';
import type { WeightStore } from './weights';

/** An op's port and the buffer on it. */
export interface Port {
  readonly port: string;
  readonly buf: number;
}

/** What a batched op kept for its backward over steps `[from, to)`. */
export interface Segment {
  readonly from: number;
  readonly to: number;
  readonly saved: unknown;
}

const EMPTY = new Float64Array(0);

/**
 * Internal to the executor (`executor.ts` and its `executor-*.ts` parts; nothing else reads it): the
 * state of one `Executor` — the plan's buffers as indices, the bound batch's axes, lengths and masks,
 * every value and gradient buffer, what each op saved for its backward — and the row primitives every
 * op uses to read and write them. Storage and masking are as `executor.ts` describes.
 */
export class ExecState {
  readonly plan: Plan;
  readonly weights: WeightStore;
  readonly backend: Backend;
  B = 0;
  T = 0;
  lengths = new Int32Array(0);
  mask = EMPTY; // m: (T,B)
  /** Per time axis (0 source, 1 target): T, lengths (B), mask (T,B). Index 0 is `T`, `lengths`, `mask`. */
  Ts: number[] = [0, 0];
  lens: Int32Array[] = [new Int32Array(0), new Int32Array(0)];
  masks: Float64Array[] = [EMPTY, EMPTY];
  readonly bufAxis: (0 | 1)[] = [];
  readonly opAxis: (0 | 1)[];
  /** Per op: its `attend` kernel (for `attend` ops). */
  readonly attendKernels: (AttendKernel<unknown, unknown> | undefined)[];
  readonly twoAxes: boolean;
  ones = EMPTY; // (B)
  vals: Float64Array[] = [];
  grads: Float64Array[] = [];
  readonly bufIndex = new Map<string, number>();
  readonly width: number[] = [];
  readonly perStep: boolean[] = [];
  readonly isIndex: boolean[] = [];
  readonly ins: Port[][];
  readonly outs: Port[][];
  readonly params: Record<string, Tensor>[];
  segments: Segment[][] = [];
  stepSaved: unknown[][] = [];
  once: unknown[] = [];
  /** Per Delay op: its carried history `[d, B, D]`, oldest first (d = its `steps`). */
  carries = new Map<number, Float64Array>();
  readonly delaySteps: number[];
  /** Per op: its `sequence` kernel (for `sequence` ops). */
  readonly seqKernels: (SequenceKernel<unknown, unknown> | undefined)[];
  lossRows = new Map<number, Float64Array>();
  readonly lossScale = new Map<number, number>();
  readonly paramGrads = new Map<string, Float64Array>();
  readonly initialGrads = new Map<string, Float64Array>();
  chunk: { from: number; to: number } | null = null;
  ranLate = false;
  perturb: ForwardOptions['perturb'] = undefined;
  random: ForwardOptions['random'] = undefined;
  inference = false;
  teacherIsOwn: ReadonlySet<string> = new Set();
  /** Per op: its kind draws random numbers (`NodeSpec.stochastic`). */
  readonly stochastic: boolean[];
  withoutLoss = false;

  constructor(plan: Plan, weights: WeightStore, backend: Backend) {
    this.plan = plan;
    this.weights = weights;
    this.backend = backend;
    plan.buffers.forEach((v, i) => {
      this.bufIndex.set(v.id, i);
      this.width.push(v.dtype === 'index' ? 1 : v.dim);
      this.perStep.push(v.perStep);
      this.isIndex.push(v.dtype === 'index');
      this.bufAxis.push(v.axis === 1 ? 1 : 0);
    });
    this.opAxis = plan.ops.map((op) => (op.axis === 1 ? 1 : 0));
    this.stochastic = plan.ops.map((op) => getNodeSpec(op.type)?.stochastic === true);
    this.twoAxes = plan.buffers.some((v) => v.axis === 1);
    this.attendKernels = plan.ops.map((op) => {
      if (op.kind !== 'attend') return undefined;
      const kernel = getNodeSpec(op.type)?.attend as AttendKernel<unknown, unknown> | undefined;
      if (kernel === undefined) throw new ExecError('exec-backend-unsupported', `${op.type} node "${op.node}" has no attention kernel`);
      return kernel;
    });
    const ports = (m: Readonly<Record<string, string>>): Port[] => Object.entries(m).map(([port, id]) => ({ port, buf: this.buf(id) }));
    this.ins = plan.ops.map((op) => ports(op.inputs));
    this.outs = plan.ops.map((op) => ports(op.outputs));
    this.params = plan.ops.map((op) => Object.fromEntries(Object.entries(op.params).map(([p, name]) => [p, weights.tensor(name)])));
    this.delaySteps = plan.ops.map((op) => (op.kind === 'delay' && typeof op.attrs.steps === 'number' ? op.attrs.steps : 1));
    this.seqKernels = plan.ops.map((op) => {
      if (op.kind !== 'sequence') return undefined;
      const kernel = getNodeSpec(op.type)?.sequence as SequenceKernel<unknown, unknown> | undefined;
      if (kernel === undefined) throw new ExecError('exec-backend-unsupported', `${op.type} node "${op.node}" has no whole-sequence kernel`);
      return kernel;
    });
    for (const op of plan.ops) {
      if (op.kind === 'kernel' && !backend.supports(op.type)) throw new ExecError('exec-backend-unsupported', `backend "${backend.name}" cannot run ${op.type} node "${op.node}"`);
    }
    for (const p of plan.params) this.paramGrads.set(p.name, new Float64Array(weights.get(p.name).length));
  }

  /** The buffer on an op's `in` port (a Delay, LastStep or Reverse; a Delay may also have `init`). */
  inBuf(k: number): number {
    const p = this.ins[k].find((x) => x.port === 'in');
    if (p === undefined) throw new ExecError('exec-not-ready', `${this.plan.ops[k].type} node "${this.plan.ops[k].node}" has no input "in"`);
    return p.buf;
  }

  buf(id: string): number {
    const i = this.bufIndex.get(id);
    if (i === undefined) throw new ExecError('exec-not-ready', `the plan has no value "${id}"`);
    return i;
  }

  allocate(B: number, T: number, T1: number): void {
    this.B = B;
    this.T = T;
    this.mask = new Float64Array(T * B);
    this.Ts = [T, T1];
    this.masks = [this.mask, new Float64Array(T1 * B)];
    this.ones = new Float64Array(B).fill(1);
    this.vals = this.plan.buffers.map((_, i) => new Float64Array((this.perStep[i] ? this.Ts[this.bufAxis[i]] * B : B) * this.width[i]));
    this.grads = this.vals.map((v) => new Float64Array(v.length));
    this.lossRows = new Map(this.plan.losses.map((l) => [l.op, new Float64Array(l.perStep ? this.Ts[l.axis === 1 ? 1 : 0] * B : B)]));
    this.carries = new Map(this.plan.ops.flatMap((op, k) => (op.kind === 'delay' ? [[k, new Float64Array(this.delaySteps[k] * B * this.width[this.buf(op.outputs.out)])]] : [])));
  }

  /** The steps `[from, to)` a phase of `axis` runs: the chunk on the source axis, every step on the target axis. */
  span(axis: 0 | 1 | undefined, from: number, to: number): [number, number] {
    return axis === 1 ? [0, this.Ts[1]] : [from, to];
  }

  /** The value of buffer `i` for rows `[r0, r1)` of a per-step op, as a kernel argument. */
  argRows(i: number, r0: number, r1: number): Tensor {
    const w = this.width[i];
    const n = r1 - r0;
    const v = this.vals[i];
    let data: Float64Array;
    if (this.perStep[i]) data = v.subarray(r0 * w, r1 * w);
    else if (n === this.B) data = v;
    else {
      // a vector read at every step: repeated per step, (k·B, D)
      data = new Float64Array(n * w);
      for (let off = 0; off < data.length; off += v.length) data.set(v, off);
    }
    return { shape: this.isIndex[i] ? [n] : [n, w], data };
  }

  /** Writes rows `[r0, r1)` of per-step buffer `i` from `src`, masked (and perturbed when asked). */
  writeRows(i: number, r0: number, r1: number, src: Float64Array, w: number): void {
    const dst = this.vals[i];
    const mask = this.masks[this.bufAxis[i]];
    for (let r = r0; r < r1; r++) {
      const m = mask[r];
      const s = (r - r0) * w;
      for (let j = 0; j < w; j++) dst[r * w + j] = m * src[s + j];
    }
    const p = this.perturb;
    if (p !== undefined && this.plan.buffers[i].id === p.value && p.step * this.B >= r0 && (p.step + 1) * this.B <= r1) {
      const base = p.step * this.B * w;
      for (let j = 0; j < p.delta.length; j++) dst[base + j] += p.delta[j] * mask[p.step * this.B + Math.floor(j / w)];
    }
  }

  /** Masked ∂L/∂output of buffer `i`, rows `[r0, r1)`. */
  gradRows(i: number, r0: number, r1: number): Tensor {
    const w = this.width[i];
    const g = this.grads[i];
    const mask = this.masks[this.bufAxis[i]];
    const data = new Float64Array((r1 - r0) * w);
    for (let r = r0; r < r1; r++) {
      const m = mask[r];
      if (m === 0) continue;
      for (let j = 0; j < w; j++) data[(r - r0) * w + j] = m * g[r * w + j];
    }
    return { shape: [r1 - r0, w], data };
  }

  call(k: number): { type: string; node: string; attrs: unknown } {
    const op = this.plan.ops[k];
    return { type: op.type, node: op.node, attrs: op.attrs };
  }

  /** The kernel context's randomness for a stochastic op over n rows (nothing for other ops). */
  randomness(k: number, n: number): Pick<KernelContext, 'random' | 'inference' | 'teacherIsOwn'> {
    if (!this.stochastic[k]) return {};
    if (this.inference) return this.teacherIsOwn.has(this.plan.ops[k].node) ? { inference: true, teacherIsOwn: true } : { inference: true };
    const r = this.random;
    if (r === undefined) return {};
    const uniform = new Float64Array(n);
    for (let i = 0; i < n; i++) uniform[i] = r.rng.uniform();
    return { random: { uniform: { shape: [n], data: uniform }, step: r.step } };
  }

  lossSeed(k: number, r0: number, r1: number, perStep: boolean): Record<string, Tensor> {
    const scale = this.withoutLoss ? 0 : (this.lossScale.get(k) ?? 0);
    const rows = new Float64Array(r1 - r0);
    const chunk = this.chunk!;
    const [from, to] = this.span(this.opAxis[k], chunk.from, chunk.to);
    const a = perStep ? Math.max(r0, from * this.B) : r0;
    const z = perStep ? Math.min(r1, to * this.B) : r1;
    for (let r = a; r < z; r++) rows[r - r0] = scale;
    return { loss: scalar(0), rows: { shape: [r1 - r0], data: rows } };
  }

  addParamGrads(k: number, grads: Readonly<Record<string, Tensor>>): void {
    for (const [p, name] of Object.entries(this.plan.ops[k].params)) {
      const g = grads[p];
      if (g === undefined) continue;
      const acc = this.paramGrads.get(name)!;
      for (let j = 0; j < acc.length; j++) acc[j] += g.data[j];
    }
  }
}
