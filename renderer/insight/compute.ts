/**
 * Pure computations behind the insight views: log colour scaling, the vanishing/exploding picture of
 * ‖∂L/∂h_t‖, the ratio ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖, and gate saturation shares.
 */

/** How many orders of magnitude below (or above) the last step's value counts as vanishing (exploding). */
export const ORDERS = 3;

/** log10 range `[lo, hi]` of the positive finite values (undefined when there are none); a flat range is widened by ±0.5. */
export function logRange(values: Iterable<number>): { lo: number; hi: number } | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!(v > 0) || !Number.isFinite(v)) continue;
    const l = Math.log10(v);
    if (l < lo) lo = l;
    if (l > hi) hi = l;
  }
  if (lo === Infinity) return undefined;
  return hi - lo < 1e-9 ? { lo: lo - 0.5, hi: hi + 0.5 } : { lo, hi };
}

/** `v` on a log scale over `[lo, hi]` (log10 units) → 0…1, clamped; NaN for values ≤ 0 or not finite. */
export function logUnit(v: number, lo: number, hi: number): number {
  if (!(v > 0) || !Number.isFinite(v)) return NaN;
  const u = (Math.log10(v) - lo) / (hi - lo);
  return Math.min(1, Math.max(0, u));
}

/** The last time step with a positive finite value (steps padded for every sample are 0), or -1. */
export function lastLiveStep(perStep: ArrayLike<number>): number {
  for (let t = perStep.length - 1; t >= 0; t--) {
    const v = perStep[t]!;
    if (v > 0 && Number.isFinite(v)) return t;
  }
  return -1;
}

/** ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ (T: the last live step); NaN when there is no live step. */
export function firstLastRatio(perStep: ArrayLike<number>): number {
  const last = lastLiveStep(perStep);
  if (last < 0) return NaN;
  return perStep[0]! / perStep[last]!;
}

export type GradClass = 'vanishing' | 'exploding' | 'normal' | 'none';

/** Each step's ‖∂L/∂h_t‖ against the last live step's: more than `ORDERS` orders of magnitude below is vanishing, above is exploding. */
export function classifySteps(perStep: ArrayLike<number>, orders = ORDERS): GradClass[] {
  const last = lastLiveStep(perStep);
  const ref = last < 0 ? NaN : perStep[last]!;
  const out: GradClass[] = [];
  for (let t = 0; t < perStep.length; t++) {
    const v = perStep[t]!;
    if (!(ref > 0) || !(v > 0) || !Number.isFinite(v) || t > last) out.push('none');
    else if (v < ref * 10 ** -orders) out.push('vanishing');
    else if (v > ref * 10 ** orders) out.push('exploding');
    else out.push('normal');
  }
  return out;
}

/** Shares of gate values below `low` and above `high` (saturated shut / open) over the first `rows` rows of a `[T, H]` trace. */
export function saturation(values: ArrayLike<number>, width: number, rows: number, low = 0.1, high = 0.9): { below: number; above: number; count: number } {
  const n = Math.min(values.length, rows * width);
  let below = 0;
  let above = 0;
  let count = 0;
  for (let k = 0; k < n; k++) {
    const v = values[k]!;
    if (!Number.isFinite(v)) continue;
    count++;
    if (v < low) below++;
    else if (v > high) above++;
  }
  return count === 0 ? { below: NaN, above: NaN, count } : { below: below / count, above: above / count, count };
}

/** Largest absolute finite value (1 when there is none), for symmetric colour scales of hidden states. */
export function absMax(values: ArrayLike<number>): number {
  let m = 0;
  for (let k = 0; k < values.length; k++) {
    const v = Math.abs(values[k]!);
    if (Number.isFinite(v) && v > m) m = v;
  }
  return m > 0 ? m : 1;
}

/** A colour for `u` in 0…1 on a viridis-like ramp (NaN: transparent grey). */
export function sequential(u: number): [number, number, number] {
  if (!Number.isFinite(u)) return [128, 128, 128];
  const stops: readonly [number, number, number][] = [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
  ];
  const x = Math.min(1, Math.max(0, u)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i]!;
  const b = stops[i + 1]!;
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

/** A colour for `u` in -1…1 on a blue–white–red ramp. */
export function diverging(u: number): [number, number, number] {
  if (!Number.isFinite(u)) return [128, 128, 128];
  const x = Math.min(1, Math.max(-1, u));
  if (x < 0) return [Math.round(255 + (37 - 255) * -x), Math.round(255 + (99 - 255) * -x), Math.round(255 + (235 - 255) * -x)];
  return [Math.round(255 + (220 - 255) * x), Math.round(255 + (38 - 255) * x), Math.round(255 + (38 - 255) * x)];
}

/** A number for display: 4 significant digits, exponent form when very large or small. */
export function fmtNum(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toPrecision(4);
}

/** A share as a percentage with one decimal. */
export const pct = (v: number): string => (Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : '–');

/** Sigmoid gates (LSTM f, i, o; GRU z, r): drawn on 0…1 with saturation shares. Others (the LSTM candidate g, tanh) use a symmetric scale. */
export const SIGMOID_GATES: readonly string[] = ['f', 'i', 'o', 'z', 'r'];
export const isSigmoidGate = (kind: 'gate' | 'state', name: string): boolean => kind === 'gate' && SIGMOID_GATES.includes(name);

/** A log axis' tick: plain for 0.01…9999, exponent form beyond (uPlot's default rounds small values to 0). */
export function logTick(v: number): string {
  if (!(v > 0) || !Number.isFinite(v)) return '';
  return v >= 0.01 && v < 1e4 ? String(Number(v.toPrecision(2))) : v.toExponential(0);
}

/**
 * The steps of a trace to draw for the recorded sample: its valid length on the trace's own axis (τ
 * on the source axis, τ′ on a decoder's target axis), never beyond the trace's padded length.
 */
export function traceSteps(trace: { readonly shape: readonly [number, number]; readonly axis?: 1 }, record: { readonly T: number; readonly length: number; readonly targetLength?: number }): number {
  const T = trace.shape[0];
  const valid = trace.axis === 1 ? (record.targetLength ?? T) : record.length > 0 ? record.length : record.T;
  return Math.min(T, valid);
}

/**
 * The token names of a trace's time steps: the input token read at each source step, or the output
 * token a decoder step emits on the target axis; undefined when the record has none that fit `steps`.
 */
export function traceTokens(axis: 1 | undefined, tokens: { readonly inputs?: readonly string[]; readonly outputs?: readonly string[]; readonly outputAxis?: 0 | 1 } | undefined, steps: number): readonly string[] | undefined {
  const list = axis === 1 ? (tokens?.outputAxis === 1 ? tokens.outputs : undefined) : tokens?.inputs;
  return list !== undefined && list.length >= steps ? list : undefined;
}
