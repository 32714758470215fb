import { create } from 'zustand';
import { base64ToFloat32, base64ToUint32, type HistogramWire, type TelemetryFrame, type TelemetryWire } from '../../src/protocol';
import { RingSeries } from '../training/ring';

/**
 * What the insight views draw, in its own store: the periodic records of ‖∂L/∂h_t‖, gate
 * activations, hidden states and attention alignment matrices (decoded from the wire), the pre-clip global gradient norm with
 * where clipping fired, and per-parameter gradient norms. Series are rings mutated in place;
 * `version` is bumped after each batch.
 */

/** Records kept (the oldest are dropped beyond this). */
export const RECORDS_CAPACITY = 400;
/** Points kept per series. */
export const INSIGHT_SERIES_CAPACITY = 20_000;

export interface GradTrace {
  /** Recurrent value name (per direction for bidirectional nodes). */
  readonly name: string;
  readonly node: string;
  /** (T) ‖∂L/∂h_t‖. */
  readonly perStep: Float32Array;
}

export interface ValueTrace {
  readonly kind: 'gate' | 'state';
  readonly node: string;
  readonly name: string;
  /** [T, H] */
  readonly shape: readonly [number, number];
  /** (T*H) row-major. */
  readonly values: Float32Array;
  /** 1 for a decoder value on the n→m target axis (T = T′); absent: the source axis. */
  readonly axis?: 1;
}

/** The recorded sample's token names: inputs on the source axis, outputs on `outputAxis`. */
export interface RecordTokens {
  readonly inputs?: readonly string[];
  readonly outputs?: readonly string[];
  readonly outputAxis?: 0 | 1;
}

/** One attention node's alignment matrix for the recorded sample (rows: query steps, columns: memory steps). */
export interface AttentionTrace {
  readonly node: string;
  /** `attend`: an Attention node (decoder steps over encoder steps); `self`: a SelfAttention node. */
  readonly kind: 'attend' | 'self';
  /** [T_q, T_m]: the sample's valid query and memory steps. */
  readonly shape: readonly [number, number];
  /** (T_q·T_m) row-major α. */
  readonly alpha: Float32Array;
  /** (T_q) local attention's centre p_i (1-based memory position). */
  readonly p?: Float32Array;
  /** (T_q) the query steps' tokens (output tokens; input tokens for self-attention), when the data name them. */
  readonly rows?: readonly string[];
  /** (T_m) the memory steps' tokens, when the data name them. */
  readonly cols?: readonly string[];
}

/** Equal-width bins over `[lo, hi]` (edges `lo + k·(hi − lo)/bins`); `nonFinite` values are in no bin. */
export interface HistogramData {
  readonly lo: number;
  readonly hi: number;
  /** (bins) */
  readonly counts: Uint32Array;
  readonly nonFinite: number;
}

/** A trainable parameter's histograms at a recorded step. */
export interface ParamHistogramData {
  readonly name: string;
  readonly values: HistogramData;
  /** ∂L/∂θ (absent when the host did not take it). */
  readonly grads?: HistogramData;
}

export interface InsightRecord {
  readonly step: number;
  readonly T: number;
  readonly length: number;
  /** τ′ of the sample on the target axis (n→m graphs). */
  readonly targetLength?: number;
  /** Token names of the sample, when its data are named tokens. */
  readonly tokens?: RecordTokens;
  readonly gradNorms: readonly GradTrace[];
  readonly traces: readonly ValueTrace[];
  /** Document edge id → ‖∂L/∂(value on the edge)‖ over the batch and all steps. */
  readonly edgeGrads: Readonly<Record<string, number>>;
  /** Document nodes whose every trainable parameter had a gradient norm below 1e-8. */
  readonly zeroGradNodes: readonly string[];
  /** Alignment matrices of the graph's attention nodes (empty when it has none). */
  readonly attention: readonly AttentionTrace[];
  /** Histograms of the trainable parameters (absent or empty when the host sent none). */
  readonly histograms?: readonly ParamHistogramData[];
}

export type InsightTab = 'loss' | 'gradients' | 'gates' | 'attention' | 'params';

export interface InsightState {
  tab: InsightTab;
  records: InsightRecord[];
  gradNorm: RingSeries;
  /** The pre-clip norm at steps where clipping fired (NaN elsewhere, so they chart as marks). */
  clipped: RingSeries;
  /** The clip threshold of the run (undefined: no clipping). */
  clip: number | undefined;
  paramNames: readonly string[];
  params: RingSeries[];
  version: number;
  /** Whether the canvas tints edges by the latest record's gradient norms. */
  flow: boolean;
  /** The parameter whose histograms the Parameters tab shows (undefined: the first). */
  histParam: string | undefined;
  /** Histogram bar heights by log10(1 + count). */
  histLog: boolean;
  setTab(tab: InsightTab): void;
  setHistParam(name: string): void;
  setHistLog(on: boolean): void;
  setFlow(on: boolean): void;
  reset(clip: number | undefined): void;
}

export const useInsight = create<InsightState>()((set) => ({
  tab: 'loss',
  records: [],
  gradNorm: new RingSeries(INSIGHT_SERIES_CAPACITY),
  clipped: new RingSeries(INSIGHT_SERIES_CAPACITY),
  clip: undefined,
  paramNames: [],
  params: [],
  version: 0,
  flow: true,
  histParam: undefined,
  histLog: false,
  setTab: (tab) => set({ tab }),
  setHistParam: (histParam) => set({ histParam }),
  setHistLog: (histLog) => set({ histLog }),
  setFlow: (flow) => set({ flow }),
  reset: (clip) =>
    set((s) => {
      s.gradNorm.clear();
      s.clipped.clear();
      return { records: [], clip, paramNames: [], params: [], version: s.version + 1 };
    }),
}));

/** Decodes the wire's records (float32 base64); throws naming the record when an array has the wrong length. */
export function decodeRecords(records: TelemetryWire['records']): InsightRecord[] {
  return records.map((r) => {
    const gradNorms = r.gradNorms.map((g) => {
      const perStep = base64ToFloat32(g.perStep, `records[${r.step}].gradNorms.${g.name}`);
      // A decoder's state runs on the target axis: its own trace's T′ steps are as good as T.
      const own = r.traces.filter((x) => x.node === g.node).map((x) => x.shape[0]);
      if (perStep.length !== r.T && !own.includes(perStep.length)) throw new Error(`telemetry record of step ${r.step}: ‖∂L/∂h_t‖ of ${g.name} has ${perStep.length} steps, expected T = ${r.T}${own.length > 0 && own[0] !== r.T ? ` or T′ = ${own[0]}` : ''}`);
      return { name: g.name, node: g.node, perStep };
    });
    const traces = r.traces.map((x) => {
      const values = base64ToFloat32(x.values, `records[${r.step}].${x.node}.${x.name}`);
      if (values.length !== x.shape[0] * x.shape[1]) throw new Error(`telemetry record of step ${r.step}: ${x.node}.${x.name} has ${values.length} values, expected ${x.shape[0]}×${x.shape[1]}`);
      return { kind: x.kind, node: x.node, name: x.name, shape: x.shape, values, ...(x.axis === 1 ? { axis: 1 as const } : {}) };
    });
    const attention = (r.attention ?? []).map((a): AttentionTrace => {
      const [Tq, Tm] = a.shape;
      const alpha = base64ToFloat32(a.alpha, `records[${r.step}].attention.${a.node}.alpha`);
      if (alpha.length !== Tq * Tm) throw new Error(`telemetry record of step ${r.step}: attention.${a.node}.alpha has ${alpha.length} values, expected ${Tq}×${Tm}`);
      const named = { ...(a.rows === undefined ? {} : { rows: a.rows }), ...(a.cols === undefined ? {} : { cols: a.cols }) };
      if (a.p === undefined) return { node: a.node, kind: a.kind, shape: a.shape, alpha, ...named };
      const p = base64ToFloat32(a.p, `records[${r.step}].attention.${a.node}.p`);
      if (p.length !== Tq) throw new Error(`telemetry record of step ${r.step}: attention.${a.node}.p has ${p.length} values, expected T_q = ${Tq}`);
      return { node: a.node, kind: a.kind, shape: a.shape, alpha, p, ...named };
    });
    const histograms = (r.histograms ?? []).map((h): ParamHistogramData => {
      const values = decodeHistogram(h.values, `records[${r.step}].histograms.${h.name}.values`);
      return h.grads === undefined ? { name: h.name, values } : { name: h.name, values, grads: decodeHistogram(h.grads, `records[${r.step}].histograms.${h.name}.grads`) };
    });
    return { step: r.step, T: r.T, length: r.length, ...(r.targetLength === undefined ? {} : { targetLength: r.targetLength }), ...(r.tokens === undefined ? {} : { tokens: r.tokens }), gradNorms, traces, edgeGrads: r.edgeGrads ?? {}, zeroGradNodes: r.zeroGradNodes ?? [], attention, histograms };
  });
}

/** A wire histogram's counts as numbers; throws naming `what` when they do not fill its bins. */
export function decodeHistogram(h: HistogramWire, what: string): HistogramData {
  const counts = base64ToUint32(h.counts, `${what}.counts`);
  if (counts.length !== h.bins) throw new Error(`telemetry ${what}.counts: ${counts.length} values, expected ${h.bins} (one per bin)`);
  if (!(h.hi > h.lo)) throw new Error(`telemetry ${what}: hi (${h.hi}) must be greater than lo (${h.lo})`);
  return { lo: h.lo, hi: h.hi, counts, nonFinite: h.nonFinite };
}

/** Adds one telemetry batch (its decoded frame and its wire records) to the insight store. */
export function ingestTelemetry(frame: TelemetryFrame, records: TelemetryWire['records']): void {
  const s = useInsight.getState();
  const P = frame.paramNames.length;
  let params = s.params;
  let paramNames = s.paramNames;
  if (P > 0 && (paramNames.length !== P || paramNames.some((n, i) => n !== frame.paramNames[i]))) {
    paramNames = frame.paramNames;
    params = frame.paramNames.map(() => new RingSeries(INSIGHT_SERIES_CAPACITY));
  }
  for (let i = 0; i < frame.count; i++) {
    const step = frame.step[i]!;
    const g = frame.gradNorm[i]!;
    s.gradNorm.push(step, g);
    s.clipped.push(step, frame.clipped[i]! > 0 ? g : NaN);
    for (let p = 0; p < P; p++) params[p]!.push(step, frame.paramGradNorms[i * P + p]!);
  }
  const added = decodeRecords(records);
  const all = added.length === 0 ? s.records : [...s.records, ...added].slice(-RECORDS_CAPACITY);
  useInsight.setState({ records: all, params, paramNames, version: s.version + 1 });
}
