import type { GraphDocument } from '../graph/document';
import { ExpandError, expandGraph } from './expand';
import { fuseCells } from './fuse';
import { buildPlan, type Plan, type PlanProblemCode } from './plan';
import type { GraphProblemCode } from './problems';
import type { ScheduleOptions } from './schedule';
import { validateGraph } from './validate';

/**
 * The compiler pipeline, one pass per file:
 *   validate (`validate.ts`, shapes in `shapes.ts`) → expand composites (`expand.ts`) → validate and
 *   infer shapes of the expanded graph → recurrences (`recurrence.ts`) → phases (`schedule.ts`) →
 *   plan (`plan.ts`) → optionally fused cells (`fuse.ts`).
 * Every problem names the document node it belongs to (an inner node's problem is shown on its
 * composite) and, where it applies, the port and edge.
 */

export type CompileProblemCode = GraphProblemCode | PlanProblemCode | 'decomposition-invalid';

export interface CompileProblem {
  readonly code: CompileProblemCode;
  readonly nodeId: string;
  readonly port?: string;
  readonly edgeId?: string;
  readonly nodes?: readonly string[];
  readonly message: string;
}

export type CompileResult = { readonly ok: true; readonly plan: Plan } | { readonly ok: false; readonly problems: readonly CompileProblem[] };

export interface CompileOptions extends ScheduleOptions {
  /** Run composite cells that have a fused step kernel as one op per step (`fuse.ts`); default: decomposed. */
  readonly fused?: boolean;
}

export function compile(doc: Pick<GraphDocument, 'nodes' | 'edges'>, options: CompileOptions = {}): CompileResult {
  const outer = validateGraph(doc);
  if (outer.problems.length > 0) return { ok: false, problems: outer.problems };

  let expanded: ReturnType<typeof expandGraph>;
  try {
    expanded = expandGraph(doc);
  } catch (e) {
    if (e instanceof ExpandError) return { ok: false, problems: [{ code: 'decomposition-invalid', nodeId: e.nodeId, message: e.message }] };
    throw e;
  }
  const inner = validateGraph(expanded);
  if (inner.problems.length > 0) {
    // A valid document whose decomposition is refused: a fault of the composite kind, shown on it.
    return {
      ok: false,
      problems: inner.problems.map((p) => {
        const nodeId = expanded.origin.get(p.nodeId) ?? p.nodeId;
        return { code: 'decomposition-invalid' as const, nodeId, message: `inside node "${nodeId}": ${p.message}` };
      }),
    };
  }
  const { plan, problems } = buildPlan({ expanded, shapes: inner.shapes, order: inner.order }, options);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, plan: options.fused ? fuseCells(plan, expanded.composites) : plan };
}
