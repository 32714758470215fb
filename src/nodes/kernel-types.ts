import type { Tensor } from '../engine/tensor';

/**
 * The numerical side of a primitive node kind: forward and backward on one time step, in float64,
 * on the reference tensor. A real-valued port carries `[N, D]` (N = batch, or batch×time when the
 * scheduler runs all steps at once); an `index` port carries `[N]` integral ids; a scalar `[]`.
 * All inputs of one call share N: broadcasting a vector over time is the scheduler's job.
 */

/** Per-call data that is not a port: the step's mask. */
export interface KernelContext {
  /** mask: (N) — 1 for a valid row, 0 for a padded one. Absent means every row is valid. Losses use it. */
  readonly mask?: Tensor;
  /**
   * Stochastic kinds only (`NodeSpec.stochastic`): the run's randomness for this call. `uniform`
   * (N) — one draw in [0, 1) per row from the run's seeded generator; `step` — the training step
   * (0-based, for schedules). Absent outside training (a gradient dump at fixed weights).
   */
  readonly random?: { readonly uniform: Tensor; readonly step: number };
  /** Running the trained model on its own outputs (decoding): teacher forcing is off. */
  readonly inference?: boolean;
  /**
   * With `inference`: this op's teacher input carries the model's own previous outputs (decoding
   * feeds the decoder's Input the prefix it chose), so teacher forcing takes it.
   */
  readonly teacherIsOwn?: boolean;
}

export interface KernelForward<S> {
  /** One tensor per output port (losses add `rows`, see below). */
  readonly outputs: Record<string, Tensor>;
  /** Whatever backward needs, kept by the caller between the passes. */
  readonly saved: S;
}

export interface KernelGrads {
  /** ∂L/∂input per real-valued input port (index inputs have none). */
  readonly inputs: Record<string, Tensor>;
  /** ∂L/∂param per parameter tensor. */
  readonly params: Record<string, Tensor>;
}

export interface NodeKernel<P, S = unknown> {
  /** Computes the outputs; must not modify `inputs` or `params`. */
  forward(inputs: Readonly<Record<string, Tensor>>, params: Readonly<Record<string, Tensor>>, attrs: P, ctx?: KernelContext): KernelForward<S>;
  /**
   * Given ∂L/∂output per output (a missing one is zero), returns fresh gradient tensors for the
   * inputs and params; the caller accumulates them (`addInto`).
   */
  backward(
    gradOutputs: Readonly<Record<string, Tensor | undefined>>,
    saved: S,
    inputs: Readonly<Record<string, Tensor>>,
    params: Readonly<Record<string, Tensor>>,
    attrs: P,
  ): KernelGrads;
  /**
   * Param sets the registry-driven gradient check runs besides the defaults, with optional feature
   * sizes per input port (3 when not given).
   */
  readonly checks?: readonly KernelCheckCase[];
  /**
   * Feature sizes per input port for the check at the default params (3 when not given), for kinds
   * whose defaults fix an input size (a Split's `sizes`, an Embedding's `vocab`).
   */
  readonly defaultDims?: Readonly<Record<string, number>>;
}

export interface KernelCheckCase {
  readonly params: Readonly<Record<string, unknown>>;
  readonly dims?: Readonly<Record<string, number>>;
}

/** A port of a node inside a decomposition. */
export interface InnerPort {
  readonly node: string;
  readonly port: string;
}

/** A composite node written as a subgraph of other node kinds. */
export interface Decomposition {
  readonly nodes: readonly { readonly id: string; readonly type: string; readonly params: Readonly<Record<string, unknown>> }[];
  readonly edges: readonly { readonly source: InnerPort; readonly target: InnerPort }[];
  /** Outer input port → the inner input ports it feeds. */
  readonly inputs: Readonly<Record<string, readonly InnerPort[]>>;
  /** Outer output port → the inner output port that produces it. */
  readonly outputs: Readonly<Record<string, InnerPort>>;
  /** Outer parameter tensor → the inner node and parameter that hold it. */
  readonly params: Readonly<Record<string, { readonly node: string; readonly param: string }>>;
  /** Inner values worth recording (gate activations such as `f`, `i`, `o`, `z`, `r`), by name. */
  readonly probes?: Readonly<Record<string, InnerPort>>;
  /**
   * Inner nodes that run backwards in time per sample (fed through a `Reverse`, e.g. a bidirectional
   * layer's `bwd`): their recorded states and probes are reported at original time, `t ↦ τ_b − t + 1`.
   */
  readonly reversed?: readonly string[];
}

/**
 * A recurrent state of a fused cell: the step output that becomes the state, the step input that
 * receives its previous value (also the id of the inner Delay node that carries it in the
 * decomposition), and the param tensor holding its learned initial value (when `init` is learned).
 */
export interface FusedState {
  /** Step output and outer output port, e.g. `h`. */
  readonly output: string;
  /** Step input for the previous value, e.g. `h_prev`; the inner Delay of the same id. */
  readonly previous: string;
  /** The learned initial value (`h0`, `c0`), when the node's params declare one. */
  readonly init?: string;
}

/**
 * The fast path of a composite recurrent node: one time step with all gate math in one kernel,
 * numerically equal to the decomposition. The step's inputs are the outer input ports (e.g. `in`,
 * `[N, I]`) and one `previous` input per state (`[N, H]`); its outputs are the states (`[N, H]`),
 * which are also the outer output ports; its params are the outer node's param tensors. The step
 * ignores the mask: freezing states past a sample's length is the scheduler's job, on either path.
 */
export interface FusedCell<P, S = unknown> {
  readonly step: NodeKernel<P, S>;
  /**
   * The states at `params`. An empty list means that this variant of the node has no fused step
   * (e.g. an RNN whose skip connection reads h through two Delays): it always runs decomposed.
   */
  readonly states: (params: P) => readonly FusedState[];
  /** The values the decomposition's `probes` name, from a forward pass's saved data. */
  readonly probes?: (saved: S) => Readonly<Record<string, Tensor>>;
}

/**
 * A kernel that runs over more than one step at a time and is told the batch's shape in a context
 * `C`: forward and backward in float64 (whole-sequence and attention ops).
 */
export interface ContextKernel<P, S, C> {
  /** Computes the outputs; must not modify `inputs` or `params`. */
  forward(inputs: Readonly<Record<string, Tensor>>, params: Readonly<Record<string, Tensor>>, attrs: P, ctx: C): KernelForward<S>;
  /** As `NodeKernel.backward`, over the rows the forward ran. */
  backward(
    gradOutputs: Readonly<Record<string, Tensor | undefined>>,
    saved: S,
    inputs: Readonly<Record<string, Tensor>>,
    params: Readonly<Record<string, Tensor>>,
    attrs: P,
    ctx: C,
  ): KernelGrads;
  /** Param sets the registry-driven finite-difference check runs besides the defaults. */
  readonly checks?: readonly KernelCheckCase[];
}

/** Per-call data of a whole-sequence op: the batch's sizes and each sample's length τ_b. */
export interface SequenceContext {
  readonly B: number;
  readonly T: number;
  /** lengths: (B) — τ_b; steps t ≥ τ_b (0-based) are padding. */
  readonly lengths: Int32Array;
}

/**
 * The numerical side of a node kind that reads every step of its input at once (self-attention, a
 * positional encoding): forward and backward over the whole batch, in float64. Every sequence port
 * carries `[T·B, D]` rows, time-major (row `t·B + b` is sample b at step t), zero at padded steps;
 * the scheduler runs it in a batched phase, masks its outputs and refuses it on a cycle.
 */
export interface SequenceKernel<P, S = unknown> extends ContextKernel<P, S, SequenceContext> {
  /** Values worth showing that are not ports (attention weights `alpha` `[B, T, T]`), from a forward's saved data. */
  readonly probes?: (saved: S, ctx: SequenceContext) => Readonly<Record<string, Tensor>>;
}

/** Per-call data of an attention op: the memory's sizes and each sample's memory length. */
export interface AttendContext {
  readonly B: number;
  /** Steps of the memory (its own time axis, e.g. the encoder's). */
  readonly Tm: number;
  /** lengths: (B) — τ_x per sample; memory steps t ≥ τ_b (0-based) are padding. */
  readonly lengths: Int32Array;
}

/**
 * The numerical side of a node that attends from a per-step query over a whole memory sequence that
 * lives on another time axis (encoder–decoder attention, models.md "Attention and memory").
 * Ports: `query` carries `[N, D_s]` rows, row r belonging to sample `r mod B` (N = B for one step,
 * k·B for k steps run at once); `memory` carries `[Tm·B, D_h]` time-major rows (row `t·B + b`), zero at
 * padded steps. Outputs are per query row (`context` `[N, D_h]`). The scheduler runs it on the
 * query's time axis (inside a loop when the query is a recurrent state), always in float64. The
 * backward's `inputs.memory` is `[Tm·B, D_h]` (zero at padded steps).
 */
export interface AttendKernel<P, S = unknown> extends ContextKernel<P, S, AttendContext> {
  /**
   * Per query row, from a forward's saved data: `alpha` `[N, Tm]` (the weights, zero past τ_b) and any
   * other value worth drawing (local attention's centre `p` `[N]`). The finite-difference `checks`
   * give input sizes for `query` and `memory`.
   */
  readonly probes: (saved: S, ctx: AttendContext) => Readonly<Record<string, Tensor>>;
}
