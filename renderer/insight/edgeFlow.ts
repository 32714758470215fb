import { logRange, logUnit } from './compute';

/**
 * Gradient flow on the canvas, pure: each edge's ‖∂L/∂(value on the edge)‖ from the latest record
 * placed on a log scale between the record's smallest and largest positive norm, then drawn as a
 * stroke width (1.5–6 px) and a colour on a fixed ramp (cool and thin: little gradient; hot and
 * thick: much).
 */

export const FLOW_MIN_WIDTH = 1.5;
export const FLOW_MAX_WIDTH = 6;

/** The ramp's stops, from the smallest norm to the largest (a CSS gradient of the legend uses them too). */
export const FLOW_RAMP: readonly (readonly [number, number, number])[] = [
  [110, 140, 185],
  [40, 160, 200],
  [235, 190, 50],
  [235, 110, 40],
  [205, 30, 40],
];

/** `u` in 0…1 → stroke width in px; NaN (no gradient) gets the thinnest. */
export function flowWidth(u: number): number {
  if (!Number.isFinite(u)) return FLOW_MIN_WIDTH;
  return FLOW_MIN_WIDTH + (FLOW_MAX_WIDTH - FLOW_MIN_WIDTH) * Math.min(1, Math.max(0, u));
}

/** `u` in 0…1 → `rgb(…)` on the ramp; NaN (no gradient) is grey. */
export function flowColour(u: number): string {
  if (!Number.isFinite(u)) return 'rgb(150, 150, 150)';
  const x = Math.min(1, Math.max(0, u)) * (FLOW_RAMP.length - 1);
  const i = Math.min(FLOW_RAMP.length - 2, Math.floor(x));
  const f = x - i;
  const a = FLOW_RAMP[i]!;
  const b = FLOW_RAMP[i + 1]!;
  const c = (k: number) => Math.round(a[k]! + (b[k]! - a[k]!) * f);
  return `rgb(${c(0)}, ${c(1)}, ${c(2)})`;
}

/** The legend's CSS gradient, left (small) to right (large). */
export function flowGradientCss(): string {
  return `linear-gradient(to right, ${FLOW_RAMP.map((_, i) => flowColour(i / (FLOW_RAMP.length - 1))).join(', ')})`;
}

export interface EdgeFlowStyle {
  readonly norm: number;
  /** Position on the record's log scale, 0…1 (NaN: zero or non-finite norm). */
  readonly u: number;
  readonly width: number;
  readonly colour: string;
}

export interface EdgeFlow {
  readonly edges: ReadonlyMap<string, EdgeFlowStyle>;
  /** Smallest and largest positive finite norm (undefined when no edge carries any gradient). */
  readonly min: number | undefined;
  readonly max: number | undefined;
}

/** Styles for every edge of a record's `edgeGrads`. */
export function edgeFlow(grads: Readonly<Record<string, number>>): EdgeFlow {
  const values = Object.values(grads);
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  const range = logRange(positive);
  const edges = new Map<string, EdgeFlowStyle>();
  for (const [id, norm] of Object.entries(grads)) {
    const u = range === undefined ? NaN : logUnit(norm, range.lo, range.hi);
    edges.set(id, { norm, u, width: flowWidth(u), colour: flowColour(u) });
  }
  if (positive.length === 0) return { edges, min: undefined, max: undefined };
  return { edges, min: Math.min(...positive), max: Math.max(...positive) };
}
