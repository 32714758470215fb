import type { Phase, Plan } from '../compiler/plan';
import { nodeKernelBackend, type Backend } from './backend';
import { BindError, type BatchFeed } from './feeds';
import { ExecError, type BackwardOptions, type ChunkLoss, type ForwardOptions } from './executor-types';
import { attentionProbes, backAttend, backReverse, backRows, backSequence, backVector, runAttend, runReverse, runRows, runSequence, runVector, sequenceProbes } from './executor-ops';
import { delayShiftBack, delayShiftForward, fromBatchMajor, toBatchMajor } from './executor-rows';
import { ExecState } from './executor-state';
import type { Tensor } from './tensor';
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

export class Executor {
  readonly plan: Plan;
  readonly weights: WeightStore;
  readonly backend: Backend;
  /** Buffers, axes, masks and saved values (`executor-state.ts`); the op kinds live in `executor-ops.ts`. */
  private readonly s: ExecState;

  constructor(plan: Plan, weights: WeightStore, backend: Backend = nodeKernelBackend) {
    this.plan = plan;
    this.weights = weights;
    this.backend = backend;
    this.s = new ExecState(plan, weights, backend);
  }

  get batchSize(): number {
    return this.s.B;
  }

  get stepCount(): number {
    return this.s.T;
  }

  /** T of a time axis (0 source, 1 target; 0 when the plan has no such axis). */
  stepsOf(axis: 0 | 1): number {
    return this.s.Ts[axis];
  }

  /** τ_b of a time axis (no copy). */
  lengthsOf(axis: 0 | 1): Int32Array {
    return this.s.lens[axis];
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
    if (this.s.twoAxes) {
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
    if (B !== this.s.B || T !== this.s.T || T1 !== this.s.Ts[1]) this.s.allocate(B, T, T1);
    this.s.lengths = Int32Array.from(feed.lengths);
    this.s.lens = [this.s.lengths, lengths1];
    for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) this.s.mask[t * B + b] = t < this.s.lengths[b] ? 1 : 0;
    for (let t = 0; t < T1; t++) for (let b = 0; b < B; b++) this.s.masks[1][t * B + b] = t < lengths1[b] ? 1 : 0;
    for (const input of this.plan.inputs) {
      const data = Object.hasOwn(feed.feeds, input.node) ? feed.feeds[input.node] : undefined;
      if (data === undefined) throw new BindError('bind-missing', input.node, `Input "${input.node}" has no data; give an array for it`);
      const i = this.s.buf(input.value);
      const w = this.s.width[i];
      const seq = input.role === 'sequence';
      const a = this.s.bufAxis[i];
      const Ti = this.s.Ts[a];
      const mask = this.s.masks[a];
      const want = seq ? B * Ti * w : B * w;
      const Tname = a === 1 ? "T'" : 'T';
      const layout = `${seq ? `(B,${Tname}` : '(B'}${input.dtype === 'index' ? ')' : ',D)'} = ${want} values`;
      if (data.length !== want) throw new BindError('bind-mismatch', input.node, `Input "${input.node}" needs ${layout} for B = ${B}, ${Tname} = ${Ti}, D = ${input.size}; got ${data.length}`);
      if (input.dtype === 'real' && data instanceof Int32Array) throw new BindError('bind-mismatch', input.node, `Input "${input.node}" takes real values, but got an Int32Array of ids`);
      const dst = this.s.vals[i];
      if (!seq) dst.set(data);
      else {
        fromBatchMajor(dst, data, mask, B, Ti, w); // (B,T,D) → (T,B,D), zero at padded steps
      }
    }
    this.s.chunk = null;
  }

  private ready(): void {
    if (this.s.T === 0) throw new ExecError('exec-not-ready', 'no batch is bound; call bind() first');
  }

  // ——— forward ———

  /** Runs steps `[from, to)` (0-based) of every phase; returns the reduced loss of those steps. */
  forward(from = 0, to = this.s.T, options: ForwardOptions = {}): ChunkLoss {
    this.ready();
    const { T } = this.s;
    if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && from < to && to <= T)) {
      throw new ExecError('exec-bad-range', `step range [${from}, ${to}) must lie within [0, ${T}] and hold at least one step`);
    }
    if (from > 0 && this.s.chunk?.to !== from) throw new ExecError('exec-bad-range', `steps [${from}, ${to}) do not continue the last forward run (which ended at ${this.s.chunk?.to ?? 'nothing'})`);
    if ((from > 0 || to < T) && this.hasReverse()) {
      throw new ExecError('exec-needs-whole-sequence', 'this graph reverses sequences in time (Reverse, e.g. a bidirectional layer), which needs every step at once, so it cannot run in chunks; use full BPTT');
    }
    const seqOp = this.plan.ops.find((op) => op.kind === 'sequence' || op.kind === 'attend');
    if ((from > 0 || to < T) && this.s.twoAxes) {
      throw new ExecError('exec-needs-whole-sequence', 'this graph has a second (target) time axis, which starts after the source sequence has been read, so it cannot run in chunks; use full BPTT');
    }
    if ((from > 0 || to < T) && seqOp !== undefined) {
      throw new ExecError('exec-needs-whole-sequence', `${seqOp.type} node "${seqOp.node}" reads every step of its input at once, so this graph cannot run in chunks; use full BPTT`);
    }
    if ((from > 0 || to < T) && this.needsWholeSequence()) {
      throw new ExecError('exec-needs-whole-sequence', 'this graph feeds a value read at each sample’s last step (LastStep) back into per-step nodes, so it cannot run in chunks; use full BPTT');
    }
    this.s.perturb = options.perturb;
    this.s.random = options.random;
    this.s.inference = options.inference === true;
    this.s.teacherIsOwn = options.teacherIsOwn ?? new Set();
    if (from === 0) this.reset(options.initialStates);
    this.s.lossScale.clear();
    this.s.ranLate = to === T;
    for (const phase of this.plan.phases) {
      if (phase.kind === 'vector') {
        if (phase.late ? to === T : from === 0) for (const k of phase.ops) runVector(this.s, k);
      } else if (phase.kind === 'batched') {
        const [a, z] = this.s.span(phase.axis, from, to);
        for (const k of phase.ops) this.s.segments[k].push({ from: a, to: z, saved: this.runBatched(k, a, z) });
      } else {
        const [a, z] = this.s.span(phase.axis, from, to);
        if (a === 0) this.loadInitialInputs(phase, options.initialStates);
        for (let t = a; t < z; t++) this.loopStep(phase, t);
      }
    }
    this.s.chunk = { from, to };
    this.s.perturb = undefined;
    return this.chunkLoss(from, to);
  }

  /** At the start of a loop: Delays whose `init` input is connected start from it (unless a state was given). */
  private loadInitialInputs(phase: Extract<Phase, { kind: 'loop' }>, given: ReadonlyMap<string, Float64Array> | undefined): void {
    for (const k of phase.delays) {
      const op = this.plan.ops[k];
      const src = op.inputs.init;
      if (src === undefined || given?.has(op.node) === true) continue;
      const v = this.s.vals[this.s.buf(src)]; // (B,D)
      const carry = this.s.carries.get(k)!;
      const slot = carry.length / this.s.delaySteps[k];
      if (v.length !== slot) throw new ExecError('exec-bad-range', `the initial value "${src}" of Delay "${op.node}" has ${v.length / this.s.B} units per sample, the Delay carries ${slot / this.s.B}`);
      for (let off = 0; off < carry.length; off += slot) carry.set(v, off);
    }
  }

  private runBatched(k: number, from: number, to: number): unknown {
    const kind = this.plan.ops[k].kind;
    if (kind === 'reverse') return runReverse(this.s, k);
    if (kind === 'sequence') return runSequence(this.s, k);
    if (kind === 'attend') return runAttend(this.s, k, from * this.s.B, to * this.s.B);
    return runRows(this.s, k, from * this.s.B, to * this.s.B);
  }

  /**
   * The probes of a `sequence` op (by node id) from the last forward, e.g. a SelfAttention's `alpha`
   * `[B, T, T]`; empty when its kind has none.
   */
  sequenceProbes(node: string): Readonly<Record<string, Tensor>> {
    return sequenceProbes(this.s, node);
  }

  /**
   * The probes of an `attend` op (by node id) from the last forward, batch-major: `alpha`
   * `[B, T_q, T_m]` (query steps on its own axis, zero at padded ones) and any per-step scalar such
   * as local attention's centre `p` `[B, T_q]`.
   */
  attentionProbes(node: string): Readonly<Record<string, Tensor>> {
    return attentionProbes(this.s, node);
  }

  private hasReverse(): boolean {
    return this.plan.ops.some((op) => op.kind === 'reverse');
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
    this.s.segments = this.plan.ops.map(() => []);
    this.s.stepSaved = this.plan.ops.map((op, k) => (op.perStep ? new Array<unknown>(this.s.Ts[this.s.opAxis[k]]) : []));
    this.s.once = this.plan.ops.map(() => undefined);
    for (const [k, carry] of this.s.carries) {
      const op = this.plan.ops[k];
      const given = initial?.get(op.node);
      const h0 = op.params.h0;
      const slot = carry.length / this.s.delaySteps[k]; // B·D
      if (given !== undefined) {
        if (given.length === carry.length) carry.set(given);
        else if (given.length === slot) for (let off = 0; off < carry.length; off += slot) carry.set(given, off);
        else {
          const d = this.s.delaySteps[k];
          throw new ExecError('exec-bad-range', `initial state of Delay "${op.node}" has ${given.length} values, needs B·D = ${slot}${d > 1 ? ` or d·B·D = ${carry.length}` : ''}`);
        }
      } else if (h0 !== undefined) {
        const w = this.weights.get(h0);
        for (let off = 0; off < carry.length; off += w.length) carry.set(w, off);
      } else {
        carry.fill(0);
        // init `onehot`: e_k in every row (k = initIndex, absent: the last unit)
        if (op.attrs.init === 'onehot') {
          const D = slot / this.s.B;
          const k = typeof op.attrs.initIndex === 'number' ? op.attrs.initIndex : D - 1;
          for (let r = k; r < carry.length; r += D) carry[r] = 1;
        }
      }
    }
  }

  private loopStep(phase: Extract<Phase, { kind: 'loop' }>, t: number): void {
    const { B } = this.s;
    const mask = this.s.masks[phase.axis === 1 ? 1 : 0];
    for (const k of phase.ops) {
      const op = this.plan.ops[k];
      if (op.kind === 'delay') {
        // y_t = the oldest carried value (x_{t−d}, or the initial value), masked
        const out = this.s.outs[k][0].buf;
        const w = this.s.width[out];
        const carry = this.s.carries.get(k)!;
        this.s.writeRows(out, t * B, (t + 1) * B, carry.subarray(0, B * w), w);
      } else if (op.kind === 'attend') {
        this.s.stepSaved[k][t] = runAttend(this.s, k, t * B, (t + 1) * B);
      } else {
        this.s.stepSaved[k][t] = runRows(this.s, k, t * B, (t + 1) * B);
      }
    }
    // s ← m_t x_t + (1 − m_t) s; a history of d values shifts by one on a valid step
    for (const k of phase.delays) delayShiftForward(this.s.carries.get(k)!, this.s.vals[this.s.inBuf(k)], mask, t, B, this.s.delaySteps[k]);
  }

  private chunkLoss(from: number, to: number): ChunkLoss {
    const { B } = this.s;
    const perNode: Record<string, number> = {};
    let total = 0;
    for (const l of this.plan.losses) {
      if (!this.s.lossScale.has(l.op)) continue;
      const rows = this.s.lossRows.get(l.op)!;
      let sum = 0;
      const [s0, s1] = this.s.span(l.axis, from, to);
      const [a, z] = l.perStep ? [s0 * B, s1 * B] : [0, B];
      for (let r = a; r < z; r++) sum += rows[r];
      let valid = 0;
      if (l.perStep) for (let r = a; r < z; r++) valid += this.s.masks[l.axis === 1 ? 1 : 0][r];
      const denom = l.perStep && l.reduction === 'meanValidSteps' ? valid : B;
      const scale = denom > 0 ? 1 / denom : 0;
      this.s.lossScale.set(l.op, scale);
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
    const chunk = this.s.chunk;
    if (chunk === null) throw new ExecError('exec-not-ready', 'backward needs a forward run first');
    const { to } = chunk;
    if (!(Number.isInteger(windowFrom) && windowFrom >= 0 && windowFrom <= chunk.from)) {
      throw new ExecError('exec-bad-range', `the backward window must start at a step in [0, ${chunk.from}], got ${windowFrom}`);
    }
    for (const g of this.s.grads) g.fill(0);
    for (const g of this.s.paramGrads.values()) g.fill(0);
    this.s.initialGrads.clear();
    for (const [id, seed] of options.seeds ?? []) {
      const acc = this.s.grads[this.s.buf(id)];
      if (seed.length !== acc.length) throw new ExecError('exec-bad-range', `the seed for "${id}" has ${seed.length} values, the value has ${acc.length}`);
      for (let j = 0; j < acc.length; j++) acc[j] += seed[j];
    }
    this.s.withoutLoss = options.withoutLoss === true;
    const phases = this.plan.phases;
    for (let p = phases.length - 1; p >= 0; p--) {
      const phase = phases[p];
      if (phase.kind === 'vector') {
        if (phase.late && !this.s.ranLate) continue;
        for (let i = phase.ops.length - 1; i >= 0; i--) backVector(this.s, phase.ops[i], windowFrom);
      } else if (phase.kind === 'batched') {
        const [lo, hi] = this.s.span(phase.axis, windowFrom, to);
        for (let i = phase.ops.length - 1; i >= 0; i--) {
          const k = phase.ops[i];
          const kind = this.plan.ops[k].kind;
          if (kind === 'reverse') backReverse(this.s, k);
          else if (kind === 'sequence') backSequence(this.s, k, this.s.segments[k][0].saved);
          else {
            for (const seg of this.s.segments[k]) {
              if (!(seg.to > lo && seg.from < hi)) continue;
              if (kind === 'attend') backAttend(this.s, k, seg.from * this.s.B, seg.to * this.s.B, seg.saved);
              else backRows(this.s, k, seg.from * this.s.B, seg.to * this.s.B, seg.saved);
            }
          }
        }
      } else {
        const [lo, hi] = this.s.span(phase.axis, windowFrom, to);
        this.backLoop(phase, lo, hi);
      }
    }
    return this.s.paramGrads;
  }

  /** `∂L/∂s_0` per Delay node id `[B, D]`, when the last backward window started at step 0. */
  initialStateGradients(): ReadonlyMap<string, Float64Array> {
    return this.s.initialGrads;
  }

  private backLoop(phase: Extract<Phase, { kind: 'loop' }>, lo: number, hi: number): void {
    const { B } = this.s;
    const mask = this.s.masks[phase.axis === 1 ? 1 : 0];
    const G = new Map(phase.delays.map((k) => [k, new Float64Array(this.s.carries.get(k)!.length)])); // ∂L/∂s_t, [d, B, D]
    for (let t = hi - 1; t >= lo; t--) {
      // x_t went to the newest slot; every older slot came from the next newer one of s_{t−1}
      for (const k of phase.delays) delayShiftBack(G.get(k)!, this.s.grads[this.s.inBuf(k)], mask, t, B, this.s.delaySteps[k]);
      for (let i = phase.ops.length - 1; i >= 0; i--) {
        const k = phase.ops[i];
        const op = this.plan.ops[k];
        if (op.kind === 'attend') {
          backAttend(this.s, k, t * B, (t + 1) * B, this.s.stepSaved[k][t]);
          continue;
        }
        if (op.kind !== 'delay') {
          backRows(this.s, k, t * B, (t + 1) * B, this.s.stepSaved[k][t]);
          continue;
        }
        const g = G.get(k)!; // the output read the oldest slot
        const out = this.s.grads[this.s.outs[k][0].buf];
        const w = this.s.width[this.s.outs[k][0].buf];
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
    const slot = g.length / this.s.delaySteps[k];
    const sum = g.slice(0, slot);
    for (let off = slot; off < g.length; off += slot) for (let j = 0; j < slot; j++) sum[j] += g[off + j];
    this.s.initialGrads.set(op.node, sum);
    const init = op.inputs.init;
    if (init !== undefined) {
      const acc = this.s.grads[this.s.buf(init)]; // (B,D)
      for (let i = 0; i < sum.length; i++) acc[i] += sum[i];
      return;
    }
    const h0 = op.params.h0;
    if (h0 === undefined) return;
    const acc = this.s.paramGrads.get(h0)!;
    const w = acc.length;
    for (let i = 0; i < sum.length; i++) acc[i % w] += sum[i];
  }

  // ——— reading results ———

  /** Whether a value is per step (`[B,T,D]`) or a vector (`[B,D]`), and its storage width D. */
  private layout(id: string): { i: number; w: number } {
    const i = this.s.buf(id);
    return { i, w: this.s.width[i] };
  }

  private toBatchMajor(src: Float64Array, i: number, w: number): { shape: number[]; data: Float64Array } {
    const { B } = this.s;
    const T = this.s.Ts[this.s.bufAxis[i]];
    if (!this.s.perStep[i]) return { shape: this.s.isIndex[i] ? [B] : [B, w], data: src.slice() };
    return { shape: this.s.isIndex[i] ? [B, T] : [B, T, w], data: toBatchMajor(src, B, T, w) };
  }

  /** A value as `[B,T,D]` (per step, zero at padded steps) or `[B,D]`, batch-major (a copy). */
  value(id: string): { shape: number[]; data: Float64Array } {
    const { i, w } = this.layout(id);
    return this.toBatchMajor(this.s.vals[i], i, w);
  }

  /** `∂L/∂value` from the last backward, laid out as `value`. Zero outside the backward window. */
  gradient(id: string): { shape: number[]; data: Float64Array } {
    const { i, w } = this.layout(id);
    return this.toBatchMajor(this.s.grads[i], i, w);
  }

  /** Time-major `∂L/∂value` `[T,B,D]` (no copy; valid until the next backward). */
  rawGradient(id: string): Float64Array {
    return this.s.grads[this.s.buf(id)];
  }

  /** Per-step loss terms `m ℓ` of a loss node, `[B,T]` (per-step losses) or `[B]`, before reduction. */
  stepLosses(node: string): { shape: number[]; data: Float64Array } {
    const l = this.plan.losses.find((x) => x.node === node);
    if (l === undefined) throw new ExecError('exec-not-ready', `"${node}" is not a loss node of the plan`);
    const rows = this.s.lossRows.get(l.op)!;
    const { B } = this.s;
    const T = this.s.Ts[l.axis === 1 ? 1 : 0];
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
    return new Map([...this.s.carries].map(([k, c]) => [this.plan.ops[k].node, c.slice(c.length - c.length / this.s.delaySteps[k])]));
  }

  /** Every Delay's whole carried history `[d, B, D]`, oldest first (`[B, D]` for d = 1): what `initialStates` takes to go on. */
  finalHistories(): Map<string, Float64Array> {
    return new Map([...this.s.carries].map(([k, c]) => [this.plan.ops[k].node, c.slice()]));
  }

  /** The step mask `[T,B]` of a time axis (time-major; no copy). */
  maskTimeMajor(axis: 0 | 1 = 0): Float64Array {
    return this.s.masks[axis];
  }

  /** The time axis of a value (0 source, 1 target; 0 for vectors). */
  axisOf(id: string): 0 | 1 {
    return this.s.bufAxis[this.s.buf(id)];
  }
}
