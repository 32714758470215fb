import { create } from 'zustand';
import { base64ToFloat32, type TelemetryFrame, type TelemetryWire } from '../../src/protocol';
import { RingSeries } from '../training/ring';

/**
 * What the insight views draw, in its own store: the periodic records of ‖∂L/∂h_t‖, gate
 * activations and hidden states (decoded from the wire), the pre-clip global gradient norm with
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
}

export interface InsightRecord {
  readonly step: number;
  readonly T: number;
  readonly length: number;
  readonly gradNorms: readonly GradTrace[];
  readonly traces: readonly ValueTrace[];
  /** Document edge id → ‖∂L/∂(value on the edge)‖ over the batch and all steps. */
  readonly edgeGrads: Readonly<Record<string, number>>;
  /** Document nodes whose every trainable parameter had a gradient norm below 1e-8. */
  readonly zeroGradNodes: readonly string[];
}

export type InsightTab = 'loss' | 'gradients' | 'gates' | 'params';

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
  setTab(tab: InsightTab): void;
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
  setTab: (tab) => set({ tab }),
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
      if (perStep.length !== r.T) throw new Error(`telemetry record of step ${r.step}: ‖∂L/∂h_t‖ of ${g.name} has ${perStep.length} steps, expected T = ${r.T}`);
      return { name: g.name, node: g.node, perStep };
    });
    const traces = r.traces.map((x) => {
      const values = base64ToFloat32(x.values, `records[${r.step}].${x.node}.${x.name}`);
      if (values.length !== x.shape[0] * x.shape[1]) throw new Error(`telemetry record of step ${r.step}: ${x.node}.${x.name} has ${values.length} values, expected ${x.shape[0]}×${x.shape[1]}`);
      return { kind: x.kind, node: x.node, name: x.name, shape: x.shape, values };
    });
    return { step: r.step, T: r.T, length: r.length, gradNorms, traces, edgeGrads: r.edgeGrads ?? {}, zeroGradNodes: r.zeroGradNodes ?? [] };
  });
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
