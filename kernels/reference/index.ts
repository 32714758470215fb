/**
 * The `reference` backend: the node kinds' own float64 kernels (`src/nodes/*`, field `kernel`),
 * unchanged. It is the executable spec: every other backend is checked against it, op by op.
 * A faster backend overrides the kinds it accelerates and falls back to this one for the rest:
 *   `withKernels(referenceBackend, { Linear: myLinear }, { name: 'mine', precision: 'float32' })`.
 */
import { nodeKernelBackend, withKernels, type Backend } from '../../src/engine/backend';

export const referenceBackend: Backend = nodeKernelBackend;

export { withKernels };
export type { Backend };
