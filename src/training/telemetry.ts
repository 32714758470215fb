/**
 * Telemetry of a training session, batched for streaming: per-step numbers are appended to typed
 * arrays and sent as one `TelemetryBatch` at most every `intervalMs` (and, when set, every
 * `everySteps` steps), never as per-step messages. The expensive records (‖∂L/∂h_t‖ per recurrent
 * node, gate activations, hidden states, attention alignment matrices) are taken every
 * `recordEvery` steps and ride along in the next batch.
 */
import { expandGraph } from '../compiler/expand';
import type { Plan } from '../compiler/plan';
import type { Executor } from '../engine/executor';
import type { GraphEdge, GraphNode } from '../graph/document';
import type { ResolvedTelemetry } from './config';
import type { AxisTokens } from './tokens';

/** ‖∂L/∂h_t‖ of one recurrent node at every step (zero at steps padded for every sample). */
export interface GradNormRecord {
  readonly name: string;
  readonly node: string;
  /** (T) */
  readonly perStep: Float64Array;
}

/** A per-step value of one sample, `[T, H]` row-major (gate activations, hidden states). */
export interface TraceRecord {
  /** The document node. */
  readonly node: string;
  /** Probe name (`f`, `i`, `o`, `z`, `r`, …) or `h` for a recurrent state. */
  readonly name: string;
  /** The value id in the plan. */
  readonly value: string;
  readonly shape: readonly [number, number];
  readonly values: Float32Array;
  /** 1 for a value on an n→m target (decoder) axis: its T is T′ (absent: the source axis). */
  readonly axis?: 1;
}

export interface Recording {
  /** The training step (1-based) it was taken at. */
  readonly step: number;
  /** Padded length T and the recorded sample's valid length τ. */
  readonly T: number;
  readonly sample: number;
  readonly length: number;
  /** The sample's valid length τ′ on the target axis (n→m graphs only). */
  readonly targetLength?: number;
  readonly gradNorms: readonly GradNormRecord[];
  /** Gate activations (the plan's probes) of the recorded sample. */
  readonly gates: readonly TraceRecord[];
  /** Hidden states of every recurrent node, of the recorded sample. */
  readonly states: readonly TraceRecord[];
  /**
   * Document edge id → ‖∂L/∂(value on the edge)‖, Frobenius norm over the batch and all steps of the
   * last backward window (the gradient of the value the edge's source port carries).
   */
  readonly edgeGrads: Readonly<Record<string, number>>;
  /** Document nodes with trainable parameters whose every parameter's pre-clip gradient norm is below `ZERO_GRAD`. */
  readonly zeroGradNodes: readonly string[];
  /** The recorded sample's token names per time axis, when its data are named token ids (see `sampleTokens`). */
  readonly tokens?: AxisTokens;
  /** Alignment matrices of every attention node, of the recorded sample (absent: not taken; see `withAttention`). */
  readonly attention?: readonly AttentionRecord[];
  /** Histograms of every trainable parameter's values and gradient (absent: not taken; see `paramHistograms`). */
  readonly histograms?: readonly ParamHistogram[];
}

/** Bins of every telemetry histogram. */
export const HISTOGRAM_BINS = 32;

/**
 * Equal-width bins over `[lo, hi]`: bin k holds the values v with `lo + k·w ≤ v < lo + (k+1)·w`
 * (w = (hi − lo)/bins; the last bin also holds `hi`). `lo`/`hi` are the smallest and largest finite
 * values; when they coincide (a constant tensor, or none at all: centre 0) the range is widened to
 * `centre ± max(|centre|, 1)/2`. Non-finite values are counted apart, in no bin.
 */
export interface Histogram {
  readonly lo: number;
  readonly hi: number;
  /** (bins) */
  readonly counts: Uint32Array;
  /** NaN and ±Infinity values (not in any bin). */
  readonly nonFinite: number;
}

/** A trainable parameter's histograms at one recorded step. */
export interface ParamHistogram {
  /** The weight name, `<node>.<param>`. */
  readonly name: string;
  readonly values: Histogram;
  /** ∂L/∂θ (absent when the step's gradient was not at hand). */
  readonly grads?: Histogram;
}

/** The histogram of `values` in `bins` equal-width bins (the rule is `Histogram`'s). */
export function histogram(values: ArrayLike<number>, bins = HISTOGRAM_BINS): Histogram {
  if (!(Number.isInteger(bins) && bins >= 1)) throw new RangeError(`histogram: bins must be a whole number ≥ 1, got ${bins}`);
  let lo = Infinity;
  let hi = -Infinity;
  let nonFinite = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) nonFinite++;
    else {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (!(hi > lo)) {
    const centre = lo <= hi ? lo : 0;
    const half = Math.max(Math.abs(centre), 1) / 2;
    lo = centre - half;
    hi = centre + half;
  }
  const counts = new Uint32Array(bins);
  const scale = bins / (hi - lo);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) counts[Math.min(bins - 1, Math.floor((v - lo) * scale))]++;
  }
  return { lo, hi, counts, nonFinite };
}

/** The `bins + 1` edges of a histogram: `lo + k·(hi − lo)/bins`. */
export function histogramEdges(h: Pick<Histogram, 'lo' | 'hi' | 'counts'>): Float64Array {
  const n = h.counts.length;
  const edges = new Float64Array(n + 1);
  for (let k = 0; k <= n; k++) edges[k] = k === n ? h.hi : h.lo + (k * (h.hi - h.lo)) / n;
  return edges;
}

/**
 * Histograms of the parameters `names` (in that order): their values from `weight`, and their
 * gradients from `grads` when it is given (a name missing from `grads` gets none).
 */
export function paramHistograms(names: readonly string[], weight: (name: string) => ArrayLike<number>, grads?: ReadonlyMap<string, ArrayLike<number>>): ParamHistogram[] {
  return names.map((name) => {
    const g = grads?.get(name);
    return { name, values: histogram(weight(name)), ...(g === undefined ? {} : { grads: histogram(g) }) };
  });
}

/**
 * The alignment matrix α of one attention node for the recorded sample: `Attention` (plan op
 * `attend`: query steps on the query's axis, memory steps on the memory's axis) or `SelfAttention`
 * (a `sequence` op with an `alpha` probe: queries and keys on the same axis).
 */
export interface AttentionRecord {
  /** The plan node (the document node for a primitive). */
  readonly node: string;
  readonly kind: 'attend' | 'self';
  /** [T_q, T_m]: the sample's valid query and memory steps. */
  readonly shape: readonly [number, number];
  /** (T_q·T_m) row-major: row i holds α_{i,t} over memory steps t. */
  readonly alpha: Float32Array;
  /** (T_q) local attention's centre p_i on the 1-based memory scale `t = 1..τ_x` (absent for global attention). */
  readonly p?: Float32Array;
  /** (T_q) the tokens of the query steps: the output token each emits, the input tokens for self-attention (absent: not named). */
  readonly rows?: readonly string[];
  /** (T_m) the tokens of the memory steps (absent: not named). */
  readonly cols?: readonly string[];
}

/** A parameter gradient norm below this counts as none at all (a node whose every parameter is below it is flagged). */
export const ZERO_GRAD = 1e-8;

/** A document edge and the plan value its source port carries. */
export interface EdgeValue {
  readonly edge: string;
  readonly value: string;
}

/**
 * Which plan value each document edge carries: `<node>.<port>` for a primitive source, the inner
 * value that produces the outer output for a composite (a fused cell's `h`). Edges whose source
 * value the plan does not hold are left out. Call it with the document the plan was compiled from.
 */
export function edgeValues(plan: Plan, doc: { readonly nodes: readonly GraphNode[]; readonly edges: readonly GraphEdge[] }): EdgeValue[] {
  const held = new Set(plan.buffers.map((b) => b.id));
  const outer = new Map<string, string>();
  for (const c of expandGraph(doc).composites) {
    for (const o of c.outputs) outer.set(`${c.id}.${o.port}`, `${o.source.node}.${o.source.port}`);
  }
  const out: EdgeValue[] = [];
  for (const e of doc.edges) {
    const key = `${e.source.node}.${e.source.port}`;
    // A fused composite keeps its own output value; an expanded one hands it to an inner node.
    const value = [outer.get(key), key].find((v) => v !== undefined && held.has(v));
    if (value !== undefined) out.push({ edge: e.id, value });
  }
  return out;
}

/** ‖∂L/∂v‖_F over the whole buffer of each edge's value, from the executor's last backward. */
export function edgeGradNorms(exec: Executor, edges: readonly EdgeValue[]): Record<string, number> {
  const norms = new Map<string, number>();
  const out: Record<string, number> = {};
  for (const { edge, value } of edges) {
    let n = norms.get(value);
    if (n === undefined) {
      const g = exec.rawGradient(value); // (T,B,D) or (B,D)
      let s = 0;
      for (let i = 0; i < g.length; i++) s += g[i] * g[i];
      n = Math.sqrt(s);
      norms.set(value, n);
    }
    out[edge] = n;
  }
  return out;
}

/**
 * The document nodes whose trainable parameters all had a gradient norm below `ZERO_GRAD`
 * (`paramNorms` in `trainable` order). Nodes without trainable parameters are never listed.
 */
export function zeroGradNodes(plan: Plan, trainable: readonly string[], paramNorms: ArrayLike<number>): string[] {
  const originOf = new Map(plan.ops.map((op) => [op.node, op.origin]));
  const byName = new Map(plan.params.map((p) => [p.name, p]));
  const quiet = new Map<string, boolean>();
  trainable.forEach((name, i) => {
    const p = byName.get(name);
    if (p === undefined) return;
    const node = originOf.get(p.node) ?? p.node;
    quiet.set(node, (quiet.get(node) ?? true) && paramNorms[i] < ZERO_GRAD);
  });
  return [...quiet].filter(([, q]) => q).map(([n]) => n);
}

/**
 * α of every attention node of the plan for sample `sample` of the executor's last forward, cut to
 * that sample's valid query and memory lengths. It reads the weights only through
 * `Executor.attentionProbes` and `Executor.sequenceProbes`, the functions the conformance runner
 * checks attention weights with, so the dashboard draws exactly what the conformance cases verify.
 */
export function attentionRecords(exec: Executor, sample: number, tokens: AxisTokens = {}): AttentionRecord[] {
  // a label list fits an axis only when it lies on it and covers exactly the sample's valid steps there
  const fit = (l: readonly string[] | undefined, onAxis: boolean, n: number) => (onAxis && l !== undefined && l.length === n ? l : undefined);
  const out: AttentionRecord[] = [];
  for (const op of exec.plan.ops) {
    if (op.kind !== 'attend' && op.kind !== 'sequence') continue;
    const probes = op.kind === 'attend' ? exec.attentionProbes(op.node) : exec.sequenceProbes(op.node);
    const alpha = probes.alpha; // (B,T_q,T_m)
    if (alpha === undefined || alpha.shape.length !== 3) continue;
    const [, Tq, Tm] = alpha.shape;
    const qAxis = op.axis ?? 0;
    const mAxis = op.kind === 'attend' ? exec.axisOf(op.inputs.memory) : qAxis;
    const nq = Math.min(Tq, exec.lengthsOf(qAxis)[sample] ?? Tq);
    const nm = Math.min(Tm, exec.lengthsOf(mAxis)[sample] ?? Tm);
    const values = new Float32Array(nq * nm);
    for (let i = 0; i < nq; i++) {
      const row = (sample * Tq + i) * Tm;
      for (let t = 0; t < nm; t++) values[i * nm + t] = alpha.data[row + t];
    }
    const p = probes.p; // (B,T_q)
    // rows: the output token each query step emits; a self-attention's queries are its input tokens
    const rows = op.kind === 'attend' ? fit(tokens.outputs, tokens.outputAxis === qAxis, nq) : fit(tokens.inputs, qAxis === 0, nq);
    const cols = fit(tokens.inputs, mAxis === 0, nm);
    out.push({
      node: op.node,
      kind: op.kind === 'attend' ? 'attend' : 'self',
      shape: [nq, nm],
      alpha: values,
      ...(p === undefined ? {} : { p: Float32Array.from(p.data.subarray(sample * Tq, sample * Tq + nq)) }),
      ...(rows === undefined ? {} : { rows }),
      ...(cols === undefined ? {} : { cols }),
    });
  }
  return out;
}

/**
 * `r` with the attention alignment matrices of its sample, which `exec` still holds after the
 * recorded step (from the step's forward), their axes named by the record's tokens. The trainer
 * takes the histograms itself.
 */
export function withAttention(r: Recording, exec: Executor): Recording {
  const attention = attentionRecords(exec, r.sample, r.tokens);
  return attention.length === 0 ? r : { ...r, attention };
}

/** One row of per-step numbers, as the session produces it. */
export interface StepRow {
  readonly step: number;
  readonly loss: number;
  readonly lr: number;
  /** Pre-clip global gradient norm (the largest over the step's updates under truncated BPTT). */
  readonly gradNorm: number;
  /** How many of the step's updates were clipped. */
  readonly clipped: number;
  /** Per-parameter pre-clip gradient norms, in `paramNames` order. */
  readonly paramNorms: Float64Array;
  /** `<lossNode>.accuracy` / `<lossNode>.mse` → value. */
  readonly metrics: Readonly<Record<string, number>>;
}

/**
 * The per-step columns of a batch of telemetry: `count` rows in every array. `P` is the element type
 * of the per-parameter norms (float64 in process, float32 once sent).
 */
export interface StepColumns<P extends Float64Array | Float32Array = Float64Array> {
  /** Number of steps in this batch; every array below has this many rows. */
  readonly count: number;
  /** (count) 1-based training steps. */
  readonly step: Int32Array;
  readonly loss: Float64Array;
  readonly lr: Float64Array;
  readonly gradNorm: Float64Array;
  readonly clipped: Uint8Array;
  /** Metric name → (count). */
  readonly metrics: Readonly<Record<string, Float64Array>>;
  /** The trainable parameters, in the order of `paramGradNorms`' columns. */
  readonly paramNames: readonly string[];
  /** (count, P) row-major: per-parameter pre-clip gradient norms. */
  readonly paramGradNorms: P;
  /** Steps per second over this batch (wall clock since the previous batch). */
  readonly stepsPerSecond: number;
  /** ms since the session started (paused time excluded). */
  readonly elapsedMs: number;
}

/** One batch of telemetry as a session emits it: the step columns and the records taken meanwhile. */
export interface TelemetryBatch extends StepColumns {
  readonly records: readonly Recording[];
}

class Column<A extends Float64Array | Int32Array | Uint8Array> {
  constructor(
    private data: A,
    private readonly make: (n: number) => A,
  ) {}
  push(n: number, values: ArrayLike<number>, width = 1): void {
    const need = (n + 1) * width;
    if (need > this.data.length) {
      const bigger = this.make(Math.max(need, this.data.length * 2));
      bigger.set(this.data);
      this.data = bigger;
    }
    for (let j = 0; j < width; j++) this.data[n * width + j] = values[j];
  }
  take(n: number, width = 1): A {
    return this.data.slice(0, n * width) as A;
  }
}

const f64 = (n: number) => new Float64Array(n);

/** Accumulates step rows and records; `flush` builds a batch of what is pending. */
export class TelemetryBuffer {
  private n = 0;
  private step = new Column(new Int32Array(64), (k) => new Int32Array(k));
  private loss = new Column(f64(64), f64);
  private lr = new Column(f64(64), f64);
  private gradNorm = new Column(f64(64), f64);
  private clipped = new Column(new Uint8Array(64), (k) => new Uint8Array(k));
  private params: Column<Float64Array>;
  private metrics = new Map<string, Column<Float64Array>>();
  private records: Recording[] = [];
  private lastFlush: number;

  constructor(
    private readonly options: ResolvedTelemetry,
    readonly paramNames: readonly string[],
    now: number,
  ) {
    this.params = new Column(f64(64 * Math.max(1, paramNames.length)), f64);
    this.lastFlush = now;
  }

  get pending(): number {
    return this.n;
  }

  push(row: StepRow): void {
    const n = this.n;
    this.step.push(n, [row.step]);
    this.loss.push(n, [row.loss]);
    this.lr.push(n, [row.lr]);
    this.gradNorm.push(n, [row.gradNorm]);
    this.clipped.push(n, [Math.min(255, row.clipped)]);
    this.params.push(n, row.paramNorms, this.paramNames.length);
    for (const [name, v] of Object.entries(row.metrics)) {
      let col = this.metrics.get(name);
      if (col === undefined) {
        col = new Column(new Float64Array(64).fill(NaN), (k) => new Float64Array(k).fill(NaN));
        this.metrics.set(name, col);
      }
      col.push(n, [v]);
    }
    this.n++;
  }

  record(r: Recording): void {
    this.records.push(r);
  }

  /** Whether a batch is due at time `now` (ms): the interval has passed, or `everySteps` steps are pending. */
  due(now: number): boolean {
    if (this.n === 0 && this.records.length === 0) return false;
    return now - this.lastFlush >= this.options.intervalMs || this.n >= this.options.everySteps;
  }

  /** The pending rows and records as one batch (undefined when nothing is pending). */
  flush(now: number, elapsedMs: number): TelemetryBatch | undefined {
    if (this.n === 0 && this.records.length === 0) return undefined;
    const n = this.n;
    const P = this.paramNames.length;
    const seconds = (now - this.lastFlush) / 1000;
    const batch: TelemetryBatch = {
      count: n,
      step: this.step.take(n),
      loss: this.loss.take(n),
      lr: this.lr.take(n),
      gradNorm: this.gradNorm.take(n),
      clipped: this.clipped.take(n),
      metrics: Object.fromEntries([...this.metrics].map(([k, c]) => [k, c.take(n)])),
      paramNames: this.paramNames,
      paramGradNorms: this.params.take(n, P),
      stepsPerSecond: seconds > 0 ? n / seconds : 0,
      elapsedMs,
      records: this.records,
    };
    this.n = 0;
    this.records = [];
    this.lastFlush = now;
    return batch;
  }
}

const histJson = (h: Histogram) => ({ lo: h.lo, hi: h.hi, counts: Array.from(h.counts), nonFinite: h.nonFinite });

/** A batch as plain JSON-safe data (typed arrays become arrays), e.g. one line of a `.jsonl` file. */
export function telemetryToJson(b: TelemetryBatch): Record<string, unknown> {
  const arr = (a: ArrayLike<number>) => Array.from(a);
  return {
    count: b.count,
    step: arr(b.step),
    loss: arr(b.loss),
    lr: arr(b.lr),
    gradNorm: arr(b.gradNorm),
    clipped: arr(b.clipped),
    metrics: Object.fromEntries(Object.entries(b.metrics).map(([k, v]) => [k, arr(v)])),
    paramNames: b.paramNames,
    paramGradNorms: arr(b.paramGradNorms),
    stepsPerSecond: b.stepsPerSecond,
    elapsedMs: b.elapsedMs,
    records: b.records.map((r) => ({
      ...r,
      gradNorms: r.gradNorms.map((g) => ({ ...g, perStep: arr(g.perStep) })),
      gates: r.gates.map((g) => ({ ...g, values: arr(g.values) })),
      states: r.states.map((g) => ({ ...g, values: arr(g.values) })),
      edgeGrads: { ...r.edgeGrads },
      zeroGradNodes: [...r.zeroGradNodes],
      attention: (r.attention ?? []).map((a) => ({ ...a, shape: [...a.shape], alpha: arr(a.alpha), ...(a.p === undefined ? {} : { p: arr(a.p) }) })),
      histograms: (r.histograms ?? []).map((h) => ({ name: h.name, values: histJson(h.values), ...(h.grads === undefined ? {} : { grads: histJson(h.grads) }) })),
    })),
  };
}
