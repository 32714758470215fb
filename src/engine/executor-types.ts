import type { Rng } from './rng';

/** The executor's errors and options (`executor.ts` re-exports them). */

export type ExecErrorCode =
  /** `forward`/`backward` before `bind`, or `backward` before `forward`. */
  | 'exec-not-ready'
  /** A step range outside `[0, T]`, or a window that does not end where the last forward ended. */
  | 'exec-bad-range'
  /** A chunked run of a plan whose per-step part reads a value only known after the last step (LastStep, Reverse). */
  | 'exec-needs-whole-sequence'
  /** The backend cannot run one of the plan's node kinds. */
  | 'exec-backend-unsupported';

export class ExecError extends Error {
  constructor(
    readonly code: ExecErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ExecError';
  }
}

export interface ForwardOptions {
  /**
   * Carried values at t = 1 per Delay node id, `[B, D]` batch-major, instead of zeros or `h0`
   * (stateful runs). A Delay of d > 1 steps takes `[B, D]` (its whole history starts at that value)
   * or its full history `[d, B, D]`, oldest first (as `finalHistories()` gives it).
   */
  readonly initialStates?: ReadonlyMap<string, Float64Array>;
  /** Adds `delta` `[B, D]` to value `value` at step `step` (0-based) as it is written: for finite differences. */
  readonly perturb?: { readonly value: string; readonly step: number; readonly delta: Float64Array };
  /**
   * Training only: the run's generator and step for stochastic kinds (teacher forcing with a ratio),
   * which get one uniform draw per row, in execution order.
   */
  readonly random?: { readonly rng: Rng; readonly step: number };
  /** Decoding with the model's own outputs: stochastic kinds act as at inference (teacher forcing off). */
  readonly inference?: boolean;
  /**
   * With `inference`: the stochastic ops (plan node ids) whose teacher input already carries the
   * model's own previous outputs (decoding re-runs the prefix it chose through the decoder's Input);
   * they take that input (`KernelContext.teacherIsOwn`).
   */
  readonly teacherIsOwn?: ReadonlySet<string>;
}

export interface BackwardOptions {
  /**
   * Extra `∂/∂value` added before the pass, per value id, laid out as `rawGradient` (`[T,B,D]`
   * time-major, or `[B,D]`): gradients of a further term of the objective that reads those values
   * (the Pascanu regulariser), propagated through the same graph.
   */
  readonly seeds?: ReadonlyMap<string, Float64Array>;
  /** Leave the losses out: propagate the seeds alone. */
  readonly withoutLoss?: boolean;
}

/** The reduced loss of the steps a forward call ran. */
export interface ChunkLoss {
  /** Σ over loss nodes of their reduced loss. */
  readonly total: number;
  /** Per loss node. */
  readonly perNode: Readonly<Record<string, number>>;
}
