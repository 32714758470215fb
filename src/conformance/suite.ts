import type { Backend } from '../engine/backend';
import { compareResult, tolerancesFor, type Comparison, type Mismatch, type Tolerance } from './compare';
import { loadCase } from './load';
import { describeNeeds } from './needs';
import { runCase } from './run';

/** One case checked on one backend: load, run, compare; and the text of its report row. */

export type CaseStatus = 'pass' | 'fail' | 'skipped';

export interface CaseReport {
  readonly name: string;
  /** Where the case came from (a file path), when known. */
  readonly source?: string;
  readonly status: CaseStatus;
  /** Why it was skipped (`needs Bidirectional`), or why it could not run. */
  readonly reason?: string;
  /** The comparison, when the case ran. */
  readonly comparison?: Comparison;
}

export interface SuiteOptions {
  readonly backend: Backend;
  /** Default: `tolerancesFor(backend.precision)`. */
  readonly tolerance?: Tolerance;
}

/**
 * Checks one case (its parsed JSON). A case that needs a missing node kind is skipped; one whose
 * only missing features are separable (`Need.separable`: their numbers sit in their own top-level
 * block of `expected`) is run without those blocks, reported skipped naming them, and fails if the
 * rest disagrees. A malformed case, or one the engine refuses, fails.
 */
export function checkCase(json: unknown, options: SuiteOptions, source?: string): CaseReport {
  const tol = options.tolerance ?? tolerancesFor(options.backend.precision);
  const base = (name: string) => ({ name, ...(source !== undefined ? { source } : {}) });
  const loaded = loadCase(json, source);
  if (loaded.status === 'skipped') return { ...base(loaded.name), status: 'skipped', reason: loaded.reason };
  if (loaded.status === 'invalid') return { ...base(loaded.name), status: 'fail', reason: loaded.error.message };
  const c = loaded.case;
  let comparison: Comparison;
  try {
    comparison = compareResult(c.expected, runCase(c, options.backend), tol, c.excluded);
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    return { ...base(c.name), status: 'fail', reason: e.message };
  }
  const ok = comparison.mismatches.length === 0;
  if (loaded.needs.length > 0) {
    const why = describeNeeds(loaded.needs);
    return { ...base(c.name), status: ok ? 'skipped' : 'fail', reason: ok ? `${why} (the other ${comparison.values} values agree)` : `${why}; the other values disagree`, comparison };
  }
  return { ...base(c.name), status: ok ? 'pass' : 'fail', comparison };
}

function num(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(12);
}

/** One mismatch in words: path, index, both values. */
export function describeMismatch(m: Mismatch): string {
  switch (m.kind) {
    case 'missing':
      return `${m.path}: Unroll does not produce it`;
    case 'shape':
      return `${m.path}: shape [${m.gotShape.join(',')}], expected [${m.shape.join(',')}]`;
    case 'value': {
      const at = m.index.length > 0 ? `[${m.index.join(',')}]` : '';
      return `${m.path}${at}: ref ${num(m.ref)} got ${num(m.got)} (${m.bad}/${m.size} outside)`;
    }
  }
}

/** `name  STATUS  detail` for a table. */
export function formatRow(r: CaseReport, nameWidth = 28): string {
  const status = r.status.toUpperCase().padEnd(7);
  let detail = r.reason ?? '';
  const c = r.comparison;
  if (r.status === 'pass' && c !== undefined) detail = `${c.values} values in ${c.leaves} tensors; worst ${c.worstRatio.toExponential(2)} of tolerance`;
  else if (r.status === 'fail' && c !== undefined && c.mismatches.length > 0) {
    const more = c.mismatches.length > 1 ? ` (+${c.mismatches.length - 1} more tensors)` : '';
    detail = `${describeMismatch(c.mismatches[0])}${more}`;
  }
  return `${r.name.padEnd(nameWidth)} ${status} ${detail}`;
}

export function summarise(reports: readonly CaseReport[]): { pass: number; fail: number; skipped: number; line: string } {
  const count = (s: CaseStatus) => reports.filter((r) => r.status === s).length;
  const [pass, fail, skipped] = [count('pass'), count('fail'), count('skipped')];
  return { pass, fail, skipped, line: `${reports.length} cases: ${pass} pass, ${fail} fail, ${skipped} skipped` };
}
