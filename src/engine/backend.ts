import type { KernelContext, KernelForward, KernelGrads, NodeKernel } from '../nodes/kernel-types';
import { FUSED_SUFFIX } from '../compiler/fuse';
import { getNodeSpec } from '../nodes/registry';
import type { Tensor } from './tensor';

/**
 * The seam for faster kernels. The executor calls a Backend for every kernel op, forward and
 * backward, one op at a time, with the op's type, node id and parsed params; the scheduler's own
 * ops (Delay, LastStep, masking, broadcasting, accumulation) stay in the executor.
 *
 * A backend answers for every node kind: `withKernels(base, …)` overrides some kinds and falls back
 * to `base` for the rest, so a backend can be written op by op. The contract of each call is the
 * node kernel's (`src/nodes/kernel-types.ts`): rows `[N, D]`, index ports `[N]`, never modify the
 * arguments, backward returns fresh tensors that the executor accumulates.
 */

export type Precision = 'float64' | 'float32';

/** Which op a call is for. */
export interface OpCall {
  readonly type: string;
  readonly node: string;
  readonly attrs: unknown;
}

export interface Backend {
  /** Shown to the user (`reference`, `gpujs:webgpu`, …). */
  readonly name: string;
  readonly precision: Precision;
  /** Whether this backend can run the kind (a plan with a kind no backend runs is refused). */
  supports(type: string): boolean;
  forward(op: OpCall, inputs: Readonly<Record<string, Tensor>>, params: Readonly<Record<string, Tensor>>, ctx?: KernelContext): KernelForward<unknown>;
  backward(
    op: OpCall,
    gradOutputs: Readonly<Record<string, Tensor | undefined>>,
    saved: unknown,
    inputs: Readonly<Record<string, Tensor>>,
    params: Readonly<Record<string, Tensor>>,
  ): KernelGrads;
}

/** Thrown when a backend is asked for a kind it does not run. */
export class BackendError extends Error {
  readonly code = 'backend-unsupported-op';
  constructor(message: string) {
    super(message);
    this.name = 'BackendError';
  }
}

/** The node kind's kernel; for `<Kind>.step` (a fused cell op, see `compiler/fuse.ts`) the kind's fused step. */
function ownKernel(type: string): NodeKernel<unknown, unknown> | undefined {
  const spec = getNodeSpec(type);
  if (spec !== undefined) return spec.kernel as NodeKernel<unknown, unknown> | undefined;
  if (!type.endsWith(FUSED_SUFFIX)) return undefined;
  return getNodeSpec(type.slice(0, -FUSED_SUFFIX.length))?.fused?.step as NodeKernel<unknown, unknown> | undefined;
}

function kernelOf(type: string, backendName: string): NodeKernel<unknown, unknown> {
  const k = ownKernel(type);
  if (k === undefined) throw new BackendError(`backend "${backendName}" has no kernel for node kind "${type}"`);
  return k;
}

/**
 * The node kinds' own float64 kernels, as they are (and a fused cell's step for `<Kind>.step`): the
 * reference every other backend is checked against. `kernels/reference` publishes it as `reference`.
 */
export const nodeKernelBackend: Backend = {
  name: 'reference',
  precision: 'float64',
  supports: (type) => ownKernel(type) !== undefined,
  forward: (op, inputs, params, ctx) => kernelOf(op.type, 'reference').forward(inputs, params, op.attrs, ctx),
  backward: (op, gradOutputs, saved, inputs, params) => kernelOf(op.type, 'reference').backward(gradOutputs, saved, inputs, params, op.attrs),
};

/**
 * A backend that runs `kernels` for the kinds they name and `base` for every other kind.
 * Saved data stays with the kernel that produced it: an overridden kind's backward receives what its
 * own forward returned.
 */
export function withKernels(
  base: Backend,
  kernels: Readonly<Record<string, NodeKernel<any, any>>>,
  info: { readonly name: string; readonly precision?: Precision },
): Backend {
  const own = (type: string): NodeKernel<unknown, unknown> | undefined => (Object.hasOwn(kernels, type) ? kernels[type] : undefined);
  return {
    name: info.name,
    precision: info.precision ?? base.precision,
    supports: (type) => own(type) !== undefined || base.supports(type),
    forward(op, inputs, params, ctx) {
      const k = own(op.type);
      return k ? k.forward(inputs, params, op.attrs, ctx) : base.forward(op, inputs, params, ctx);
    },
    backward(op, gradOutputs, saved, inputs, params) {
      const k = own(op.type);
      return k ? k.backward(gradOutputs, saved, inputs, params, op.attrs) : base.backward(op, gradOutputs, saved, inputs, params);
    },
  };
}
