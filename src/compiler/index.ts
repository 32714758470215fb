/**
 * The compiler: graph → execution plan, as pure passes (see `compile.ts` for the pipeline):
 * `validate` (structure, cycles) → `shapes` → `expand` → `recurrence` → `schedule` → `plan`;
 * `format` prints a plan.
 */
export { validateGraph, type GraphValidation } from './validate';
export { inferShapes, portKey, type Feed, type ResolvedNode, type ShapePassInput, type ShapePassResult } from './shapes';
export { stronglyConnectedComponents } from './scc';
export type { GraphProblem, GraphProblemCode } from './problems';
export { compile, type CompileOptions, type CompileProblem, type CompileProblemCode, type CompileResult } from './compile';
export { expandGraph, ExpandError, type ExpandedComposite, type ExpandedGraph } from './expand';
export { findRecurrences, type Recurrences } from './recurrence';
export { schedulePhases, type NodeTiming, type ScheduleOptions, type SchedulePhase } from './schedule';
export {
  buildPlan,
  valueIndex,
  PLAN_FORMAT,
  type LossReduction,
  type OpKind,
  type Phase,
  type Plan,
  type PlanInput,
  type PlanLoss,
  type PlanOp,
  type PlanParam,
  type PlanProbe,
  type PlanProblem,
  type PlanProblemCode,
  type PlanRecurrence,
  type PlanValue,
} from './plan';
export { formatPlan } from './format';
export { fuseCells, FUSED_SUFFIX } from './fuse';
