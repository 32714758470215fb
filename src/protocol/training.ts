import { z } from 'zod';
import { GraphDocumentSchema, TrainingConfigSchema } from '../graph/document';
import { decodeBase64, encodeBase64 } from '../graph/base64';
import type { StepColumns } from '../training/telemetry';

/**
 * Training sessions over the protocol: the payloads of `session.*` requests and events, and the
 * compact wire form of telemetry (typed arrays as little-endian base64, one message per batch).
 * The host runs each session in a worker thread; the renderer only asks and listens.
 */

/** The kernel backends a session may ask for (the names of `kernels/index.ts`, checked by a test). */
export const TRAINING_BACKENDS = ['auto', 'reference', 'f32', 'gpujs:webasm', 'gpujs:cpu', 'gpujs:webgpu', 'gpujs:headlessgl'] as const;
export type TrainingBackend = (typeof TRAINING_BACKENDS)[number];

/** How many sessions a host runs at once (each one is a worker thread). */
export const MAX_SESSIONS = 4;

const shape = TrainingConfigSchema.shape;

/** Changes to the document's training config; `null` removes an optional field (e.g. `clip: null`). */
export const ConfigOverridesSchema = z.strictObject({
  optimizer: shape.optimizer.optional(),
  batchSize: shape.batchSize.optional(),
  steps: shape.steps.optional(),
  seed: shape.seed.optional(),
  clip: shape.clip.unwrap().nullable().optional(),
  tbptt: shape.tbptt.unwrap().nullable().optional(),
  pascanu: shape.pascanu.unwrap().nullable().optional(),
  stateful: shape.stateful.unwrap().nullable().optional(),
  lrSchedule: shape.lrSchedule.unwrap().nullable().optional(),
});
export type ConfigOverridesPayload = z.input<typeof ConfigOverridesSchema>;
export type ConfigOverridesParsed = z.output<typeof ConfigOverridesSchema>;

const sessionId = z.string().regex(/^s[0-9]{1,9}$/, 'must be a session id from session.start (s1, s2, …)');

export const SessionStartSchema = z.strictObject({
  /** The graph to train (restored by the host: the renderer is untrusted). */
  doc: GraphDocumentSchema,
  config: ConfigOverridesSchema.optional(),
  /** Built-in task id (`adding`, …); default: the document's `training.task`. */
  task: z.string().min(1).max(64).optional(),
  /** The task's params (`{ T: 10 }`); checked by the task's own schema. */
  taskParams: z.record(z.string().max(64), z.union([z.number(), z.string().max(256), z.boolean()])).optional(),
  /** Default `auto`. */
  backend: z.enum(TRAINING_BACKENDS).optional(),
});

export const CandidateSchema = z.strictObject({ name: z.string(), reason: z.string(), ms: z.number().optional() });

/** What runs a session: what was asked for, what was chosen and why, and what was passed over. */
export const BackendInfoSchema = z.strictObject({
  requested: z.string(),
  name: z.string(),
  precision: z.enum(['float64', 'float32']),
  summary: z.string(),
  ms: z.number().optional(),
  passedOver: z.array(CandidateSchema),
});
export type BackendInfoPayload = z.infer<typeof BackendInfoSchema>;

export const SessionStartedSchema = z.strictObject({
  sessionId: z.string(),
  backend: BackendInfoSchema,
  /** The resolved training config (defaults filled in). */
  config: TrainingConfigSchema,
  /** Steps already done (0 for a fresh run) and the run's total. */
  step: z.number().int().min(0),
  totalSteps: z.number().int().min(1),
  /** The loss nodes and metric names the telemetry will carry. */
  metrics: z.array(z.string()),
});
export type SessionStarted = z.infer<typeof SessionStartedSchema>;

/** A session's states (those of `src/training`'s `Session`). */
export const SESSION_STATUSES = ['idle', 'running', 'paused', 'finished', 'stopped', 'diverged'] as const;
export type SessionStatusName = (typeof SESSION_STATUSES)[number];

export const SessionRefSchema = z.strictObject({ sessionId });

export const SESSION_REQUESTS = {
  /** Starts training `doc` in a worker thread; answers once the backend is chosen and the graph compiled. */
  'session.start': { payload: SessionStartSchema, result: SessionStartedSchema },
  /** Pauses after the current step. */
  'session.pause': { payload: SessionRefSchema, result: z.strictObject({ changed: z.boolean() }) },
  'session.resume': { payload: SessionRefSchema, result: z.strictObject({ changed: z.boolean() }) },
  /** Stops after the current step (also while paused). */
  'session.stop': { payload: SessionRefSchema, result: z.strictObject({ changed: z.boolean() }) },
  /** Stateful training: the next batch starts from the initial states; `changed` is false when no state was carried. */
  'session.resetState': { payload: SessionRefSchema, result: z.strictObject({ changed: z.boolean() }) },
  /** The document the session started from, with the current trained weights (float32) and the resolved config. */
  'session.weights': { payload: SessionRefSchema, result: z.strictObject({ doc: GraphDocumentSchema, step: z.number().int().min(0) }) },
} as const satisfies Record<string, { payload: z.ZodType; result: z.ZodType }>;

/** A typed array on the wire: little-endian base64 of its bytes. */
const b64 = z.string().max(64 * 1024 * 1024);

/** Characters of the base64 text of `n` float32 (or other 4-byte) values. */
const f32Base64Length = (n: number) => 4 * Math.ceil((n * 4) / 3);

/**
 * One attention node's alignment matrix for the recorded sample: `[T_q, T_m]` float32 base64 cut to
 * the sample's valid query and memory steps (row i: α_{i,t} over memory steps t), and local
 * attention's centres p_i (float32, `T_q`, 1-based memory positions); the steps' tokens when the data
 * name them (`rows`: output tokens, or input tokens for self-attention; `cols`: input tokens). The array lengths are checked
 * against `shape` here, so a malformed frame is refused naming the field.
 */
export const AttentionWireSchema = z
  .strictObject({
    node: z.string().min(1).max(256),
    kind: z.enum(['attend', 'self']),
    shape: z.tuple([z.number().int().min(0).max(100_000), z.number().int().min(0).max(100_000)]),
    alpha: b64,
    p: b64.optional(),
    /** The query steps' tokens (T_q) and the memory steps' tokens (T_m), when the data name them. */
    rows: z.array(z.string().max(64)).max(100_000).optional(),
    cols: z.array(z.string().max(64)).max(100_000).optional(),
  })
  .superRefine((a, ctx) => {
    const [Tq, Tm] = a.shape;
    if (a.rows !== undefined && a.rows.length !== Tq) ctx.addIssue({ code: 'custom', path: ['rows'], message: `rows of ${a.node} must name ${Tq} query steps, got ${a.rows.length}` });
    if (a.cols !== undefined && a.cols.length !== Tm) ctx.addIssue({ code: 'custom', path: ['cols'], message: `cols of ${a.node} must name ${Tm} memory steps, got ${a.cols.length}` });
    if (a.alpha.length !== f32Base64Length(Tq * Tm)) ctx.addIssue({ code: 'custom', path: ['alpha'], message: `alpha of ${a.node} must hold shape ${Tq}×${Tm} float32 values` });
    if (a.p !== undefined && a.p.length !== f32Base64Length(Tq)) ctx.addIssue({ code: 'custom', path: ['p'], message: `p of ${a.node} must hold ${Tq} float32 values (one per query step)` });
  });
export type AttentionWire = z.infer<typeof AttentionWireSchema>;

/**
 * One histogram of a parameter's values or gradient: `bins` equal-width bins over `[lo, hi]` (edges
 * `lo + k·(hi − lo)/bins`), the counts as little-endian uint32 base64, and the values in no bin
 * (NaN, ±Infinity). The counts' length is checked against `bins` here.
 */
export const HistogramWireSchema = z
  .strictObject({
    lo: z.number(),
    hi: z.number(),
    bins: z.number().int().min(1).max(256),
    counts: z.string().max(2048),
    nonFinite: z.number().int().min(0),
  })
  .superRefine((h, ctx) => {
    if (!(h.hi > h.lo)) ctx.addIssue({ code: 'custom', path: ['hi'], message: `hi (${h.hi}) must be greater than lo (${h.lo})` });
    if (h.counts.length !== f32Base64Length(h.bins)) ctx.addIssue({ code: 'custom', path: ['counts'], message: `counts must hold ${h.bins} uint32 values (one per bin)` });
  });
export type HistogramWire = z.infer<typeof HistogramWireSchema>;

/** A trainable parameter's histograms at a recorded step: its values and (when taken) its gradient ∂L/∂θ. */
export const ParamHistogramWireSchema = z.strictObject({
  name: z.string().min(1).max(256),
  values: HistogramWireSchema,
  grads: HistogramWireSchema.optional(),
});
export type ParamHistogramWire = z.infer<typeof ParamHistogramWireSchema>;

export const RecordWireSchema = z.strictObject({
  step: z.number().int(),
  T: z.number().int(),
  sample: z.number().int(),
  length: z.number().int(),
  /** The sample's valid length τ′ on the target axis (n→m graphs). */
  targetLength: z.number().int().optional(),
  /** The sample's token names (inputs on the source axis, outputs on `outputAxis`), when its data are named tokens. */
  tokens: z
    .strictObject({
      inputs: z.array(z.string().max(64)).max(100_000).optional(),
      outputs: z.array(z.string().max(64)).max(100_000).optional(),
      outputAxis: z.union([z.literal(0), z.literal(1)]).optional(),
    })
    .optional(),
  /** `name` → ‖∂L/∂h_t‖ per step, float32 base64. */
  gradNorms: z.array(z.strictObject({ name: z.string(), node: z.string(), perStep: b64 })),
  /** Gate activations and hidden states of the recorded sample: `[T, H]` float32 base64. */
  traces: z.array(z.strictObject({ kind: z.enum(['gate', 'state']), node: z.string(), name: z.string(), value: z.string(), shape: z.tuple([z.number().int(), z.number().int()]), values: b64, axis: z.literal(1).optional() })),
  /** Document edge id → ‖∂L/∂(value on the edge)‖ over the batch and all steps (absent from older hosts). */
  edgeGrads: z.record(z.string(), z.number()).optional(),
  /** Document nodes whose every trainable parameter had a gradient norm below 1e-8. */
  zeroGradNodes: z.array(z.string()).optional(),
  /** Alignment matrices of the attention nodes (absent from older hosts and graphs without attention). */
  attention: z.array(AttentionWireSchema).optional(),
  /** Per trainable parameter, histograms of its values and gradient (absent from older hosts). */
  histograms: z.array(ParamHistogramWireSchema).max(4096).optional(),
});

/** One telemetry batch as it travels: the session's arrays as base64 (float64 for the loss and metrics). */
export const TelemetryWireSchema = z.strictObject({
  sessionId: z.string(),
  count: z.number().int().min(0),
  /** Int32 steps. */
  step: b64,
  /** Float64 per step. */
  loss: b64,
  lr: b64,
  gradNorm: b64,
  /** Uint8 per step: updates clipped. */
  clipped: b64,
  /** Metric name → Float64 per step. */
  metrics: z.record(z.string(), b64),
  paramNames: z.array(z.string()),
  /** Float32 `(count, P)`. */
  paramGradNorms: b64,
  stepsPerSecond: z.number(),
  elapsedMs: z.number(),
  totalSteps: z.number().int(),
  records: z.array(RecordWireSchema),
});
export type TelemetryWire = z.infer<typeof TelemetryWireSchema>;

export const DivergenceSchema = z.strictObject({
  stage: z.enum(['forward', 'loss', 'gradient', 'weights']),
  node: z.string(),
  value: z.string(),
  step: z.number().int().optional(),
  /** The time axis of `step`: `target` for an encoder–decoder's decoder steps (absent from older hosts). */
  axis: z.enum(['source', 'target']).optional(),
  sample: z.number().int().optional(),
  found: z.string(),
  weight: z.boolean().optional(),
  trainingStep: z.number().int(),
  message: z.string(),
});

export const SESSION_EVENTS = {
  /** The session's state changed. */
  'session.status': z.strictObject({ sessionId: z.string(), status: z.enum(SESSION_STATUSES), step: z.number().int().min(0), totalSteps: z.number().int().min(0) }),
  /** Batched per-step numbers (at most 30 messages a second over all sessions). */
  'session.telemetry': TelemetryWireSchema,
  /** The NaN/Inf watchdog stopped the run: where the first non-finite number came from. The weights are those of the last good step. */
  'session.diverged': z.strictObject({ sessionId: z.string(), divergence: DivergenceSchema }),
  /** The session failed: its worker crashed or threw. The message says what happened. */
  'session.error': z.strictObject({ sessionId: z.string(), code: z.string(), message: z.string() }),
  /** The run is over; the session's weights stay available through `session.weights` until another session starts. */
  'session.ended': z.strictObject({
    sessionId: z.string(),
    status: z.enum(['finished', 'stopped', 'diverged', 'failed']),
    step: z.number().int().min(0),
    elapsedMs: z.number(),
    lastLoss: z.number().nullable(),
  }),
} as const satisfies Record<string, z.ZodType>;

/** A decoded telemetry batch, as the renderer uses it: the session's step columns (norms as float32), its id and its planned steps. */
export interface TelemetryFrame extends StepColumns<Float32Array> {
  readonly sessionId: string;
  readonly totalSteps: number;
}

/** Typed array → little-endian base64 (the platforms Unroll runs on are little-endian). */
export function typedToBase64(a: Int32Array | Uint32Array | Float64Array | Float32Array | Uint8Array): string {
  return encodeBase64(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}

function bytes(text: string, what: string, width: number): Uint8Array {
  const r = decodeBase64(text);
  if (!r.ok) throw new Error(`telemetry ${what}: ${r.message}`);
  if (r.bytes.length % width !== 0) throw new Error(`telemetry ${what}: ${r.bytes.length} bytes is not a whole number of ${width}-byte values`);
  return r.bytes;
}

export const base64ToFloat64 = (text: string, what = 'values'): Float64Array => {
  const b = bytes(text, what, 8);
  return new Float64Array(b.buffer, b.byteOffset, b.length / 8);
};
export const base64ToFloat32 = (text: string, what = 'values'): Float32Array => {
  const b = bytes(text, what, 4);
  return new Float32Array(b.buffer, b.byteOffset, b.length / 4);
};
export const base64ToInt32 = (text: string, what = 'values'): Int32Array => {
  const b = bytes(text, what, 4);
  return new Int32Array(b.buffer, b.byteOffset, b.length / 4);
};
export const base64ToUint32 = (text: string, what = 'values'): Uint32Array => {
  const b = bytes(text, what, 4);
  return new Uint32Array(b.buffer, b.byteOffset, b.length / 4);
};

/** Decodes a telemetry message; throws naming the field when an array does not have `count` rows. */
export function decodeTelemetry(w: TelemetryWire): TelemetryFrame {
  const rows = <A extends { length: number }>(a: A, what: string, width = 1): A => {
    if (a.length !== w.count * width) throw new Error(`telemetry ${what}: ${a.length} values, expected ${w.count * width}`);
    return a;
  };
  return {
    sessionId: w.sessionId,
    count: w.count,
    step: rows(base64ToInt32(w.step, 'step'), 'step'),
    loss: rows(base64ToFloat64(w.loss, 'loss'), 'loss'),
    lr: rows(base64ToFloat64(w.lr, 'lr'), 'lr'),
    gradNorm: rows(base64ToFloat64(w.gradNorm, 'gradNorm'), 'gradNorm'),
    clipped: rows(bytes(w.clipped, 'clipped', 1), 'clipped'),
    metrics: Object.fromEntries(Object.entries(w.metrics).map(([k, v]) => [k, rows(base64ToFloat64(v, `metrics.${k}`), `metrics.${k}`)])),
    paramNames: w.paramNames,
    paramGradNorms: rows(base64ToFloat32(w.paramGradNorms, 'paramGradNorms'), 'paramGradNorms', w.paramNames.length),
    stepsPerSecond: w.stepsPerSecond,
    elapsedMs: w.elapsedMs,
    totalSteps: w.totalSteps,
  };
}
