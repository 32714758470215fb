/**
 * Errors of a training session: data with a stable `code` and a message that names the offending
 * thing (config field, node, weight, checkpoint field) and says what to do.
 */
export type SessionErrorCode =
  /** The training config (document `training` block plus overrides) is incomplete or invalid. */
  | 'session-bad-config'
  /** The graph does not compile; `details` lists the compiler's problems. */
  | 'session-compile'
  /** The document's or checkpoint's weights do not fit the graph; `details` lists them. */
  | 'session-weights'
  /** No task or data was given, or the task is unknown or its params invalid. */
  | 'session-no-data'
  /** The data does not fit the graph's Input nodes (size, dtype, role). */
  | 'session-data-mismatch'
  /** The graph has no loss node, so there is nothing to train. */
  | 'session-no-loss'
  /** A checkpoint that cannot be read or does not belong to this graph. */
  | 'session-bad-checkpoint'
  /** A call in the wrong state (`start()` twice, `resume()` while running, …). */
  | 'session-state';

export interface SessionErrorDetail {
  /** Document node, weight name or config field concerned. */
  readonly where: string;
  readonly code: string;
  readonly message: string;
}

export class SessionError extends Error {
  constructor(
    readonly code: SessionErrorCode,
    message: string,
    readonly details: readonly SessionErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'SessionError';
  }
}
