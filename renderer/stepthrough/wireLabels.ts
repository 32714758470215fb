import type { UnrolledView } from '../../src/compiler/unroll-view';
import type { TracePort, TraceResult } from '../../src/protocol';

/**
 * What the unrolled view shows while stepping through a traced batch (pure). Going forward to step
 * t, every wire whose value is already computed (its step ≤ t) reads `‖v‖`, and every node copy up
 * to t shows the traced sample's first values; going backward to step t, every wire whose value has
 * its gradient (step ≥ t) reads `‖∂L/∂v‖`. Values computed once (vectors: a LastStep, the readout)
 * appear when the forward pass has run every step, and their gradients throughout the backward pass.
 */

export interface WireLabel {
  readonly kind: 'value' | 'grad';
  readonly text: string;
  /** The number shown. */
  readonly norm: number;
}

export type Walk = { readonly phase: 'forward' | 'backward'; readonly t: number };

const fmt = (v: number): string => (!Number.isFinite(v) ? String(v) : v === 0 ? '0' : Math.abs(v) >= 1e4 || Math.abs(v) < 1e-3 ? v.toExponential(2) : v.toPrecision(3));

function portsByValue(trace: TraceResult): Map<string, TracePort> {
  return new Map(trace.ports.map((p) => [p.value, p]));
}

/** Index into a port's per-step arrays for a value of step `s` (1-based), or 0 for a vector; undefined when out of range. */
function indexOf(p: TracePort, s: number | undefined): number | undefined {
  if (!p.perStep) return 0;
  if (s === undefined || s < 1 || s > p.norms.length) return undefined;
  return s - 1;
}

export function wireLabels(view: UnrolledView, trace: TraceResult, walk: Walk): Map<string, WireLabel> {
  const byValue = portsByValue(trace);
  const T = Math.max(trace.T, trace.targetT);
  const out = new Map<string, WireLabel>();
  for (const e of view.edges) {
    if (e.value === undefined) continue;
    const p = byValue.get(e.value);
    if (p === undefined || p.dtype === 'index') continue;
    const i = indexOf(p, e.valueStep);
    if (i === undefined) continue;
    const s = p.perStep ? i + 1 : undefined;
    if (walk.phase === 'forward') {
      if (s === undefined ? walk.t < T : s > walk.t) continue;
      out.set(e.id, { kind: 'value', text: `‖v‖ ${fmt(p.norms[i]!)}`, norm: p.norms[i]! });
    } else {
      if (s !== undefined && s < walk.t) continue;
      out.set(e.id, { kind: 'grad', text: `∂ ${fmt(p.grads[i]!)}`, norm: p.grads[i]! });
    }
  }
  return out;
}

/** The traced sample's first values of each node copy computed so far (forward only), as text: `(0.12, −0.4, 0.3…)`. */
export function nodeValues(view: UnrolledView, trace: TraceResult, walk: Walk): Map<string, string> {
  const out = new Map<string, string>();
  if (walk.phase !== 'forward') return out;
  const T = Math.max(trace.T, trace.targetT);
  const first = new Map<string, TracePort>();
  for (const p of trace.ports) if (!first.has(p.node)) first.set(p.node, p);
  for (const n of view.nodes) {
    const p = first.get(n.node);
    if (p === undefined) continue;
    const s = p.perStep ? n.step : undefined;
    if (p.perStep ? s === undefined || s > walk.t || s > p.norms.length : walk.t < T) continue;
    const row = p.perStep ? s! - 1 : 0;
    const vals = p.lead.slice(row * p.leadWidth, (row + 1) * p.leadWidth);
    const more = p.dtype === 'real' && p.dim > p.leadWidth ? '…' : '';
    out.set(n.id, p.dtype === 'index' ? `id ${vals[0]}` : `(${vals.map(fmt).join(', ')}${more})`);
  }
  return out;
}
