import { withKernels, type Backend } from '../../src/engine/backend';
import type { NodeKernel } from '../../src/nodes/kernel-types';
import { referenceBackend } from '../reference';
import { elementwiseKernels } from './elementwise';
import { gruStepKernel } from './gru';
import { linearKernel } from './linear';
import { lstmStepKernel } from './lstm';
import { F32Ops, type OpCounts, type Thresholds } from './ops';
import { rnnStepKernel } from './rnn';
import { openLocalRunner, type GpujsMode, type KernelRunner, type RunnerResult } from './runner';
import { openWebgpuRunner } from './webgpu';

/**
 * The gpu.js backend, float32: `Linear` forward/backward, the element-wise kinds and the fused
 * `LSTM.step`, `GRU.step`, `RNN.step` are its own kernels; every other kind (losses, Softmax,
 * Concat, …) falls back to the reference kernels. See docs/performance.md for the thresholds.
 */

export { GPUJS_MODES, type GpujsMode } from './runner';
export type { Thresholds } from './ops';

/** The kinds this backend runs itself (the rest go to the reference kernels). */
export const GPUJS_KINDS = ['Linear', 'Sigmoid', 'Tanh', 'ReLU', 'OneMinus', 'Multiply', 'Add', 'LSTM.step', 'GRU.step', 'RNN.step'] as const;

/**
 * Default thresholds: every gpu.js mode runs matrix products of 4k multiply-adds and element-wise
 * ops of 16k elements and up as gpu.js kernels; smaller ones (per-step bias adds, tiny batches) as
 * float32 loops, where launching a kernel costs more than the work. On the CPU-backed modes gpu.js
 * is slower than the loops at every size measured (docs/performance.md): the `f32` backend, which
 * runs the same kernels as loops only, is the fast choice there, and `auto` finds that by timing.
 */
export function defaultThresholds(_mode: GpujsMode): Thresholds {
  return { matmul: 1 << 12, elementwise: 1 << 14 };
}

export interface GpujsBackendOptions {
  readonly thresholds?: Partial<Thresholds>;
}

export interface GpujsBackend {
  readonly backend: Backend;
  readonly mode: GpujsMode;
  readonly thresholds: Thresholds;
  /** Calls per path so far (gpu.js kernel vs float32 loop). */
  readonly counts: OpCounts;
  /** Frees the gpu.js kernels (and the webgpu worker). */
  destroy(): void;
}

export type GpujsOpen = { readonly ok: true; readonly value: GpujsBackend } | { readonly ok: false; readonly mode: GpujsMode; readonly reason: string };

function kernelsOf(ops: F32Ops): Record<string, NodeKernel<any, any>> {
  return { Linear: linearKernel(ops), ...elementwiseKernels(ops), 'LSTM.step': lstmStepKernel(ops), 'GRU.step': gruStepKernel(ops), 'RNN.step': rnnStepKernel(ops) };
}

/** A runner for the `f32` backend, whose thresholds never send an op to gpu.js. */
const NO_RUNNER: KernelRunner = {
  mode: 'cpu',
  compiled: 0,
  run: () => {
    throw new Error('the f32 backend runs float32 loops only; no gpu.js kernel may be launched');
  },
  destroy: () => {},
};

/**
 * The `f32` backend: the same float32 kernels (packed gate weights, fused gate math, blocked matrix
 * products) as plain TypeScript loops, with no gpu.js at all. On a machine without a GPU it is the
 * fastest backend; it falls back to the reference kernels for the same kinds as gpu.js does.
 */
export function openF32Backend(): { readonly backend: Backend; readonly counts: OpCounts } {
  const ops = new F32Ops(NO_RUNNER, { matmul: Infinity, elementwise: Infinity });
  return { backend: withKernels(referenceBackend, kernelsOf(ops), { name: 'f32', precision: 'float32' }), counts: ops.counts };
}

function openRunner(mode: GpujsMode): RunnerResult {
  return mode === 'webgpu' ? openWebgpuRunner() : openLocalRunner(mode);
}

/** Opens the gpu.js backend in `mode`, or says why the mode is unavailable here. */
export function openGpujsBackend(mode: GpujsMode, options: GpujsBackendOptions = {}): GpujsOpen {
  const r = openRunner(mode);
  if (!r.ok) return { ok: false, mode, reason: r.reason };
  const thresholds = { ...defaultThresholds(mode), ...options.thresholds };
  const ops = new F32Ops(r.runner, thresholds);
  const backend = withKernels(referenceBackend, kernelsOf(ops), { name: `gpujs:${mode}`, precision: 'float32' });
  return { ok: true, value: { backend, mode, thresholds, counts: ops.counts, destroy: () => r.runner.destroy() } };
}
