/**
 * Conformance: Unroll's engine checked against the independent reference cases
 * (`shared/spec/cases/*.case.json`). `loadCase` turns a case into an ordinary graph document with its
 * weights and batch, `runCase` runs it on a Backend like training does, `compareResult` checks every
 * expected number, `checkCase` does all three and `formatRow` / `summarise` report it.
 */
export { loadCase, type LoadedCase, type LoadResult } from './load';
export { runCase, type CaseResult } from './run';
export { compareResult, tolerancesFor, type Comparison, type Mismatch, type Tolerance } from './compare';
export { checkCase, describeMismatch, formatRow, summarise, type CaseReport, type CaseStatus, type SuiteOptions } from './suite';
export { flatten, type Leaf } from './flatten';
export { CaseError, type CaseErrorCode } from './errors';
export { weightNames, type WeightNames } from './names';
export type { Need } from './needs';
