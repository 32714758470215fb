import type { z } from 'zod';
import type { AttendKernel, Decomposition, FusedCell, KernelCheckCase, NodeKernel, SequenceKernel } from './kernel-types';

/**
 * The declaration of one node kind. Every node kind is one file in `src/nodes/` exporting one
 * `NodeSpec`; the palette, the inspector form, validation, shape inference, the compiler, gradient
 * checks and docs all read it.
 */

/** What travels on a port. B (batch) and T (time) are symbolic; only the feature size is checked. */
export type PortRole =
  /** `[B,T,D]`: one D-vector per time step. */
  | 'sequence'
  /** `[B,D]`: one D-vector per sample (no time axis). */
  | 'vector'
  /** `[B,D]` recurrent state: a vector that is carried from step t-1 to step t. */
  | 'state'
  /** `[]`: a reduced scalar, e.g. a loss. */
  | 'scalar';

/** Element type carried by a port: real values, or integer class/token ids (feature size = number of classes). */
export type PortDType = 'real' | 'index';

export interface PortDecl {
  readonly name: string;
  readonly direction: 'in' | 'out';
  /** Roles accepted (inputs) or produced (outputs). An input may accept several roles (element-wise ops). */
  readonly roles: readonly PortRole[];
  readonly dtype?: PortDType;
  /** Optional inputs may stay unconnected. Outputs are always optional to connect. */
  readonly optional?: boolean;
  readonly description: string;
}

/** The inferred shape of a value on a port. */
export interface PortShape {
  readonly role: PortRole;
  /** Feature size D (for `index` dtype: the number of classes). 0 for scalars. */
  readonly dim: number;
  readonly dtype: PortDType;
}

/** Why a shape rule refused its inputs; validation reports it under the same code. */
export type ShapeErrorCode =
  /** A value of the wrong role, e.g. a sequence into a vector-only port. */
  | 'incompatible-roles'
  /** Real values where class ids are expected, or the reverse. */
  | 'incompatible-dtype'
  /** Feature sizes that must agree do not (element-wise inputs, class counts, a Delay's size). */
  | 'dim-mismatch';

/**
 * The result of a shape rule. On success, an output missing from `outputs` is not yet known
 * (some input it depends on is unknown); it is not an error.
 */
export type ShapeResult =
  | { readonly ok: true; readonly outputs: Readonly<Record<string, PortShape>> }
  | { readonly ok: false; readonly code: ShapeErrorCode; readonly port: string; readonly message: string };

export type NodeCategory = 'input' | 'primitive' | 'activation' | 'cell' | 'attention' | 'output' | 'loss' | 'structure';

/** A parameter tensor the node owns (trainable or stored), e.g. `W0 [out, in0]`. */
export interface ParamTensorDecl {
  readonly name: string;
  readonly shape: readonly number[];
  readonly trainable: boolean;
  /** How the engine initialises it (see models.md "Initialisation"). */
  readonly init: 'glorot' | 'orthogonal' | 'zeros' | 'ones' | { readonly constant: number } | { readonly uniform: readonly [number, number] };
}

/**
 * One node kind. `P` is the parsed parameter object (the output of `params`).
 * A primitive carries its `kernel` (forward and backward side by side); a composite node carries
 * `decompose` instead, and a recurrent one also `fused`. `Input`, `Delay` and `LastStep` have
 * neither: the data feeds the first, and the scheduler implements the others.
 */
export interface NodeSpec<P = Record<string, unknown>> {
  /** The type tag stored in documents, e.g. `Linear`. Never renamed: add a migration instead. */
  readonly type: string;
  /** Version of this node's params; documents store it per node, older ones are migrated by `migrate`. */
  readonly version: number;
  readonly category: NodeCategory;
  /** Display name (English); the renderer translates by `type`. */
  readonly title: string;
  readonly description: string;
  /** zod schema of the params, every field with a default: `params.parse({})` gives the defaults. */
  readonly params: z.ZodType<P>;
  /** The ports, which may depend on params (e.g. Linear's `inputs` count). */
  readonly ports: (params: P) => readonly PortDecl[];
  /**
   * Infers output shapes from input shapes; an error names the offending port. Inputs whose shape is
   * not known (unconnected, or fed by an unknown value) are `undefined`: the rule still checks the
   * known ones and leaves out the outputs it cannot infer.
   */
  readonly shape: (params: P, inputs: Readonly<Record<string, PortShape | undefined>>) => ShapeResult;
  /** Parameter tensors the node owns, given its params and (inferred) input shapes. */
  readonly paramTensors: (params: P, inputs: Readonly<Record<string, PortShape | undefined>>) => readonly ParamTensorDecl[];
  /** The equation, LaTeX, shown in the inspector. */
  readonly equation: string;
  /** Migrates params stored at `fromVersion` one step to `fromVersion + 1`. */
  readonly migrate?: (params: Record<string, unknown>, fromVersion: number) => Record<string, unknown>;
  /**
   * True when the node's output at step t depends on its inputs at step t−1 only (Delay): an edge
   * into it may close a cycle, and its output shape must not depend on its input shapes.
   */
  readonly closesCycles?: boolean;
  /** The kernel uses randomness: the executor passes one uniform draw per row (`KernelContext.random`) when training. */
  readonly stochastic?: boolean;
  /** Forward/backward on one step, float64 (primitives). */
  readonly kernel?: NodeKernel<P, any>;
  /** Forward/backward over every step at once, float64 (whole-sequence primitives; run batched, never on a cycle). */
  readonly sequence?: SequenceKernel<P, any>;
  /**
   * Attention from a per-step `query` over a whole `memory` sequence that may live on another time
   * axis (encoder–decoder attention), float64; the `memory` port is exempt from the time-axis rule.
   */
  readonly attend?: AttendKernel<P, any>;
  /** The node as a subgraph of other node kinds (composite nodes); a fused kernel must equal it. */
  readonly decompose?: (params: P) => Decomposition;
  /** A composite node's fused step kernel (the fast path); it must equal `decompose`. */
  readonly fused?: FusedCell<P, any>;
  /** Input sizes at which the decomposition is checked at the defaults (3 per input when absent). */
  readonly decomposeDims?: Readonly<Record<string, number>>;
  /** Further params, with input sizes, at which the decomposition of a composite without a fused step is checked. */
  readonly decomposeChecks?: readonly KernelCheckCase[];
}
