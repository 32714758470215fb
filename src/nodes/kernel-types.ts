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
}
