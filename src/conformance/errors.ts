/**
 * A case Unroll cannot even run: malformed JSON, a tensor of the wrong shape, a graph that does not
 * restore or compile, weights that do not fit. `field` names the offending part of the case file
 * (`batch.y`, `weights.l0.U`, `model.layers[0].hidden`) where there is one.
 */
export type CaseErrorCode =
  /** The case file does not have the documented format. */
  | 'case-invalid'
  /** The graph built from the model does not restore, compile or take the weights. */
  | 'case-graph'
  /** The engine refused to run the case. */
  | 'case-run';

export class CaseError extends Error {
  constructor(
    readonly code: CaseErrorCode,
    readonly field: string | undefined,
    message: string,
  ) {
    super(field === undefined ? message : `${field}: ${message}`);
    this.name = 'CaseError';
  }
}
