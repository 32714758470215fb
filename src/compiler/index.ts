/**
 * The compiler: graph → execution plan, as pure passes. So far: `validate` (structure, cycles) →
 * `shapes` (role, dtype and size inference).
 */
export { validateGraph, type GraphValidation } from './validate';
export { inferShapes, portKey, type Feed, type ResolvedNode, type ShapePassInput, type ShapePassResult } from './shapes';
export { stronglyConnectedComponents } from './scc';
export type { GraphProblem, GraphProblemCode } from './problems';
