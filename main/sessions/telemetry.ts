/**
 * Telemetry on its way to the renderer: batches of one session merged while they wait (so nothing is
 * dropped when the renderer's rate limit holds them back), encoded in the protocol's compact wire
 * form, and a throttle that forwards at most `perSecond` telemetry messages over all sessions.
 */
import { typedToBase64, type HistogramWire, type TelemetryWire } from '../../src/protocol';
import type { TelemetryBatch } from '../../src/training';
import type { Histogram } from '../../src/training/telemetry';

/** A histogram in the wire form: the counts as uint32 base64 (32 bins: 172 characters). */
export function histogramToWire(h: Histogram): HistogramWire {
  return { lo: h.lo, hi: h.hi, bins: h.counts.length, counts: typedToBase64(h.counts), nonFinite: h.nonFinite };
}

function concat<A extends Float64Array | Int32Array | Uint8Array>(a: A, b: A, make: (n: number) => A): A {
  const out = make(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

const f64 = (n: number) => new Float64Array(n);

/** `a` followed by `b` (the same session, `b` later): rows appended, metrics missing on one side are NaN. */
export function mergeBatches(a: TelemetryBatch, b: TelemetryBatch): TelemetryBatch {
  const names = new Set([...Object.keys(a.metrics), ...Object.keys(b.metrics)]);
  const metric = (batch: TelemetryBatch, name: string) => batch.metrics[name] ?? new Float64Array(batch.count).fill(NaN);
  const sameParams = a.paramNames.length === b.paramNames.length && a.paramNames.every((n, i) => n === b.paramNames[i]);
  return {
    count: a.count + b.count,
    step: concat(a.step, b.step, (n) => new Int32Array(n)),
    loss: concat(a.loss, b.loss, f64),
    lr: concat(a.lr, b.lr, f64),
    gradNorm: concat(a.gradNorm, b.gradNorm, f64),
    clipped: concat(a.clipped, b.clipped, (n) => new Uint8Array(n)),
    metrics: Object.fromEntries([...names].map((k) => [k, concat(metric(a, k), metric(b, k), f64)])),
    paramNames: b.paramNames,
    paramGradNorms: sameParams ? concat(a.paramGradNorms, b.paramGradNorms, f64) : b.paramGradNorms,
    stepsPerSecond: b.stepsPerSecond,
    elapsedMs: b.elapsedMs,
    records: [...a.records, ...b.records],
  };
}

/** A batch in the protocol's wire form: arrays as little-endian base64 (per-parameter norms and records as float32). */
export function toWire(sessionId: string, b: TelemetryBatch, totalSteps: number): TelemetryWire {
  const f32 = (a: ArrayLike<number>) => typedToBase64(Float32Array.from(a));
  const params = b.paramGradNorms.length === b.count * b.paramNames.length ? b.paramGradNorms : new Float64Array(b.count * b.paramNames.length).fill(NaN);
  return {
    sessionId,
    count: b.count,
    step: typedToBase64(b.step),
    loss: typedToBase64(b.loss),
    lr: typedToBase64(b.lr),
    gradNorm: typedToBase64(b.gradNorm),
    clipped: typedToBase64(b.clipped),
    metrics: Object.fromEntries(Object.entries(b.metrics).map(([k, v]) => [k, typedToBase64(v)])),
    paramNames: [...b.paramNames],
    paramGradNorms: f32(params),
    stepsPerSecond: Number.isFinite(b.stepsPerSecond) ? b.stepsPerSecond : 0,
    elapsedMs: b.elapsedMs,
    totalSteps,
    records: b.records.map((r) => ({
      step: r.step,
      T: r.T,
      sample: r.sample,
      length: r.length,
      ...(r.targetLength === undefined ? {} : { targetLength: r.targetLength }),
      ...(r.tokens === undefined ? {} : { tokens: { ...(r.tokens.inputs === undefined ? {} : { inputs: [...r.tokens.inputs] }), ...(r.tokens.outputs === undefined ? {} : { outputs: [...r.tokens.outputs], outputAxis: r.tokens.outputAxis ?? 0 }) } }),
      gradNorms: r.gradNorms.map((g) => ({ name: g.name, node: g.node, perStep: f32(g.perStep) })),
      traces: [
        ...r.gates.map((g) => ({ kind: 'gate' as const, node: g.node, name: g.name, value: g.value, shape: [g.shape[0], g.shape[1]] as [number, number], values: typedToBase64(g.values), ...(g.axis === 1 ? { axis: 1 as const } : {}) })),
        ...r.states.map((g) => ({ kind: 'state' as const, node: g.node, name: g.name, value: g.value, shape: [g.shape[0], g.shape[1]] as [number, number], values: typedToBase64(g.values), ...(g.axis === 1 ? { axis: 1 as const } : {}) })),
      ],
      // JSON has no Infinity or NaN: a non-finite norm travels as the largest finite number or 0.
      edgeGrads: Object.fromEntries(Object.entries(r.edgeGrads).map(([k, v]) => [k, Number.isFinite(v) ? v : v > 0 ? Number.MAX_VALUE : 0])),
      zeroGradNodes: [...r.zeroGradNodes],
      ...(r.attention === undefined || r.attention.length === 0
        ? {}
        : { attention: r.attention.map((a) => ({ node: a.node, kind: a.kind, shape: [a.shape[0], a.shape[1]] as [number, number], alpha: typedToBase64(a.alpha), ...(a.p === undefined ? {} : { p: typedToBase64(a.p) }), ...(a.rows === undefined ? {} : { rows: [...a.rows] }), ...(a.cols === undefined ? {} : { cols: [...a.cols] }) })) }),
      ...(r.histograms === undefined || r.histograms.length === 0
        ? {}
        : { histograms: r.histograms.map((h) => ({ name: h.name, values: histogramToWire(h.values), ...(h.grads === undefined ? {} : { grads: histogramToWire(h.grads) }) })) }),
    })),
  };
}

export interface ThrottleOptions {
  /** Most telemetry messages forwarded per second, over all sessions (default 30). */
  readonly perSecond?: number;
  /** ms clock (default `performance.now`). */
  readonly now?: () => number;
}

/**
 * Holds telemetry back so that at most `perSecond` messages leave per second: a session's batches
 * that arrive meanwhile are merged into one; waiting sessions take turns. `flush(id)` sends a
 * session's pending batch at once (before its status or end, so the order is kept).
 */
export class TelemetryThrottle {
  private readonly pending = new Map<string, { batch: TelemetryBatch; totalSteps: number }>();
  private readonly spacing: number;
  private readonly now: () => number;
  private last = -Infinity;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly send: (wire: TelemetryWire) => void,
    options: ThrottleOptions = {},
  ) {
    this.spacing = 1000 / (options.perSecond ?? 30);
    this.now = options.now ?? (() => performance.now());
  }

  push(sessionId: string, batch: TelemetryBatch, totalSteps: number): void {
    const held = this.pending.get(sessionId);
    this.pending.set(sessionId, { batch: held === undefined ? batch : mergeBatches(held.batch, batch), totalSteps });
    this.schedule();
  }

  /** Sends the session's pending batch now, if any. */
  flush(sessionId: string): void {
    const held = this.pending.get(sessionId);
    if (held === undefined) return;
    this.pending.delete(sessionId);
    this.last = this.now();
    this.send(toWire(sessionId, held.batch, held.totalSteps));
  }

  /** Drops a session's pending batch (its worker is gone). */
  drop(sessionId: string): void {
    this.pending.delete(sessionId);
  }

  close(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }

  private schedule(): void {
    if (this.timer !== undefined || this.pending.size === 0) return;
    const wait = Math.max(0, this.last + this.spacing - this.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const first = this.pending.keys().next();
      if (!first.done) this.flush(first.value);
      this.schedule();
    }, Math.ceil(wait));
  }
}
