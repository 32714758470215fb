import type { Precision } from '../engine/backend';
import { flatten, unravel, type Leaf } from './flatten';

/**
 * Compares every numeric leaf of a case's `expected` with the value at the same path in Unroll's
 * result: `|ref − got| ≤ atol + rtol·|ref|` element by element. `reference` and `mask` are not
 * compared (the case README), nor the top-level keys in `exclude`. A path Unroll does not produce,
 * or produces with another shape, is a failure.
 */

export interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
}

/** The case README's tolerances: float64 `1e-9 / 1e-12`, float32 `1e-4 / 1e-6`. */
export function tolerancesFor(precision: Precision): Tolerance {
  return precision === 'float64' ? { rtol: 1e-9, atol: 1e-12 } : { rtol: 1e-4, atol: 1e-6 };
}

export type Mismatch =
  /** Some element lies outside the tolerance; `index` is the worst one. */
  | { readonly kind: 'value'; readonly path: string; readonly index: readonly number[]; readonly ref: number; readonly got: number; readonly excess: number; readonly bad: number; readonly size: number }
  /** Unroll has no value at this path. */
  | { readonly kind: 'missing'; readonly path: string; readonly shape: readonly number[] }
  /** Unroll's value has another shape. */
  | { readonly kind: 'shape'; readonly path: string; readonly shape: readonly number[]; readonly gotShape: readonly number[] };

export interface Comparison {
  /** Leaves compared, and the numbers in them. */
  readonly leaves: number;
  readonly values: number;
  /** Failing leaves, worst first (missing and shape before values). */
  readonly mismatches: readonly Mismatch[];
  /** The largest `|ref − got| / (atol + rtol·|ref|)` seen over all values (≤ 1 passes). */
  readonly worstRatio: number;
}

const NOT_COMPARED = new Set(['reference', 'mask']);

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  // A scalar and a one-element list are the same number.
  const n = (s: readonly number[]) => s.reduce((x, d) => x * d, 1);
  if (a.length === b.length) return a.every((d, i) => d === b[i]);
  return n(a) === 1 && n(b) === 1;
}

function worstOf(m: Mismatch): number {
  return m.kind === 'value' ? m.excess : Infinity;
}

export function compareResult(expected: Readonly<Record<string, unknown>>, got: ReadonlyMap<string, Leaf>, tol: Tolerance, exclude: readonly string[] = []): Comparison {
  const skip = new Set([...NOT_COMPARED, ...exclude]);
  const ref = new Map<string, Leaf>();
  for (const [k, v] of Object.entries(expected)) if (!skip.has(k)) flatten(v, k, ref);
  const mismatches: Mismatch[] = [];
  let values = 0;
  let worstRatio = 0;
  for (const [path, r] of ref) {
    values += r.data.length;
    const g = got.get(path);
    if (g === undefined) {
      mismatches.push({ kind: 'missing', path, shape: r.shape });
      worstRatio = Infinity;
      continue;
    }
    if (!sameShape(r.shape, g.shape) || r.data.length !== g.data.length) {
      mismatches.push({ kind: 'shape', path, shape: r.shape, gotShape: g.shape });
      worstRatio = Infinity;
      continue;
    }
    let worst = -1;
    let worstAt = 0;
    let bad = 0;
    for (let i = 0; i < r.data.length; i++) {
      const a = r.data[i];
      const b = g.data[i];
      const ratio = Number.isNaN(b) ? Infinity : Math.abs(a - b) / (tol.atol + tol.rtol * Math.abs(a));
      if (!(ratio <= 1)) bad++;
      if (!(ratio <= worst)) {
        worst = ratio;
        worstAt = i;
      }
    }
    worstRatio = Math.max(worstRatio, worst);
    if (bad > 0) mismatches.push({ kind: 'value', path, index: unravel(worstAt, r.shape), ref: r.data[worstAt], got: g.data[worstAt], excess: worst, bad, size: r.data.length });
  }
  mismatches.sort((a, b) => {
    const [x, y] = [worstOf(a), worstOf(b)];
    return x === y ? 0 : y > x ? 1 : -1;
  });
  return { leaves: ref.size, values, mismatches, worstRatio };
}
