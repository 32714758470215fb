import type { Phase, Plan } from '../compiler/plan';
import type { AttendContext, AttendKernel, KernelContext, SequenceContext, SequenceKernel } from '../nodes/kernel-types';
import { getNodeSpec } from '../nodes/registry';
import { nodeKernelBackend, type Backend } from './backend';
import { BindError, type BatchFeed } from './feeds';
import { ExecError, type BackwardOptions, type ChunkLoss, type ForwardOptions } from './executor-types';
import { delayShiftBack, delayShiftForward, fromBatchMajor, mirrorRow, reverseSteps, toBatchMajor } from './executor-rows';
import { scalar, type Tensor } from './tensor';
import type { WeightStore } from './weights';

/**
 * Runs a plan forward over a range of time steps and backward over a window of them (reverse mode
 * over the unrolled schedule), in float64, calling a `Backend` for every kernel op.
 *
 * Storage: every per-step value is one `Float64Array` of `[T, B, D]` (time-major, so a step is a
 * contiguous `[B, D]` block and a range of steps is a contiguous `[k·B, D]` block of rows); a vector
 * is `[B, D]`; an index value stores one id per row. Buffers are allocated at `bind` and reused while
 * B and T stay the same.
 *
 * Masks (models.md): every per-step value is multiplied by `m_{b,t}` as it is written (so values at
 * padded steps read as zero) and its gradient likewise; a Delay's carried value is updated
 * `s ← m_t·x_t + (1−m_t)·s`, so it stays frozen past `τ_b`; losses get the step's mask.
 *
 * A Delay of `steps` d > 1 carries a history of d values per sample (oldest first): step t reads the
 * oldest, `x_{t−d}`; a valid step shifts the history by one and appends `x_t`, a padded step leaves it
 * as it is. So the history only moves on valid steps, and past `τ_b` it holds the last d valid values.
 *
 * A Reverse op (in a batched phase) permutes each sample's valid steps, `y_t = x_{τ_b−t+1}`, over the
 * whole sequence at once; its backward is the same permutation. A plan with one runs unchunked only.
 *
 * A `sequence` op (SelfAttention, PositionalEncoding) likewise runs in a batched phase over all steps
 * at once: its node's `sequence` kernel gets every `[T·B, D]` row and the batch's lengths, always in
 * float64 on the reference kernel (whatever the backend), and its outputs are masked as they are
 * written. Its `probes` (attention weights) are read with `sequenceProbes`.
 *
 * Two time axes (encoder–decoder graphs): per-step values of the target axis (an Input with
 * `axis: target` and what is computed from it) have their own T', lengths τ'_b and mask, given by
 * `BatchFeed.target`; every phase runs on one axis. An `attend` op runs per step of its query's axis
 * and reads the whole `memory` sequence of the other (float64, the node's `attend` kernel); its
 * weights are read with `attentionProbes`. A Delay whose `init` input is connected starts from that
 * vector (loaded when its loop starts), and its initial gradient flows back into it. Such plans run
 * unchunked only.
 */

export { ExecError, type BackwardOptions, type ChunkLoss, type ExecErrorCode, type ForwardOptions } from './executor-types';

interface Port {
  readonly port: string;
  readonly buf: number;
}

interface Segment {
  readonly from: number;
  readonly to: number;
  readonly saved: unknown;
}

const EMPTY = new Float64Array(0);

export class Executor {
  readonly plan: Plan;
  readonly weights: WeightStore;
  readonly backend: Backend;
  private B = 0;
  private T = 0;
  private lengths = new Int32Array(0);
  private mask = EMPTY; // m: (T,B)
  /** Per time axis (0 source, 1 target): T, lengths (B), mask (T,B). Index 0 is `T`, `lengths`, `mask`. */
  private Ts: number[] = [0, 0];
  private lens: Int32Array[] = [new Int32Array(0), new Int32Array(0)];
  private masks: Float64Array[] = [EMPTY, EMPTY];
  private readonly bufAxis: (0 | 1)[] = [];
  private readonly opAxis: (0 | 1)[];
  /** Per op: its `attend` kernel (for `attend` ops). */
  private readonly attendKernels: (AttendKernel<unknown, unknown> | undefined)[];
  private readonly twoAxes: boolean;
  private ones = EMPTY; // (B)
  private vals: Float64Array[] = [];
  private grads: Float64Array[] = [];
  private readonly bufIndex = new Map<string, number>();
  private readonly width: number[] = [];
  private readonly perStep: boolean[] = [];
  private readonly isIndex: boolean[] = [];
  private readonly ins: Port[][];
  private readonly outs: Port[][];
  private readonly params: Record<string, Tensor>[];
  private segments: Segment[][] = [];
  private stepSaved: unknown[][] = [];
  private once: unknown[] = [];
  /** Per Delay op: its carried history `[d, B, D]`, oldest first (d = its `steps`). */
  private carries = new Map<number, Float64Array>();
  private readonly delaySteps: number[];
  /** Per op: its `sequence` kernel (for `sequence` ops). */
  private readonly seqKernels: (SequenceKernel<unknown, unknown> | undefined)[];
  private lossRows = new Map<number, Float64Array>();
  private readonly lossScale = new Map<number, number>();
  private readonly paramGrads = new Map<string, Float64Array>();
  private readonly initialGrads = new Map<string, Float64Array>();
  private chunk: { from: number; to: number } | null = null;
  private ranLate = false;
  private perturb: ForwardOptions['perturb'] = undefined;
  private random: ForwardOptions['random'] = undefined;
  private inference = false;
  private teacherIsOwn: ReadonlySet<string> = new Set();
  /** Per op: its kind draws random numbers (`NodeSpec.stochastic`). */
  private readonly stochastic: boolean[];
  private withoutLoss = false;

  constructor(plan: Plan, weights: WeightStore, backend: Backend = nodeKernelBackend) {
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

  get batchSize(): number {
    return this.B;
  }

  get stepCount(): number {
    return this.T;
  }

  /** T of a time axis (0 source, 1 target; 0 when the plan has no such axis). */
  stepsOf(axis: 0 | 1): number {
    return this.Ts[axis];
  }

  /** τ_b of a time axis (no copy). */
  lengthsOf(axis: 0 | 1): Int32Array {
    return this.lens[axis];
  }

  /** The buffer on an op's `in` port (a Delay, LastStep or Reverse; a Delay may also have `init`). */
  private inBuf(k: number): number {
    const p = this.ins[k].find((x) => x.port === 'in');
    if (p === undefined) throw new ExecError('exec-not-ready', `${this.plan.ops[k].type} node "${this.plan.ops[k].node}" has no input "in"`);
    return p.buf;
  }

  private buf(id: string): number {
    const i = this.bufIndex.get(id);
    if (i === undefined) throw new ExecError('exec-not-ready', `the plan has no value "${id}"`);
    return i;
  }

  /** Copies a batch into the Input buffers (see `feeds.ts` for the layouts); lengths give the mask. */
  bind(feed: BatchFeed): void {
    const B = feed.lengths.length;
    const T = feed.T;
    if (!(Number.isInteger(T) && T >= 1)) throw new BindError('bind-mismatch', undefined, `T must be an integer ≥ 1, got ${T}`);
    if (B < 1) throw new BindError('bind-mismatch', undefined, 'a batch needs at least one sample (lengths is empty)');
    for (let b = 0; b < B; b++) {
      const tau = feed.lengths[b];
      if (!(tau >= 1 && tau <= T)) throw new BindError('bind-mismatch', undefined, `sample ${b} has length ${tau}, outside [1, ${T}]`);
    }
    for (const node of Object.keys(feed.feeds)) {
      if (!this.plan.inputs.some((i) => i.node === node)) throw new BindError('bind-unknown', node, `"${node}" is not an Input node of the graph; the Inputs are ${this.plan.inputs.map((i) => i.node).join(', ')}`);
    }
    let T1 = 0;
    let lengths1 = new Int32Array(0);
    if (this.twoAxes) {
      const target = feed.target;
      if (target === undefined) throw new BindError('bind-mismatch', undefined, "this graph has Inputs on the target (decoder) time axis; the batch must give its length T' and lengths τ'_b (target)");
      T1 = target.T;
      if (!(Number.isInteger(T1) && T1 >= 1)) throw new BindError('bind-mismatch', undefined, `the target length T' must be an integer ≥ 1, got ${T1}`);
      if (target.lengths.length !== B) throw new BindError('bind-mismatch', undefined, `the target lengths hold ${target.lengths.length} values for ${B} samples`);
      for (let b = 0; b < B; b++) {
        const tau = target.lengths[b];
        if (!(tau >= 1 && tau <= T1)) throw new BindError('bind-mismatch', undefined, `sample ${b} has target length ${tau}, outside [1, ${T1}]`);
      }
      lengths1 = Int32Array.from(target.lengths);
    }
    if (B !== this.B || T !== this.T || T1 !== this.Ts[1]) this.allocate(B, T, T1);
    this.lengths = Int32Array.from(feed.lengths);
    this.lens = [this.lengths, lengths1];
    for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) this.mask[t * B + b] = t < this.lengths[b] ? 1 : 0;
    for (let t = 0; t < T1; t++) for (let b = 0; b < B; b++) this.masks[1][t * B + b] = t < lengths1[b] ? 1 : 0;
    for (const input of this.plan.inputs) {
      const data = Object.hasOwn(feed.feeds, input.node) ? feed.feeds[input.node] : undefined;
      if (data === undefined) throw new BindError('bind-missing', input.node, `Input "${input.node}" has no data; give an array for it`);
      const i = this.buf(input.value);
      const w = this.width[i];
      const seq = input.role === 'sequence';
      const a = this.bufAxis[i];
      const Ti = this.Ts[a];
      const mask = this.masks[a];
      const want = seq ? B * Ti * w : B * w;
      const Tname = a === 1 ? "T'" : 'T';
      const layout = `${seq ? `(B,${Tname}` : '(B'}${input.dtype === 'index' ? ')' : ',D)'} = ${want} values`;
      if (data.length !== want) throw new BindError('bind-mismatch', input.node, `Input "${input.node}" needs ${layout} for B = ${B}, ${Tname} = ${Ti}, D = ${input.size}; got ${data.length}`);
      if (input.dtype === 'real' && data instanceof Int32Array) throw new BindError('bind-mismatch', input.node, `Input "${input.node}" takes real values, but got an Int32Array of ids`);
      const dst = this.vals[i];
      if (!seq) dst.set(data);
      else {
        fromBatchMajor(dst, data, mask, B, Ti, w); // (B,T,D) → (T,B,D), zero at padded steps
      }
    }
    this.chunk = null;
  }

  private allocate(B: number, T: number, T1: number): void {
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

  private ready(): void {
    if (this.T === 0) throw new ExecError('exec-not-ready', 'no batch is bound; call bind() first');
  }

  // ——— forward ———

  /** Runs steps `[from, to)` (0-based) of every phase; returns the reduced loss of those steps. */
  forward(from = 0, to = this.T, options: ForwardOptions = {}): ChunkLoss {
    this.ready();
    const { T } = this;
    if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && from < to && to <= T)) {
      throw new ExecError('exec-bad-range', `step range [${from}, ${to}) must lie within [0, ${T}] and hold at least one step`);
    }
    if (from > 0 && this.chunk?.to !== from) throw new ExecError('exec-bad-range', `steps [${from}, ${to}) do not continue the last forward run (which ended at ${this.chunk?.to ?? 'nothing'})`);
    if ((from > 0 || to < T) && this.hasReverse()) {
      throw new ExecError('exec-needs-whole-sequence', 'this graph reverses sequences in time (Reverse, e.g. a bidirectional layer), which needs every step at once, so it cannot run in chunks; use full BPTT');
    }
    const seqOp = this.plan.ops.find((op) => op.kind === 'sequence' || op.kind === 'attend');
    if ((from > 0 || to < T) && this.twoAxes) {
      throw new ExecError('exec-needs-whole-sequence', 'this graph has a second (target) time axis, which starts after the source sequence has been read, so it cannot run in chunks; use full BPTT');
    }
    if ((from > 0 || to < T) && seqOp !== undefined) {
      throw new ExecError('exec-needs-whole-sequence', `${seqOp.type} node "${seqOp.node}" reads every step of its input at once, so this graph cannot run in chunks; use full BPTT`);
    }
    if ((from > 0 || to < T) && this.needsWholeSequence()) {
      throw new ExecError('exec-needs-whole-sequence', 'this graph feeds a value read at each sample’s last step (LastStep) back into per-step nodes, so it cannot run in chunks; use full BPTT');
    }
    this.perturb = options.perturb;
    this.random = options.random;
    this.inference = options.inference === true;
    this.teacherIsOwn = options.teacherIsOwn ?? new Set();
    if (from === 0) this.reset(options.initialStates);
    this.lossScale.clear();
    this.ranLate = to === T;
    for (const phase of this.plan.phases) {
      if (phase.kind === 'vector') {
        if (phase.late ? to === T : from === 0) for (const k of phase.ops) this.runVector(k);
      } else if (phase.kind === 'batched') {
        const [a, z] = this.span(phase.axis, from, to);
        for (const k of phase.ops) this.segments[k].push({ from: a, to: z, saved: this.runBatched(k, a, z) });
      } else {
        const [a, z] = this.span(phase.axis, from, to);
        if (a === 0) this.loadInitialInputs(phase, options.initialStates);
        for (let t = a; t < z; t++) this.loopStep(phase, t);
      }
    }
    this.chunk = { from, to };
    this.perturb = undefined;
    return this.chunkLoss(from, to);
  }

  /** The steps `[from, to)` a phase of `axis` runs: the chunk on the source axis, every step on the target axis. */
  private span(axis: 0 | 1 | undefined, from: number, to: number): [number, number] {
    return axis === 1 ? [0, this.Ts[1]] : [from, to];
  }

  /** At the start of a loop: Delays whose `init` input is connected start from it (unless a state was given). */
  private loadInitialInputs(phase: Extract<Phase, { kind: 'loop' }>, given: ReadonlyMap<string, Float64Array> | undefined): void {
    for (const k of phase.delays) {
      const op = this.plan.ops[k];
      const src = op.inputs.init;
      if (src === undefined || given?.has(op.node) === true) continue;
      const v = this.vals[this.buf(src)]; // (B,D)
      const carry = this.carries.get(k)!;
      const slot = carry.length / this.delaySteps[k];
      if (v.length !== slot) throw new ExecError('exec-bad-range', `the initial value "${src}" of Delay "${op.node}" has ${v.length / this.B} units per sample, the Delay carries ${slot / this.B}`);
      for (let off = 0; off < carry.length; off += slot) carry.set(v, off);
    }
  }

  private runBatched(k: number, from: number, to: number): unknown {
    const kind = this.plan.ops[k].kind;
    if (kind === 'reverse') return this.runReverse(k);
    if (kind === 'sequence') return this.runSequence(k);
    if (kind === 'attend') return this.runAttend(k, from * this.B, to * this.B);
    return this.runRows(k, from * this.B, to * this.B);
  }

  private seqContext(axis: 0 | 1 = 0): SequenceContext {
    return { B: this.B, T: this.Ts[axis], lengths: this.lens[axis] };
  }

  private seqInputs(k: number): Record<string, Tensor> {
    const inputs: Record<string, Tensor> = {};
    for (const p of this.ins[k]) inputs[p.port] = this.argRows(p.buf, 0, this.Ts[this.bufAxis[p.buf]] * this.B);
    return inputs;
  }

  /** A `sequence` op over all steps: x: (T·B, D) rows in, masked outputs written. */
  private runSequence(k: number): unknown {
    const a = this.opAxis[k];
    const res = this.seqKernels[k]!.forward(this.seqInputs(k), this.params[k], this.plan.ops[k].attrs, this.seqContext(a));
    for (const p of this.outs[k]) this.writeRows(p.buf, 0, this.Ts[a] * this.B, res.outputs[p.port].data, this.width[p.buf]);
    return res.saved;
  }

  private backSequence(k: number, saved: unknown): void {
    const a = this.opAxis[k];
    const n = this.Ts[a] * this.B;
    const gradOut: Record<string, Tensor> = {};
    for (const p of this.outs[k]) gradOut[p.port] = this.gradRows(p.buf, 0, n);
    const res = this.seqKernels[k]!.backward(gradOut, saved, this.seqInputs(k), this.params[k], this.plan.ops[k].attrs, this.seqContext(a));
    for (const p of this.ins[k]) {
      const g = res.inputs[p.port];
      if (g === undefined || this.isIndex[p.buf]) continue;
      const acc = this.grads[p.buf];
      if (this.perStep[p.buf]) for (let j = 0; j < g.data.length; j++) acc[j] += g.data[j];
      else for (let j = 0; j < g.data.length; j++) acc[j % acc.length] += g.data[j];
    }
    this.addParamGrads(k, res.params);
  }

  /**
   * The probes of a `sequence` op (by node id) from the last forward, e.g. a SelfAttention's `alpha`
   * `[B, T, T]`; empty when its kind has none.
   */
  sequenceProbes(node: string): Readonly<Record<string, Tensor>> {
    const k = this.plan.ops.findIndex((op) => op.node === node && op.kind === 'sequence');
    if (k < 0) throw new ExecError('exec-not-ready', `"${node}" is not a whole-sequence node of the plan`);
    const seg = this.segments[k]?.[0];
    if (seg === undefined) throw new ExecError('exec-not-ready', `node "${node}" has not run; call forward() first`);
    return this.seqKernels[k]!.probes?.(seg.saved, this.seqContext(this.opAxis[k])) ?? {};
  }

  private attendContext(k: number): AttendContext {
    const memory = this.buf(this.plan.ops[k].inputs.memory);
    const a = this.bufAxis[memory];
    return { B: this.B, Tm: this.Ts[a], lengths: this.lens[a] };
  }

  private attendInputs(k: number, r0: number, r1: number): Record<string, Tensor> {
    const inputs: Record<string, Tensor> = {};
    for (const p of this.ins[k]) {
      if (p.port !== 'memory') inputs[p.port] = this.argRows(p.buf, r0, r1);
      else inputs.memory = { shape: [this.Ts[this.bufAxis[p.buf]] * this.B, this.width[p.buf]], data: this.vals[p.buf] };
    }
    return inputs;
  }

  /** An `attend` op for query rows `[r0, r1)` over the whole memory: masked outputs written. */
  private runAttend(k: number, r0: number, r1: number): unknown {
    const res = this.attendKernels[k]!.forward(this.attendInputs(k, r0, r1), this.params[k], this.plan.ops[k].attrs, this.attendContext(k));
    for (const p of this.outs[k]) this.writeRows(p.buf, r0, r1, res.outputs[p.port].data, this.width[p.buf]);
    return { saved: res.saved, r0, r1 };
  }

  private backAttend(k: number, r0: number, r1: number, run: unknown): void {
    const { saved } = run as { saved: unknown };
    const gradOut: Record<string, Tensor> = {};
    for (const p of this.outs[k]) gradOut[p.port] = this.gradRows(p.buf, r0, r1);
    const res = this.attendKernels[k]!.backward(gradOut, saved, this.attendInputs(k, r0, r1), this.params[k], this.plan.ops[k].attrs, this.attendContext(k));
    for (const p of this.ins[k]) {
      const g = res.inputs[p.port];
      if (g === undefined || this.isIndex[p.buf]) continue;
      const acc = this.grads[p.buf];
      const w = this.width[p.buf];
      if (p.port === 'memory') for (let j = 0; j < g.data.length; j++) acc[j] += g.data[j];
      else if (this.perStep[p.buf]) for (let j = 0; j < g.data.length; j++) acc[r0 * w + j] += g.data[j];
      else for (let j = 0; j < g.data.length; j++) acc[j % acc.length] += g.data[j];
    }
    this.addParamGrads(k, res.params);
  }

  /**
   * The probes of an `attend` op (by node id) from the last forward, batch-major: `alpha`
   * `[B, T_q, T_m]` (query steps on its own axis, zero at padded ones) and any per-step scalar such
   * as local attention's centre `p` `[B, T_q]`.
   */
  attentionProbes(node: string): Readonly<Record<string, Tensor>> {
    const k = this.plan.ops.findIndex((op) => op.node === node && op.kind === 'attend');
    if (k < 0) throw new ExecError('exec-not-ready', `"${node}" is not an attention node of the plan`);
    const runs: { saved: unknown; r0: number; r1: number }[] = this.plan.ops[k].perStep ? [...(this.stepSaved[k] ?? []), ...(this.segments[k] ?? []).map((s) => s.saved)].filter((x) => x !== undefined) as never : [];
    if (runs.length === 0) throw new ExecError('exec-not-ready', `node "${node}" has not run; call forward() first`);
    const { B } = this;
    const Tq = this.Ts[this.opAxis[k]];
    const mask = this.masks[this.opAxis[k]];
    const ctx = this.attendContext(k);
    const out: Record<string, Tensor> = {};
    for (const run of runs) {
      for (const [name, t] of Object.entries(this.attendKernels[k]!.probes(run.saved, ctx))) {
        const w = t.shape.length > 1 ? t.shape[1] : 1;
        const dst = (out[name] ??= { shape: w > 1 || t.shape.length > 1 ? [B, Tq, w] : [B, Tq], data: new Float64Array(B * Tq * w) });
        for (let r = run.r0; r < run.r1; r++) {
          const step = Math.floor(r / B);
          const b = r % B;
          const m = mask[r];
          for (let j = 0; j < w; j++) dst.data[(b * Tq + step) * w + j] = m * t.data[(r - run.r0) * w + j];
        }
      }
    }
    return out;
  }

  private hasReverse(): boolean {
    return this.plan.ops.some((op) => op.kind === 'reverse');
  }

  /** Reverse over all steps: y_{b,t} = x_{b,τ_b−1−t} (0-based), zero at padded steps. */
  private runReverse(k: number): null {
    const { B } = this;
    const a = this.opAxis[k];
    const T = this.Ts[a];
    const out = this.outs[k][0].buf;
    const w = this.width[out];
    const y = reverseSteps(this.vals[this.inBuf(k)], this.lens[a], B, T, w); // (T,B,D)
    this.writeRows(out, 0, T * B, y, w);
    return null;
  }

  /** The same permutation backwards: ∂x_{b,τ_b−1−t} += ∂y_{b,t}. */
  private backReverse(k: number): void {
    const { B } = this;
    const a = this.opAxis[k];
    const T = this.Ts[a];
    const src = this.inBuf(k);
    const w = this.width[src];
    const gy = this.grads[this.outs[k][0].buf];
    const gx = this.grads[src];
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        const r = mirrorRow(t, b, this.lens[a][b], B);
        if (r < 0) continue;
        for (let j = 0; j < w; j++) gx[r * w + j] += gy[(t * B + b) * w + j];
      }
    }
  }

  private needsWholeSequence(): boolean {
    let late = false;
    for (const ph of this.plan.phases) {
      if (ph.kind === 'vector' && ph.late) late = true;
      else if (ph.kind !== 'vector' && late) return true;
    }
    return false;
  }

  private reset(initial: ReadonlyMap<string, Float64Array> | undefined): void {
    this.segments = this.plan.ops.map(() => []);
    this.stepSaved = this.plan.ops.map((op, k) => (op.perStep ? new Array<unknown>(this.Ts[this.opAxis[k]]) : []));
    this.once = this.plan.ops.map(() => undefined);
    for (const [k, carry] of this.carries) {
      const op = this.plan.ops[k];
      const given = initial?.get(op.node);
      const h0 = op.params.h0;
      const slot = carry.length / this.delaySteps[k]; // B·D
      if (given !== undefined) {
        if (given.length === carry.length) carry.set(given);
        else if (given.length === slot) for (let off = 0; off < carry.length; off += slot) carry.set(given, off);
        else {
          const d = this.delaySteps[k];
          throw new ExecError('exec-bad-range', `initial state of Delay "${op.node}" has ${given.length} values, needs B·D = ${slot}${d > 1 ? ` or d·B·D = ${carry.length}` : ''}`);
        }
      } else if (h0 !== undefined) {
        const w = this.weights.get(h0);
        for (let off = 0; off < carry.length; off += w.length) carry.set(w, off);
      } else {
        carry.fill(0);
        // init `onehot`: e_k in every row (k = initIndex, absent: the last unit)
        if (op.attrs.init === 'onehot') {
          const D = slot / this.B;
          const k = typeof op.attrs.initIndex === 'number' ? op.attrs.initIndex : D - 1;
          for (let r = k; r < carry.length; r += D) carry[r] = 1;
        }
      }
    }
  }

  private loopStep(phase: Extract<Phase, { kind: 'loop' }>, t: number): void {
    const { B } = this;
    const mask = this.masks[phase.axis === 1 ? 1 : 0];
    for (const k of phase.ops) {
      const op = this.plan.ops[k];
      if (op.kind === 'delay') {
        // y_t = the oldest carried value (x_{t−d}, or the initial value), masked
        const out = this.outs[k][0].buf;
        const w = this.width[out];
        const carry = this.carries.get(k)!;
        this.writeRows(out, t * B, (t + 1) * B, carry.subarray(0, B * w), w);
      } else if (op.kind === 'attend') {
        this.stepSaved[k][t] = this.runAttend(k, t * B, (t + 1) * B);
      } else {
        this.stepSaved[k][t] = this.runRows(k, t * B, (t + 1) * B);
      }
    }
    // s ← m_t x_t + (1 − m_t) s; a history of d values shifts by one on a valid step
    for (const k of phase.delays) delayShiftForward(this.carries.get(k)!, this.vals[this.inBuf(k)], mask, t, B, this.delaySteps[k]);
  }

  /** The value of buffer `i` for rows `[r0, r1)` of a per-step op, as a kernel argument. */
  private argRows(i: number, r0: number, r1: number): Tensor {
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
  private writeRows(i: number, r0: number, r1: number, src: Float64Array, w: number): void {
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

  private call(k: number): { type: string; node: string; attrs: unknown } {
    const op = this.plan.ops[k];
    return { type: op.type, node: op.node, attrs: op.attrs };
  }

  /** A per-step kernel op over rows `[r0, r1)` (one step in a loop, a range of steps when batched). */
  private runRows(k: number, r0: number, r1: number): unknown {
    const inputs: Record<string, Tensor> = {};
    for (const p of this.ins[k]) inputs[p.port] = this.argRows(p.buf, r0, r1);
    const mask: Tensor = { shape: [r1 - r0], data: this.masks[this.opAxis[k]].subarray(r0, r1) };
    const res = this.backend.forward(this.call(k), inputs, this.params[k], { mask, ...this.randomness(k, r1 - r0) });
    for (const p of this.outs[k]) this.writeRows(p.buf, r0, r1, res.outputs[p.port].data, this.width[p.buf]);
    const rows = this.lossRows.get(k);
    if (rows !== undefined) {
      rows.set(res.outputs.rows.data, r0);
      this.lossScale.set(k, 1);
    }
    return res.saved;
  }

  /** The kernel context's randomness for a stochastic op over n rows (nothing for other ops). */
  private randomness(k: number, n: number): Pick<KernelContext, 'random' | 'inference' | 'teacherIsOwn'> {
    if (!this.stochastic[k]) return {};
    if (this.inference) return this.teacherIsOwn.has(this.plan.ops[k].node) ? { inference: true, teacherIsOwn: true } : { inference: true };
    const r = this.random;
    if (r === undefined) return {};
    const uniform = new Float64Array(n);
    for (let i = 0; i < n; i++) uniform[i] = r.rng.uniform();
    return { random: { uniform: { shape: [n], data: uniform }, step: r.step } };
  }

  private runVector(k: number): void {
    const op = this.plan.ops[k];
    if (op.kind === 'last-step') {
      const src = this.inBuf(k);
      const out = this.outs[k][0].buf;
      const w = this.width[out];
      const x = this.vals[src];
      const y = this.vals[out];
      const lengths = this.lens[this.bufAxis[src]];
      for (let b = 0; b < this.B; b++) {
        const r = (lengths[b] - 1) * this.B + b; // row of step τ_b
        for (let j = 0; j < w; j++) y[b * w + j] = x[r * w + j];
      }
      return;
    }
    const inputs: Record<string, Tensor> = {};
    for (const p of this.ins[k]) inputs[p.port] = { shape: this.isIndex[p.buf] ? [this.B] : [this.B, this.width[p.buf]], data: this.vals[p.buf] };
    const res = this.backend.forward(this.call(k), inputs, this.params[k], { mask: { shape: [this.B], data: this.ones }, ...this.randomness(k, this.B) });
    for (const p of this.outs[k]) this.vals[p.buf].set(res.outputs[p.port].data);
    const rows = this.lossRows.get(k);
    if (rows !== undefined) {
      rows.set(res.outputs.rows.data);
      this.lossScale.set(k, 1);
    }
    this.once[k] = res.saved;
  }

  private chunkLoss(from: number, to: number): ChunkLoss {
    const { B } = this;
    const perNode: Record<string, number> = {};
    let total = 0;
    for (const l of this.plan.losses) {
      if (!this.lossScale.has(l.op)) continue;
      const rows = this.lossRows.get(l.op)!;
      let sum = 0;
      const [s0, s1] = this.span(l.axis, from, to);
      const [a, z] = l.perStep ? [s0 * B, s1 * B] : [0, B];
      for (let r = a; r < z; r++) sum += rows[r];
      let valid = 0;
      if (l.perStep) for (let r = a; r < z; r++) valid += this.masks[l.axis === 1 ? 1 : 0][r];
      const denom = l.perStep && l.reduction === 'meanValidSteps' ? valid : B;
      const scale = denom > 0 ? 1 / denom : 0;
      this.lossScale.set(l.op, scale);
      perNode[l.node] = sum * scale;
      total += sum * scale;
    }
    return { total, perNode };
  }

  // ——— backward ———

  /**
   * Reverse mode for the loss of the last forward call, through steps `[windowFrom, to)` where
   * `to` is where that call ended: the values carried into step `windowFrom` are constants. Returns
   * `∂L/∂θ` per weight name (arrays owned by the executor, overwritten by the next backward).
   */
  backward(windowFrom = 0, options: BackwardOptions = {}): ReadonlyMap<string, Float64Array> {
    this.ready();
    const chunk = this.chunk;
    if (chunk === null) throw new ExecError('exec-not-ready', 'backward needs a forward run first');
    const { to } = chunk;
    if (!(Number.isInteger(windowFrom) && windowFrom >= 0 && windowFrom <= chunk.from)) {
      throw new ExecError('exec-bad-range', `the backward window must start at a step in [0, ${chunk.from}], got ${windowFrom}`);
    }
    for (const g of this.grads) g.fill(0);
    for (const g of this.paramGrads.values()) g.fill(0);
    this.initialGrads.clear();
    for (const [id, seed] of options.seeds ?? []) {
      const acc = this.grads[this.buf(id)];
      if (seed.length !== acc.length) throw new ExecError('exec-bad-range', `the seed for "${id}" has ${seed.length} values, the value has ${acc.length}`);
      for (let j = 0; j < acc.length; j++) acc[j] += seed[j];
    }
    this.withoutLoss = options.withoutLoss === true;
    const phases = this.plan.phases;
    for (let p = phases.length - 1; p >= 0; p--) {
      const phase = phases[p];
      if (phase.kind === 'vector') {
        if (phase.late && !this.ranLate) continue;
        for (let i = phase.ops.length - 1; i >= 0; i--) this.backVector(phase.ops[i], windowFrom);
      } else if (phase.kind === 'batched') {
        const [lo, hi] = this.span(phase.axis, windowFrom, to);
        for (let i = phase.ops.length - 1; i >= 0; i--) {
          const k = phase.ops[i];
          const kind = this.plan.ops[k].kind;
          if (kind === 'reverse') this.backReverse(k);
          else if (kind === 'sequence') this.backSequence(k, this.segments[k][0].saved);
          else {
            for (const s of this.segments[k]) {
              if (!(s.to > lo && s.from < hi)) continue;
              if (kind === 'attend') this.backAttend(k, s.from * this.B, s.to * this.B, s.saved);
              else this.backRows(k, s.from * this.B, s.to * this.B, s.saved);
            }
          }
        }
      } else {
        const [lo, hi] = this.span(phase.axis, windowFrom, to);
        this.backLoop(phase, lo, hi);
      }
    }
    return this.paramGrads;
  }

  /** `∂L/∂s_0` per Delay node id `[B, D]`, when the last backward window started at step 0. */
  initialStateGradients(): ReadonlyMap<string, Float64Array> {
    return this.initialGrads;
  }

  private backLoop(phase: Extract<Phase, { kind: 'loop' }>, lo: number, hi: number): void {
    const { B } = this;
    const mask = this.masks[phase.axis === 1 ? 1 : 0];
    const G = new Map(phase.delays.map((k) => [k, new Float64Array(this.carries.get(k)!.length)])); // ∂L/∂s_t, [d, B, D]
    for (let t = hi - 1; t >= lo; t--) {
      // x_t went to the newest slot; every older slot came from the next newer one of s_{t−1}
      for (const k of phase.delays) delayShiftBack(G.get(k)!, this.grads[this.inBuf(k)], mask, t, B, this.delaySteps[k]);
      for (let i = phase.ops.length - 1; i >= 0; i--) {
        const k = phase.ops[i];
        const op = this.plan.ops[k];
        if (op.kind === 'attend') {
          this.backAttend(k, t * B, (t + 1) * B, this.stepSaved[k][t]);
          continue;
        }
        if (op.kind !== 'delay') {
          this.backRows(k, t * B, (t + 1) * B, this.stepSaved[k][t]);
          continue;
        }
        const g = G.get(k)!; // the output read the oldest slot
        const out = this.grads[this.outs[k][0].buf];
        const w = this.width[this.outs[k][0].buf];
        for (let b = 0; b < B; b++) {
          const m = mask[t * B + b];
          for (let j = 0; j < w; j++) g[b * w + j] += m * out[(t * B + b) * w + j];
        }
      }
    }
    if (lo > 0) return; // the state entering the window is a constant
    for (const k of phase.delays) this.finishInitial(k, G.get(k)!);
  }

  private finishInitial(k: number, g: Float64Array): void {
    // every slot of a history starts at the same initial value: ∂L/∂s_0 is the sum over the slots
    const op = this.plan.ops[k];
    const slot = g.length / this.delaySteps[k];
    const sum = g.slice(0, slot);
    for (let off = slot; off < g.length; off += slot) for (let j = 0; j < slot; j++) sum[j] += g[off + j];
    this.initialGrads.set(op.node, sum);
    const init = op.inputs.init;
    if (init !== undefined) {
      const acc = this.grads[this.buf(init)]; // (B,D)
      for (let i = 0; i < sum.length; i++) acc[i] += sum[i];
      return;
    }
    const h0 = op.params.h0;
    if (h0 === undefined) return;
    const acc = this.paramGrads.get(h0)!;
    const w = acc.length;
    for (let i = 0; i < sum.length; i++) acc[i % w] += sum[i];
  }

  /** Masked ∂L/∂output of buffer `i`, rows `[r0, r1)`. */
  private gradRows(i: number, r0: number, r1: number): Tensor {
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

  private lossSeed(k: number, r0: number, r1: number, perStep: boolean): Record<string, Tensor> {
    const scale = this.withoutLoss ? 0 : (this.lossScale.get(k) ?? 0);
    const rows = new Float64Array(r1 - r0);
    const chunk = this.chunk!;
    const [from, to] = this.span(this.opAxis[k], chunk.from, chunk.to);
    const a = perStep ? Math.max(r0, from * this.B) : r0;
    const z = perStep ? Math.min(r1, to * this.B) : r1;
    for (let r = a; r < z; r++) rows[r - r0] = scale;
    return { loss: scalar(0), rows: { shape: [r1 - r0], data: rows } };
  }

  private backRows(k: number, r0: number, r1: number, saved: unknown): void {
    const inputs: Record<string, Tensor> = {};
    for (const p of this.ins[k]) inputs[p.port] = this.argRows(p.buf, r0, r1);
    const gradOut: Record<string, Tensor> = this.lossRows.has(k) ? this.lossSeed(k, r0, r1, true) : {};
    for (const p of this.outs[k]) gradOut[p.port] = this.gradRows(p.buf, r0, r1);
    const res = this.backend.backward(this.call(k), gradOut, saved, inputs, this.params[k]);
    for (const p of this.ins[k]) {
      const g = res.inputs[p.port];
      if (g === undefined || this.isIndex[p.buf]) continue;
      const acc = this.grads[p.buf];
      const w = this.width[p.buf];
      if (this.perStep[p.buf]) {
        const off = r0 * w;
        for (let j = 0; j < g.data.length; j++) acc[off + j] += g.data[j];
      } else {
        // a vector read at every step: its gradient sums over the steps
        for (let j = 0; j < g.data.length; j++) acc[j % acc.length] += g.data[j];
      }
    }
    this.addParamGrads(k, res.params);
  }

  private backVector(k: number, lo: number): void {
    const op = this.plan.ops[k];
    const { B } = this;
    if (op.kind === 'last-step') {
      const src = this.inBuf(k);
      const w = this.width[src];
      const gy = this.grads[this.outs[k][0].buf];
      const gx = this.grads[src];
      const a = this.bufAxis[src];
      for (let b = 0; b < B; b++) {
        const t = this.lens[a][b] - 1;
        if (a === 0 && t < lo) continue; // τ_b lies before the window
        for (let j = 0; j < w; j++) gx[(t * B + b) * w + j] += gy[b * w + j];
      }
      return;
    }
    const inputs: Record<string, Tensor> = {};
    for (const p of this.ins[k]) inputs[p.port] = { shape: this.isIndex[p.buf] ? [B] : [B, this.width[p.buf]], data: this.vals[p.buf] };
    const gradOut: Record<string, Tensor> = this.lossRows.has(k) ? this.lossSeed(k, 0, B, false) : {};
    for (const p of this.outs[k]) gradOut[p.port] = { shape: [B, this.width[p.buf]], data: this.grads[p.buf].slice() };
    const res = this.backend.backward(this.call(k), gradOut, this.once[k], inputs, this.params[k]);
    for (const p of this.ins[k]) {
      const g = res.inputs[p.port];
      if (g === undefined || this.isIndex[p.buf]) continue;
      const acc = this.grads[p.buf];
      for (let j = 0; j < g.data.length; j++) acc[j] += g.data[j];
    }
    this.addParamGrads(k, res.params);
  }

  private addParamGrads(k: number, grads: Readonly<Record<string, Tensor>>): void {
    for (const [p, name] of Object.entries(this.plan.ops[k].params)) {
      const g = grads[p];
      if (g === undefined) continue;
      const acc = this.paramGrads.get(name)!;
      for (let j = 0; j < acc.length; j++) acc[j] += g.data[j];
    }
  }

  // ——— reading results ———

  /** Whether a value is per step (`[B,T,D]`) or a vector (`[B,D]`), and its storage width D. */
  private layout(id: string): { i: number; w: number } {
    const i = this.buf(id);
    return { i, w: this.width[i] };
  }

  private toBatchMajor(src: Float64Array, i: number, w: number): { shape: number[]; data: Float64Array } {
    const { B } = this;
    const T = this.Ts[this.bufAxis[i]];
    if (!this.perStep[i]) return { shape: this.isIndex[i] ? [B] : [B, w], data: src.slice() };
    return { shape: this.isIndex[i] ? [B, T] : [B, T, w], data: toBatchMajor(src, B, T, w) };
  }

  /** A value as `[B,T,D]` (per step, zero at padded steps) or `[B,D]`, batch-major (a copy). */
  value(id: string): { shape: number[]; data: Float64Array } {
    const { i, w } = this.layout(id);
    return this.toBatchMajor(this.vals[i], i, w);
  }

  /** `∂L/∂value` from the last backward, laid out as `value`. Zero outside the backward window. */
  gradient(id: string): { shape: number[]; data: Float64Array } {
    const { i, w } = this.layout(id);
    return this.toBatchMajor(this.grads[i], i, w);
  }

  /** Time-major `∂L/∂value` `[T,B,D]` (no copy; valid until the next backward). */
  rawGradient(id: string): Float64Array {
    return this.grads[this.buf(id)];
  }

  /** Per-step loss terms `m ℓ` of a loss node, `[B,T]` (per-step losses) or `[B]`, before reduction. */
  stepLosses(node: string): { shape: number[]; data: Float64Array } {
    const l = this.plan.losses.find((x) => x.node === node);
    if (l === undefined) throw new ExecError('exec-not-ready', `"${node}" is not a loss node of the plan`);
    const rows = this.lossRows.get(l.op)!;
    const { B } = this;
    const T = this.Ts[l.axis === 1 ? 1 : 0];
    if (!l.perStep) return { shape: [B], data: rows.slice() };
    const data = new Float64Array(B * T);
    for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) data[b * T + t] = rows[t * B + b];
    return { shape: [B, T], data };
  }

  /**
   * Every Delay's carried value after the last forward step (the state at `τ_b` when it ran to the
   * end), `[B,D]`; for a Delay of d > 1 steps its newest value (the state at `τ_b` too).
   */
  finalStates(): Map<string, Float64Array> {
    return new Map([...this.carries].map(([k, c]) => [this.plan.ops[k].node, c.slice(c.length - c.length / this.delaySteps[k])]));
  }

  /** Every Delay's whole carried history `[d, B, D]`, oldest first (`[B, D]` for d = 1): what `initialStates` takes to go on. */
  finalHistories(): Map<string, Float64Array> {
    return new Map([...this.carries].map(([k, c]) => [this.plan.ops[k].node, c.slice()]));
  }

  /** The step mask `[T,B]` of a time axis (time-major; no copy). */
  maskTimeMajor(axis: 0 | 1 = 0): Float64Array {
    return this.masks[axis];
  }

  /** The time axis of a value (0 source, 1 target; 0 for vectors). */
  axisOf(id: string): 0 | 1 {
    return this.bufAxis[this.buf(id)];
  }
}
